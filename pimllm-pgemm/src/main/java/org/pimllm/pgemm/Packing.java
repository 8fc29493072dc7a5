package org.pimllm.pgemm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Host-side layout work: cutting A (row-major) and B (column-major) into the per-DPU slices of a plan, padded
 * with zeros to the plan's common slice size, and putting C blocks pulled from the DPUs back in place.
 */
public final class Packing {
  private Packing() {}

  /** The A slice of DPU block (gb, gm, gk): bLoc x mLoc rows of kLoc elements, row-major. A must be row-major. */
  public static byte[] packA(Matrix a, TilingPlan plan, int gb, int gm, int gk) {
    requireLayout(a, Layout.ROW_MAJOR, "A");
    TilingPlan.DpuSlice s = plan.slice();
    return packKRuns(a, plan, s.aBytes(), gb, gk, gm * s.mLoc(), s.mLoc(), s.mLoc(), plan.shape().m(),
        (bi, row, k0) -> a.byteOffset(bi, row, k0));
  }

  /** The B slice of DPU block (gb, gk, gn): bLoc x nLoc columns of kLoc elements. B must be column-major. */
  public static byte[] packB(Matrix b, TilingPlan plan, int gb, int gk, int gn) {
    requireLayout(b, Layout.COL_MAJOR, "B");
    TilingPlan.DpuSlice s = plan.slice();
    return packKRuns(b, plan, s.bBytes(), gb, gk, gn * s.nPart(), s.nPart(), s.nLoc(), plan.shape().n(),
        (bi, col, k0) -> b.byteOffset(bi, k0, col));
  }

  /**
   * The int4 B slice of DPU block (gb, gk, gn): bLoc x nLoc columns, each kLoc / Tile_K tile records (packed
   * weights, then the tile's group multipliers; {@link Int4Weights}). Padding is zero weights and multipliers.
   */
  public static byte[] packBInt4(Int4Weights w, TilingPlan plan, int gb, int gk, int gn) {
    TilingPlan.DpuSlice s = plan.slice();
    GemmShape sh = plan.shape();
    GemmDType t = plan.dtype();
    int tileK = plan.kernel().tileK();
    int rec = Int4Weights.tileRecordBytes(t, tileK);
    long colBytes = Int4Weights.columnBytes(t, s.kLoc(), tileK);
    byte[] out = new byte[Math.toIntExact(s.bBytes())];
    int k0 = gk * s.kPart();
    int kEnd = Math.min(sh.k(), k0 + s.kPart());
    for (int lb = 0; lb < s.bLoc(); lb++) {
      int bi = gb * s.bLoc() + lb;
      if (bi >= sh.b()) {
        break;
      }
      for (int i = 0; i < s.nPart() && gn * s.nPart() + i < sh.n(); i++) {
        long col = (long) lb * s.nLoc() + i;
        for (int kt = 0; kt < s.kLoc() / tileK; kt++) {
          w.packTile(bi, gn * s.nPart() + i, k0 + kt * tileK, kEnd, tileK, out, Math.toIntExact(col * colBytes + (long) kt * rec));
        }
      }
    }
    return out;
  }

  /** Where the K run of row/column {@code index} of batch entry {@code bi} starts at element {@code k0}. */
  private interface RunStart {
    int byteOffset(int bi, int index, int k0);
  }

  /**
   * Copies, for each of the DPU's batch entries, the K part {@code gk} of the runs (rows of A or columns of B)
   * {@code first .. first + count - 1} (those below {@code total}) into slots of kLoc elements, {@code slots}
   * per batch entry; everything else stays zero (padding).
   */
  private static byte[] packKRuns(Matrix src, TilingPlan plan, long bytes, int gb, int gk, int first, int count,
      int slots, int total, RunStart start) {
    TilingPlan.DpuSlice s = plan.slice();
    GemmShape sh = plan.shape();
    int es = plan.dtype().bytes();
    byte[] out = new byte[Math.toIntExact(bytes)];
    int k0 = gk * s.kPart();
    int kLen = Math.min(s.kPart(), sh.k() - k0);
    for (int lb = 0; lb < s.bLoc(); lb++) {
      int bi = gb * s.bLoc() + lb;
      if (bi >= sh.b()) {
        break;
      }
      for (int i = 0; i < count && first + i < total; i++) {
        System.arraycopy(src.data(), start.byteOffset(bi, first + i, k0), out, ((lb * slots + i) * s.kLoc()) * es,
            kLen * es);
      }
    }
    return out;
  }

  /**
   * Puts the C block of DPU block (gb, gm, gn) into C; with {@code accumulate} adds it instead (the host
   * reduction of K-tiled partial sums: int32 wrap-around, or fp32 adds in the order of the calls).
   */
  public static void unpackC(byte[] block, TilingPlan plan, int gb, int gm, int gn, Matrix c, boolean accumulate) {
    TilingPlan.DpuSlice s = plan.slice();
    GemmShape sh = plan.shape();
    boolean fp = plan.dtype().floating();
    ByteBuffer buf = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
    for (int lb = 0; lb < s.bLoc(); lb++) {
      int bi = gb * s.bLoc() + lb;
      if (bi >= sh.b()) {
        break;
      }
      for (int r = 0; r < s.mLoc(); r++) {
        int row = gm * s.mLoc() + r;
        if (row >= sh.m()) {
          break;
        }
        for (int cc = 0; cc < s.nPart(); cc++) {
          int col = gn * s.nPart() + cc;
          if (col >= sh.n()) {
            break;
          }
          int off = ((lb * s.mLoc() + r) * s.nLoc() + cc) * 4;
          if (fp) {
            float v = buf.getFloat(off);
            c.setFloat(bi, row, col, accumulate ? c.getFloat(bi, row, col) + v : v);
          } else {
            int v = buf.getInt(off);
            c.setInt(bi, row, col, accumulate ? c.getInt(bi, row, col) + v : v);
          }
        }
      }
    }
  }

  private static void requireLayout(Matrix m, Layout want, String name) {
    if (m.layout() != want) {
      throw new IllegalArgumentException(name + " must be " + want + " here, got " + m.layout());
    }
  }
}
