package org.pimllm.pgemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PackingTest {

  /** M = 3, K = 10, N = 3 int8; fM = 2, fK = 2, fN = 2, Tile_K = 8: parts of 2 rows, 5 K, 2 columns. */
  static final TilingPlan PLAN = new TilingPlan(Strategy.MIXED, GemmShape.of(1, 3, 10, 3), GemmDType.INT8,
      Partition.of(2, 2, 2), new KernelParams(1, 8, 1, 2));

  @Test
  void sliceGeometryIsPaddedToCommonSizes() {
    TilingPlan.DpuSlice s = PLAN.slice();
    assertEquals(2, s.mLoc());
    assertEquals(5, s.kPart());
    assertEquals(8, s.kLoc());
    assertEquals(2, s.nPart());
    assertEquals(2, s.nLoc());
    assertEquals(2 * 8, s.bBytes());
    assertEquals(2 * 8, s.aBytes());
    assertEquals(2 * 2 * 4, s.cBytes());
    assertEquals(0, s.bOffset());
    assertEquals(16, s.aOffset());
    assertEquals(32, s.cOffset());
  }

  @Test
  void aSliceHoldsItsRowsAndKRangePaddedWithZeros() {
    Matrix a = Matrix.zeros(GemmDType.INT8, 1, 3, 10, Layout.ROW_MAJOR);
    for (int i = 0; i < 30; i++) {
      a.data()[i] = (byte) (i + 1); // A[r][k] = 10 r + k + 1
    }
    // DPU block gm = 1 (row 2 only; row 3 is padding), gk = 1 (k = 5..9)
    byte[] slice = Packing.packA(a, PLAN, 0, 1, 1);
    assertArrayEquals(new byte[] {26, 27, 28, 29, 30, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, slice);
  }

  @Test
  void bSliceHoldsItsColumnsContiguouslyPaddedWithZeros() {
    Matrix b = Matrix.zeros(GemmDType.INT8, 1, 10, 3, Layout.ROW_MAJOR);
    for (int k = 0; k < 10; k++) {
      for (int n = 0; n < 3; n++) {
        b.setInt(0, k, n, 10 * n + k); // column n holds 10n .. 10n + 9
      }
    }
    Matrix bCol = b.toLayout(Layout.COL_MAJOR);
    // gk = 0 (k = 0..4), gn = 1 (column 2; column 3 is padding)
    byte[] slice = Packing.packB(bCol, PLAN, 0, 0, 1);
    assertArrayEquals(new byte[] {20, 21, 22, 23, 24, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, slice);
  }

  @Test
  void cBlocksLandInPlaceAndKPartsAccumulate() {
    Matrix c = Matrix.zeros(GemmDType.INT32, 1, 3, 3, Layout.ROW_MAJOR);
    java.nio.ByteBuffer blk = java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    blk.putInt(1).putInt(2).putInt(3).putInt(4); // rows 2 (real) and 3 (padding), columns 0, 1
    Packing.unpackC(blk.array(), PLAN, 0, 1, 0, c, false);
    Packing.unpackC(blk.array(), PLAN, 0, 1, 0, c, true);
    assertEquals(2, c.getInt(0, 2, 0));
    assertEquals(4, c.getInt(0, 2, 1));
    assertEquals(0, c.getInt(0, 1, 0));
    assertEquals(0, c.getInt(0, 2, 2));
  }
}
