package org.pimllm.pgemm;

import java.util.Map;
import org.pimllm.sim.Category;

/**
 * One GEMM call: simulated time by category, bytes moved, DPUs used, how well the kernel did, and C (in
 * FUNCTIONAL mode; null in TIMING_ONLY).
 *
 * @param plan the plan that ran
 * @param c the product, row-major int32 or fp32 (null in TIMING_ONLY)
 * @param seconds simulated seconds of this call by category (all categories present; HOST = transposition
 *     of a row-major B and the reduction of K-tiled partial sums)
 * @param bytesToDpus host-to-MRAM bytes of this call (all DPUs; for broadcasts, bytes delivered to all)
 * @param bytesFromDpus MRAM-to-host bytes of this call
 * @param dpusUsed DPUs the plan ran on
 * @param kernel kernel cycles, throughput, bound and efficiency
 * @param elapsedSeconds elapsed simulated seconds of the call (below the categories' sum when ranks overlapped)
 */
public record GemmResult(TilingPlan plan, Matrix c, Map<Category, Double> seconds, long bytesToDpus,
    long bytesFromDpus, int dpusUsed, KernelStats kernel, double elapsedSeconds) {

  public GemmResult {
    seconds = Map.copyOf(seconds);
  }

  public double seconds(Category cat) {
    return seconds.getOrDefault(cat, 0.0);
  }

  /**
   * Elapsed simulated seconds of the call: the sum of its categories, or less when ranks ran asynchronously and
   * transfers of one rank overlapped kernels of another ({@link #overlappedSeconds}).
   */
  public double totalSeconds() {
    return elapsedSeconds;
  }

  /** Seconds of the categories' sum that overlapped (0 for a synchronous call). */
  public double overlappedSeconds() {
    return Math.max(0, Category.sum(seconds) - elapsedSeconds);
  }

  public double h2dSeconds() {
    return seconds(Category.H2D);
  }

  public double kernelSeconds() {
    return seconds(Category.KERNEL);
  }

  public double d2hSeconds() {
    return seconds(Category.D2H);
  }

  public double hostSeconds() {
    return seconds(Category.HOST);
  }

  public double launchSeconds() {
    return seconds(Category.LAUNCH);
  }
}
