package org.pimllm.pgemm;

import java.util.Arrays;

/**
 * Zero points of a quantized GEMM with uint8 activations and int8 weights (ONNX {@code MatMulInteger}):
 * {@code C[i][j] = sum_k (A[i][k] - a) * (B[k][j] - b[j])}, A's bytes read as unsigned.
 *
 * @param a the activations' zero point, 0..255 (uint8)
 * @param b the weights' zero points, each -128..127 (int8): one for the whole matrix, or one per column of B
 */
public record ZeroPoints(int a, int[] b) {

  public ZeroPoints {
    if (a < 0 || a > 255) {
      throw new IllegalArgumentException("the activation zero point is uint8 (0..255), got " + a);
    }
    if (b == null || b.length == 0) {
      throw new IllegalArgumentException("give at least one weight zero point (0 for symmetric int8 weights)");
    }
    b = b.clone();
    for (int z : b) {
      if (z < -128 || z > 127) {
        throw new IllegalArgumentException("weight zero points are int8 (-128..127), got " + z);
      }
    }
  }

  /** One activation zero point and one weight zero point for the whole matrix. */
  public static ZeroPoints of(int a, int b) {
    return new ZeroPoints(a, new int[] {b});
  }

  /** The weight zero point of column j. */
  public int b(int j) {
    return b.length == 1 ? b[0] : b[j];
  }

  /** Checks that per-column zero points match B's N. */
  void checkColumns(int n) {
    if (b.length != 1 && b.length != n) {
      throw new IllegalArgumentException("B has " + n + " columns but " + b.length
          + " weight zero points were given; give one, or one per column");
    }
  }

  @Override
  public int[] b() {
    return b.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ZeroPoints z && z.a == a && Arrays.equals(z.b, b);
  }

  @Override
  public int hashCode() {
    return 31 * a + Arrays.hashCode(b);
  }

  @Override
  public String toString() {
    return "ZeroPoints[a=" + a + ", b=" + (b.length == 1 ? String.valueOf(b[0]) : b.length + " per column") + "]";
  }
}
