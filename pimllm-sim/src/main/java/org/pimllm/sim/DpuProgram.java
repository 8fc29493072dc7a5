package org.pimllm.sim;

/**
 * A DPU program, run SPMD: {@link #run} is the body every tasklet of every DPU executes, telling the
 * tasklets apart with {@link Tasklet#me()} as DPU C code does.
 */
public interface DpuProgram {
  String name();

  /** NR_TASKLETS the program is "compiled" with (1..maxTasklets of the preset). */
  int nrTasklets();

  /** Stack of each tasklet; all stacks are carved out of WRAM before the heap. */
  int stackBytesPerTasklet();

  /** Program size in instructions, checked against IRAM at load time. */
  int iramInstructions();

  /** The tasklet body; runs once per tasklet per DPU. */
  void run(Tasklet t);

  /**
   * Whether tasklets call {@link Tasklet#barrier()}. Programs that never do may return false: their tasklets
   * then run one after another on the caller's thread, which is faster than interleaving them.
   */
  default boolean usesBarriers() {
    return true;
  }
}
