package org.pimllm.tileselector;

/**
 * The analytical model's seconds of one plan, term by term (each term is what the simulator charges to the
 * category of the same name).
 *
 * @param h2dSeconds host-to-DPU: B and A (pushed or broadcast) and the kernel arguments
 * @param kernelSeconds the slowest DPU's kernel
 * @param d2hSeconds DPU-to-host: the C blocks
 * @param hostSeconds host-CPU work: summing K-tiled partial C blocks, transposing a row-major B
 * @param launchSeconds the dpu_launch call
 * @param allocSeconds dpu_alloc + dpu_load + dpu_free around the call when DPUs are not pooled, else 0
 * @param overlapSeconds seconds of the terms above that run at the same time when the call's ranks run
 *     asynchronously (the simulator's RankPipeline schedule of the same steps); 0 for a synchronous call
 */
public record PlanCost(double h2dSeconds, double kernelSeconds, double d2hSeconds, double hostSeconds,
    double launchSeconds, double allocSeconds, double overlapSeconds) {

  /** A synchronous call: its terms one after another. */
  public PlanCost(double h2dSeconds, double kernelSeconds, double d2hSeconds, double hostSeconds, double launchSeconds,
      double allocSeconds) {
    this(h2dSeconds, kernelSeconds, d2hSeconds, hostSeconds, launchSeconds, allocSeconds, 0);
  }

  /** Elapsed seconds of the call: the terms' sum less what overlapped. */
  public double totalSeconds() {
    return h2dSeconds + kernelSeconds + d2hSeconds + hostSeconds + launchSeconds + allocSeconds - overlapSeconds;
  }
}
