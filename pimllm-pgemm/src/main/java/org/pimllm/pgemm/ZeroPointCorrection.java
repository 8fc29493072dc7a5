package org.pimllm.pgemm;

/**
 * The host steps that turn PGEMMlib's int8 x int8 kernel into a uint8 x int8 GEMM with zero points.
 *
 * <p>With {@code A8 = A - 128} (A's bytes with the top bit flipped: uint8 to int8) and {@code z = a - 128}:
 * <pre>
 *   sum_k (A - a)(B - zb_j) = sum_k (A8 - z)(B - zb_j)
 *                           = P[i][j] - zb_j * rowA8[i] - z * colB[j] + K * z * zb_j
 * </pre>
 * where {@code P = A8 x B} is the DPUs' ordinary int8 GEMM, {@code rowA8[i] = sum_k A8[i][k]} and
 * {@code colB[j] = sum_k B[k][j]}. Every term is computed in int32 with wrap-around; the identity holds in
 * arithmetic modulo 2^32, so the result is bit-identical to {@link ReferenceGemm#multiplyU8S8}.
 */
final class ZeroPointCorrection {
  private ZeroPointCorrection() {}

  /** A's uint8 bytes as int8 values A - 128 (flip the top bit), same shape and layout. */
  static Matrix toSigned(Matrix aU8) {
    byte[] src = aU8.data();
    byte[] out = new byte[src.length];
    for (int i = 0; i < src.length; i++) {
      out[i] = (byte) (src[i] ^ 0x80);
    }
    return new Matrix(GemmDType.INT8, aU8.batch(), aU8.rows(), aU8.cols(), aU8.layout(), out);
  }

  /** rowSums[bi * M + i] = sum_k A[bi][i][k] (int8 values, int32 wrap). */
  static int[] rowSums(Matrix a) {
    int[] s = new int[a.batch() * a.rows()];
    for (int bi = 0; bi < a.batch(); bi++) {
      for (int i = 0; i < a.rows(); i++) {
        int acc = 0;
        for (int k = 0; k < a.cols(); k++) {
          acc += a.getInt(bi, i, k);
        }
        s[bi * a.rows() + i] = acc;
      }
    }
    return s;
  }

  /** colSums[bi * N + j] = sum_k B[bi][k][j] (int8 values, int32 wrap). */
  static int[] colSums(Matrix b) {
    int[] s = new int[b.batch() * b.cols()];
    for (int bi = 0; bi < b.batch(); bi++) {
      for (int j = 0; j < b.cols(); j++) {
        int acc = 0;
        for (int k = 0; k < b.rows(); k++) {
          acc += b.getInt(bi, k, j);
        }
        s[bi * b.cols() + j] = acc;
      }
    }
    return s;
  }

  /** P (the int8 product of A8 and B, row-major int32) corrected in place to the zero-point product. */
  static void correct(Matrix p, int k, int[] rowA8, int[] colB, ZeroPoints zp) {
    int z = zp.a() - 128;
    int m = p.rows();
    int n = p.cols();
    for (int bi = 0; bi < p.batch(); bi++) {
      for (int i = 0; i < m; i++) {
        int row = rowA8[bi * m + i];
        for (int j = 0; j < n; j++) {
          int zb = zp.b(j);
          int v = p.getInt(bi, i, j) - zb * row - z * colB[bi * n + j] + k * z * zb;
          p.setInt(bi, i, j, v);
        }
      }
    }
  }

  /** Bytes the host touches per call: A read and written once (flip + row sums), C read and written once. */
  static long perCallBytes(GemmShape s) {
    return 2L * s.b() * s.m() * s.k() + 2L * 4 * s.b() * s.m() * s.n();
  }

  /** Bytes the host reads once per B to sum its columns. */
  static long columnSumBytes(GemmShape s) {
    return (long) s.b() * s.k() * s.n();
  }
}
