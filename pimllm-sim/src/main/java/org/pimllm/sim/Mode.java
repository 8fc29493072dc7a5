package org.pimllm.sim;

/** How a {@link PimSystem} executes DPU programs. */
public enum Mode {
  /** Real bytes in MRAM and WRAM: every DPU runs its program on its data; results can be checked. */
  FUNCTIONAL,
  /** No data is stored or computed; only the timing. DPUs with equal {@link DpuArgs} share one timing. */
  TIMING_ONLY
}
