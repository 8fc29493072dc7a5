package org.pimllm.pgemm;

/**
 * The shape of a (batched) GEMM: {@code C[b][M][N] = A[b][M][K] x B[b][K][N]}.
 *
 * @param b batch count (1 for a plain GEMM)
 * @param m rows of A and C
 * @param k the reduction dimension
 * @param n columns of B and C
 */
public record GemmShape(int b, int m, int k, int n) {

  public GemmShape {
    requirePositive("b", b);
    requirePositive("M", m);
    requirePositive("K", k);
    requirePositive("N", n);
  }

  public static GemmShape of(int b, int m, int k, int n) {
    return new GemmShape(b, m, k, n);
  }

  /** Multiply-accumulates of the whole GEMM. */
  public long macs() {
    return (long) b * m * k * n;
  }

  public GemmShape withM(int newM) {
    return new GemmShape(b, newM, k, n);
  }

  @Override
  public String toString() {
    return "(" + b + ", " + m + ", " + k + ", " + n + ")";
  }

  private static void requirePositive(String name, int v) {
    if (v <= 0) {
      throw new IllegalArgumentException("GEMM dimension " + name + " must be >= 1, got " + v);
    }
  }
}
