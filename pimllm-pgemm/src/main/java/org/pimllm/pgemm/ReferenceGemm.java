package org.pimllm.pgemm;

/**
 * The CPU reference GEMM every PIM result is checked against: plain loops, no tiling.
 *
 * <p>Integers: products and sums in Java {@code int}, i.e. int32 with two's-complement wrap-around, which is
 * exactly what the DPU's 32-bit accumulation does, so PIM results must be bit-identical. fp32: the sum runs in
 * k order, {@code acc = acc + a*b} with each operation rounded to fp32 (no fused multiply-add), the order the
 * DPU kernel uses inside one K slice.
 */
public final class ReferenceGemm {
  private ReferenceGemm() {}

  /** C[b][M][N] (row-major, int32 or fp32) = A[b][M][K] x B[b][K][N]; A and B in any layout. */
  public static Matrix multiply(Matrix a, Matrix b) {
    checkOperands(a, b);
    GemmDType t = a.type();
    int batch = a.batch();
    int m = a.rows();
    int k = a.cols();
    int n = b.cols();
    if (t == GemmDType.INT8 && a.layout() == Layout.ROW_MAJOR && b.layout() == Layout.COL_MAJOR) {
      return int8RowCol(a, b);
    }
    Matrix c = Matrix.zeros(t.outputType(), batch, m, n, Layout.ROW_MAJOR);
    for (int bi = 0; bi < batch; bi++) {
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          if (t.floating()) {
            float acc = 0f;
            for (int kk = 0; kk < k; kk++) {
              float p = a.getFloat(bi, i, kk) * b.getFloat(bi, kk, j);
              acc = acc + p;
            }
            c.setFloat(bi, i, j, acc);
          } else {
            int acc = 0;
            for (int kk = 0; kk < k; kk++) {
              acc += a.getInt(bi, i, kk) * b.getInt(bi, kk, j);
            }
            c.setInt(bi, i, j, acc);
          }
        }
      }
    }
    return c;
  }

  /**
   * The plain Java int8 GEMM (A row-major, B column-major, straight byte loops): the fast path of the
   * reference and the baseline the JMH benchmark compares the simulator's functional speed with.
   */
  public static Matrix int8RowCol(Matrix a, Matrix b) {
    checkOperands(a, b);
    int batch = a.batch();
    int m = a.rows();
    int k = a.cols();
    int n = b.cols();
    byte[] ad = a.data();
    byte[] bd = b.data();
    Matrix c = Matrix.zeros(GemmDType.INT32, batch, m, n, Layout.ROW_MAJOR);
    for (int bi = 0; bi < batch; bi++) {
      for (int i = 0; i < m; i++) {
        int aRow = (bi * m + i) * k;
        for (int j = 0; j < n; j++) {
          int bCol = (bi * n + j) * k;
          int acc = 0;
          for (int kk = 0; kk < k; kk++) {
            acc += ad[aRow + kk] * bd[bCol + kk];
          }
          c.setInt(bi, i, j, acc);
        }
      }
    }
    return c;
  }

  /**
   * ONNX MatMulInteger: {@code C[b][i][j] = sum_k (A[b][i][k] - zp.a) * (B[b][k][j] - zp.b(j))} in int32 with
   * wrap-around, A's bytes read as unsigned (uint8), B's as int8. Both are {@link GemmDType#INT8} matrices
   * (A's type only names its byte size here), in any layout.
   */
  public static Matrix multiplyU8S8(Matrix aU8, Matrix b, ZeroPoints zp) {
    checkOperands(aU8, b);
    if (aU8.type() != GemmDType.INT8) {
      throw new IllegalArgumentException("the uint8 x int8 GEMM takes byte matrices, got " + aU8.type().cliName());
    }
    zp.checkColumns(b.cols());
    Matrix c = Matrix.zeros(GemmDType.INT32, aU8.batch(), aU8.rows(), b.cols(), Layout.ROW_MAJOR);
    for (int bi = 0; bi < aU8.batch(); bi++) {
      for (int i = 0; i < aU8.rows(); i++) {
        for (int j = 0; j < b.cols(); j++) {
          int acc = 0;
          for (int kk = 0; kk < aU8.cols(); kk++) {
            int av = aU8.getInt(bi, i, kk) & 0xFF;
            acc += (av - zp.a()) * (b.getInt(bi, kk, j) - zp.b(j));
          }
          c.setInt(bi, i, j, acc);
        }
      }
    }
    return c;
  }

  /**
   * int8 activations x int4 weights: {@code C[b][i][n] = sum_k A[b][i][k] * q[b][k][n] * m[b][k / G][n]} in int32
   * with wrap-around ({@link Int4Weights}); A int8 in any layout.
   */
  public static Matrix multiplyInt4(Matrix a, Int4Weights w) {
    if (a.type() != GemmDType.INT8) {
      throw new IllegalArgumentException("the int4 GEMM takes int8 activations, got " + a.type().cliName());
    }
    if (a.batch() != w.batch() || a.cols() != w.k()) {
      throw new IllegalArgumentException("A is " + a.batch() + " x " + a.rows() + " x " + a.cols() + " but the int4 B is "
          + w.batch() + " x " + w.k() + " x " + w.n());
    }
    Matrix c = Matrix.zeros(GemmDType.INT32, a.batch(), a.rows(), w.n(), Layout.ROW_MAJOR);
    for (int bi = 0; bi < a.batch(); bi++) {
      for (int i = 0; i < a.rows(); i++) {
        for (int n = 0; n < w.n(); n++) {
          int acc = 0;
          for (int k = 0; k < a.cols(); k++) {
            acc += a.getInt(bi, i, k) * w.weight(bi, k, n) * w.multiplier(bi, k, n);
          }
          c.setInt(bi, i, n, acc);
        }
      }
    }
    return c;
  }

  static void checkOperands(Matrix a, Matrix b) {
    if (a.type() != b.type()) {
      throw new IllegalArgumentException("A is " + a.type().cliName() + " but B is " + b.type().cliName());
    }
    if (a.batch() != b.batch()) {
      throw new IllegalArgumentException("A has batch " + a.batch() + " but B has batch " + b.batch());
    }
    if (a.cols() != b.rows()) {
      throw new IllegalArgumentException("A is " + a.rows() + " x " + a.cols() + " but B is " + b.rows() + " x "
          + b.cols() + ": A's columns (K) must equal B's rows");
    }
  }
}
