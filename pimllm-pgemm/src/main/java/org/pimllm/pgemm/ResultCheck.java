package org.pimllm.pgemm;

/**
 * Compares a PIM result with the CPU reference GEMM. Integers must be bit-identical. fp32 must be
 * bit-identical when K is not split (fK = 1 and kSplit = 1: the kernel sums in the reference's order); with
 * fK > 1 the host adds the K parts' partial sums (with kSplit > 1 the tasklets do), a different order, so
 * each element may differ from the reference by at
 * most {@code 2 * K * 2^-24 * sum_k |a_k * b_k|} (twice the standard bound on recursive summation error,
 * since both sides carry it).
 */
public final class ResultCheck {
  private ResultCheck() {}

  /** Outcome: whether C is acceptable, and the first mismatch if not. */
  public record Outcome(boolean ok, String detail) {}

  public static Outcome check(TilingPlan plan, Matrix a, Matrix b, Matrix c) {
    Matrix ref = ReferenceGemm.multiply(a, b);
    boolean exact = !plan.dtype().floating() || plan.partition().fK() == 1 && plan.kernel().kSplit() == 1;
    if (exact) {
      if (ref.sameValues(c)) {
        return new Outcome(true, "bit-identical to the CPU reference");
      }
      return new Outcome(false, firstMismatch(ref, c));
    }
    int k = a.cols();
    double u = Math.scalb(1.0, -24);
    for (int bi = 0; bi < c.batch(); bi++) {
      for (int i = 0; i < c.rows(); i++) {
        for (int j = 0; j < c.cols(); j++) {
          double absSum = 0;
          for (int kk = 0; kk < k; kk++) {
            absSum += Math.abs((double) a.getFloat(bi, i, kk) * b.getFloat(bi, kk, j));
          }
          double tol = 2 * k * u * absSum * 1.01;
          double diff = Math.abs((double) c.getFloat(bi, i, j) - ref.getFloat(bi, i, j));
          if (!(diff <= tol)) {
            return new Outcome(false, "C[" + bi + "][" + i + "][" + j + "] = " + c.getFloat(bi, i, j) + " but reference "
                + ref.getFloat(bi, i, j) + " (|diff| " + diff + " > tolerance " + tol + ")");
          }
        }
      }
    }
    return new Outcome(true, "within the fp32 summation-order tolerance of the CPU reference");
  }

  private static String firstMismatch(Matrix ref, Matrix c) {
    for (int bi = 0; bi < ref.batch(); bi++) {
      for (int i = 0; i < ref.rows(); i++) {
        for (int j = 0; j < ref.cols(); j++) {
          boolean fp = ref.type().floating();
          String got = fp ? Float.toString(c.getFloat(bi, i, j)) : Integer.toString(c.getInt(bi, i, j));
          String want = fp ? Float.toString(ref.getFloat(bi, i, j)) : Integer.toString(ref.getInt(bi, i, j));
          if (!got.equals(want)) {
            return "C[" + bi + "][" + i + "][" + j + "] = " + got + " but the CPU reference gives " + want;
          }
        }
      }
    }
    return "C differs from the CPU reference";
  }
}
