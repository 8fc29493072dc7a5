package org.pimllm.pgemm;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * An int4 B operand: weights {@code q[b][k][n]} in [-8, 7] and an unsigned 8-bit integer multiplier
 * {@code m[b][g][n]} per group {@code g = k / G} of G K elements and column n. The GEMM it takes part in is the
 * integer {@code C[i][n] = sum_k A[i][k] * q[k][n] * m[k / G][n]} in int32 with wrap-around (a float per-column
 * scale, applied by whoever dequantizes C, turns it into the real product: {@code w = q * m * scale[n]}).
 * Since the result depends only on the products {@code q * m}, the "effective" int16 weight
 * {@code e[k][n] = q[k][n] * m[k / G][n]} (|e| <= 2,040) defines it as well ({@link #effective},
 * {@link #fromEffective}).
 *
 * <p>On the DPUs each column's K tile is one record: Tile_K / 2 bytes of packed weights (per 8 weights w0..w7,
 * byte j = (w[j] &amp; 0xF) | (w[j + 4] &lt;&lt; 4), so the kernel gets the nibbles of one 4-byte A word with a mask
 * or a shift and a mask) followed by the tile's Tile_K / G multipliers, padded to 8 bytes ({@link #tileRecordBytes}).
 *
 * @param dtype one of the int4 types (it fixes G)
 * @param q the weights as an int8 matrix b x K x N in either layout, values in [-8, 7]
 * @param multipliers {@code m[b][g][n]} at {@code (b * groups + g) * N + n}, values in [0, 255]
 */
public record Int4Weights(GemmDType dtype, Matrix q, int[] multipliers) {

  public Int4Weights {
    Objects.requireNonNull(dtype, "dtype");
    Objects.requireNonNull(q, "q");
    Objects.requireNonNull(multipliers, "multipliers");
    if (!dtype.isInt4()) {
      throw new IllegalArgumentException("int4 weights need an int4 type, got " + dtype.cliName());
    }
    if (q.type() != GemmDType.INT8) {
      throw new IllegalArgumentException("int4 weight values are held in an int8 matrix, got " + q.type().cliName());
    }
    int expect = q.batch() * groups(q.rows(), dtype) * q.cols();
    if (multipliers.length != expect) {
      throw new IllegalArgumentException("int4 weights of " + q.batch() + " x " + q.rows() + " x " + q.cols()
          + " with groups of " + dtype.int4Group() + " need " + expect + " multipliers, got " + multipliers.length);
    }
  }

  /** Groups along K: ceil(K / G). */
  public static int groups(int k, GemmDType dtype) {
    return Math.ceilDiv(k, dtype.int4Group());
  }

  public int batch() {
    return q.batch();
  }

  public int k() {
    return q.rows();
  }

  public int n() {
    return q.cols();
  }

  public int groups() {
    return groups(k(), dtype);
  }

  /** The weight q[bi][k][n]. */
  public int weight(int bi, int k, int n) {
    return q.getInt(bi, k, n);
  }

  /** The multiplier of the group holding K element k, column n. */
  public int multiplier(int bi, int k, int n) {
    return multipliers[(bi * groups() + k / dtype.int4Group()) * n() + n];
  }

  /** Seeded random weights over [-8, 7] and multipliers over [0, 255]. */
  public static Int4Weights random(GemmDType dtype, int batch, int k, int n, Layout layout, long seed) {
    Matrix q = Matrix.zeros(GemmDType.INT8, batch, k, n, layout);
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int bi = 0; bi < batch; bi++) {
      for (int kk = 0; kk < k; kk++) {
        for (int nn = 0; nn < n; nn++) {
          q.setInt(bi, kk, nn, rnd.nextInt(16) - 8);
        }
      }
    }
    int[] m = new int[batch * groups(k, dtype) * n];
    for (int i = 0; i < m.length; i++) {
      m[i] = rnd.nextInt(256);
    }
    return new Int4Weights(dtype, q, m);
  }

  /** The effective integer weight e = q * m as an int16 matrix (same layout as q). */
  public Matrix effective() {
    Matrix e = Matrix.zeros(GemmDType.INT16, batch(), k(), n(), q.layout());
    for (int bi = 0; bi < batch(); bi++) {
      for (int k = 0; k < k(); k++) {
        for (int n = 0; n < n(); n++) {
          e.setInt(bi, k, n, weight(bi, k, n) * multiplier(bi, k, n));
        }
      }
    }
    return e;
  }

  /**
   * Factors an effective int16 weight back into int4 weights and group multipliers: for each group and column
   * the smallest m in [1, 255] that divides every value with quotients in [-8, 7] (m = 1 for an all-zero group).
   * The products, hence every GEMM result, are those of the weights the effective matrix was made from. A matrix
   * that no int4 weights give is an error naming the group.
   */
  public static Int4Weights fromEffective(Matrix e, GemmDType dtype) {
    if (e.type() != GemmDType.INT16) {
      throw new IllegalArgumentException("an effective int4 weight is int16, got " + e.type().cliName());
    }
    int g = dtype.int4Group();
    int groups = groups(e.rows(), dtype);
    Matrix q = Matrix.zeros(GemmDType.INT8, e.batch(), e.rows(), e.cols(), e.layout());
    int[] m = new int[e.batch() * groups * e.cols()];
    for (int bi = 0; bi < e.batch(); bi++) {
      for (int gi = 0; gi < groups; gi++) {
        int k0 = gi * g;
        int k1 = Math.min(e.rows(), k0 + g);
        for (int n = 0; n < e.cols(); n++) {
          int mult = groupMultiplier(e, bi, k0, k1, n);
          m[(bi * groups + gi) * e.cols() + n] = mult;
          for (int k = k0; k < k1; k++) {
            q.setInt(bi, k, n, e.getInt(bi, k, n) / mult);
          }
        }
      }
    }
    return new Int4Weights(dtype, q, m);
  }

  private static int groupMultiplier(Matrix e, int bi, int k0, int k1, int n) {
    int gcd = 0;
    int min = 0;
    int max = 0;
    for (int k = k0; k < k1; k++) {
      int v = e.getInt(bi, k, n);
      gcd = gcd(gcd, Math.abs(v));
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    if (gcd == 0) {
      return 1;
    }
    for (int mult = 1; mult <= Math.min(255, gcd); mult++) {
      if (gcd % mult == 0 && min / mult >= -8 && max / mult <= 7) {
        return mult;
      }
    }
    throw new IllegalArgumentException("effective int4 weights of batch " + bi + ", column " + n + ", K " + k0 + ".."
        + (k1 - 1) + " (range " + min + ".." + max + ") are not int4 values [-8, 7] times one multiplier in [1, 255]");
  }

  private static int gcd(int a, int b) {
    while (b != 0) {
      int t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  /** Bytes of one column's K tile on the DPU: Tile_K / 2 packed weights, then Tile_K / G multipliers, 8-aligned. */
  public static int tileRecordBytes(GemmDType dtype, int tileK) {
    return tileK / 2 + roundUp8(Math.ceilDiv(tileK, dtype.int4Group()));
  }

  /** Bytes of an int4 B column of kLoc elements cut into tiles of tileK (tileK a multiple of G and of 16). */
  public static long columnBytes(GemmDType dtype, int kLoc, int tileK) {
    if (tileK % dtype.int4Group() != 0 || tileK % KernelCost.INT4_STEP_MACS != 0) {
      // before a Tile_K is chosen (or for a Tile_K the validator rejects): the packed weights and multipliers alone
      return Math.ceilDiv(kLoc, 2) + Math.ceilDiv(kLoc, dtype.int4Group());
    }
    return (long) (kLoc / tileK) * tileRecordBytes(dtype, tileK);
  }

  /**
   * Writes the tile record of column n of batch entry bi for K elements {@code kStart .. kStart + tileK - 1}
   * (elements at or beyond {@code kEnd} are padding: weight 0, multiplier 0) into {@code out} at {@code off}.
   */
  void packTile(int bi, int n, int kStart, int kEnd, int tileK, byte[] out, int off) {
    for (int s = 0; s < tileK; s += 8) {
      for (int j = 0; j < 4; j++) {
        int lo = valueOrZero(bi, kStart + s + j, kEnd, n);
        int hi = valueOrZero(bi, kStart + s + j + 4, kEnd, n);
        out[off + s / 2 + j] = (byte) ((lo & 0xF) | (hi & 0xF) << 4);
      }
    }
    int g = dtype.int4Group();
    for (int gi = 0; gi < tileK / g; gi++) {
      int k = kStart + gi * g;
      out[off + tileK / 2 + gi] = (byte) (k < kEnd ? multiplier(bi, k, n) : 0);
    }
  }

  private int valueOrZero(int bi, int k, int kEnd, int n) {
    return k < kEnd ? weight(bi, k, n) : 0;
  }

  private static int roundUp8(int v) {
    return (v + 7) & ~7;
  }
}
