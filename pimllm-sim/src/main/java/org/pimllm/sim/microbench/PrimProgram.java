package org.pimllm.sim.microbench;

import org.pimllm.sim.DpuProgram;

/** What PrIM's DPU programs share: a name, NR_TASKLETS, 1 KiB stacks, a small IRAM footprint. */
abstract class PrimProgram implements DpuProgram {
  private final String name;
  private final int tasklets;
  private final int iramInstructions;
  private final boolean usesBarriers;

  PrimProgram(String name, int tasklets, int iramInstructions, boolean usesBarriers) {
    this.name = name;
    this.tasklets = tasklets;
    this.iramInstructions = iramInstructions;
    this.usesBarriers = usesBarriers;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int nrTasklets() {
    return tasklets;
  }

  @Override
  public int stackBytesPerTasklet() {
    return 1024;
  }

  @Override
  public int iramInstructions() {
    return iramInstructions;
  }

  @Override
  public boolean usesBarriers() {
    return usesBarriers;
  }
}
