package org.pimllm.sim;

/**
 * Per-DPU kernel arguments (a WRAM host symbol on the real machine), pushed with {@link DpuSet#pushArgs}.
 *
 * <p>Implement with records: in {@link Mode#TIMING_ONLY} DPUs whose arguments are {@code equals} share one
 * timing computation, so the arguments must determine the DPU's work completely.
 */
public interface DpuArgs {
  /** Size of the symbol in bytes as the host would push it (rounded up to 8 when charged). */
  int sizeBytes();
}
