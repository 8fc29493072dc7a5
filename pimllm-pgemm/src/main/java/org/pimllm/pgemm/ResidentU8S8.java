package org.pimllm.pgemm;

import java.util.Map;
import org.pimllm.sim.Category;

/**
 * A constant int8 B resident in MRAM for uint8 x int8 GEMMs with zero points: the int8 placement, the zero
 * points, and B's column sums (computed once on the host for the zero-point correction).
 *
 * @param b the resident int8 B
 * @param zeroPoints the zero points every call uses (a call may give its own activation zero point)
 * @param columnSums sum over k of B[bi][k][j], index bi * N + j (null in TIMING_ONLY)
 * @param prepareSeconds the one-time cost by category (placement plus column sums)
 */
public record ResidentU8S8(ResidentB b, ZeroPoints zeroPoints, int[] columnSums, Map<Category, Double> prepareSeconds) {

  public ResidentU8S8 {
    prepareSeconds = Map.copyOf(prepareSeconds);
  }

  public double prepareTotalSeconds() {
    return Category.sum(prepareSeconds); // in category order: the same bits in every JVM
  }

  /** The same resident B with another activation zero point (0..255); B's zero points are kept. */
  public ResidentU8S8 withActivationZeroPoint(int a) {
    return new ResidentU8S8(b, new ZeroPoints(a, zeroPoints.b()), columnSums, prepareSeconds);
  }
}
