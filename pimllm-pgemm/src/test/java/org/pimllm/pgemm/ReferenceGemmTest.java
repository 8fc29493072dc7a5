package org.pimllm.pgemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReferenceGemmTest {

  /** A = [[1, 2, 3], [-4, 5, -6]], B = [[7, 8], [9, 10], [11, -12]] -> C = [[58, -8], [-49, 90]]. */
  @Test
  void smallInt8ProductMatchesHandComputedValues() {
    Matrix a = Matrix.zeros(GemmDType.INT8, 1, 2, 3, Layout.ROW_MAJOR);
    int[][] av = {{1, 2, 3}, {-4, 5, -6}};
    Matrix b = Matrix.zeros(GemmDType.INT8, 1, 3, 2, Layout.COL_MAJOR);
    int[][] bv = {{7, 8}, {9, 10}, {11, -12}};
    fill(a, av);
    fill(b, bv);
    Matrix c = ReferenceGemm.multiply(a, b);
    assertEquals(GemmDType.INT32, c.type());
    assertEquals(58, c.getInt(0, 0, 0));
    assertEquals(-8, c.getInt(0, 0, 1));
    assertEquals(-49, c.getInt(0, 1, 0));
    assertEquals(90, c.getInt(0, 1, 1));
  }

  @Test
  void int32AccumulationWrapsAroundLikeTheDpu() {
    // 65536 * 65536 = 2^32 wraps to 0; plus 3 * 5 = 15.
    Matrix a = Matrix.zeros(GemmDType.INT32, 1, 1, 2, Layout.ROW_MAJOR);
    Matrix b = Matrix.zeros(GemmDType.INT32, 1, 2, 1, Layout.COL_MAJOR);
    fill(a, new int[][] {{65536, 3}});
    fill(b, new int[][] {{65536}, {5}});
    assertEquals(15, ReferenceGemm.multiply(a, b).getInt(0, 0, 0));
  }

  @Test
  void int8WorstCaseSumFitsInInt32() {
    // 4096 products of (-128) * (-128) = 16384 each: 67,108,864, no wrap.
    Matrix a = Matrix.zeros(GemmDType.INT8, 1, 1, 4096, Layout.ROW_MAJOR);
    Matrix b = Matrix.zeros(GemmDType.INT8, 1, 4096, 1, Layout.COL_MAJOR);
    java.util.Arrays.fill(a.data(), (byte) -128);
    java.util.Arrays.fill(b.data(), (byte) -128);
    assertEquals(67_108_864, ReferenceGemm.multiply(a, b).getInt(0, 0, 0));
  }

  @Test
  void fp32SumsInKOrderWithoutFusedMultiplyAdd() {
    // 1e8 + 1 - 1e8 in fp32 k order: (1e8 + 1) rounds to 1e8, minus 1e8 = 0 (a reordered sum would give 1).
    Matrix a = Matrix.zeros(GemmDType.FP32, 1, 1, 3, Layout.ROW_MAJOR);
    Matrix b = Matrix.zeros(GemmDType.FP32, 1, 3, 1, Layout.COL_MAJOR);
    a.setFloat(0, 0, 0, 1e8f);
    a.setFloat(0, 0, 1, 1f);
    a.setFloat(0, 0, 2, -1e8f);
    for (int k = 0; k < 3; k++) {
      b.setFloat(0, k, 0, 1f);
    }
    assertEquals(0f, ReferenceGemm.multiply(a, b).getFloat(0, 0, 0));
  }

  @Test
  void batchesAreIndependent() {
    Matrix a = Matrix.zeros(GemmDType.INT16, 2, 1, 1, Layout.ROW_MAJOR);
    Matrix b = Matrix.zeros(GemmDType.INT16, 2, 1, 1, Layout.ROW_MAJOR);
    a.setInt(0, 0, 0, 300);
    b.setInt(0, 0, 0, -200);
    a.setInt(1, 0, 0, -7);
    b.setInt(1, 0, 0, 9);
    Matrix c = ReferenceGemm.multiply(a, b);
    assertEquals(-60000, c.getInt(0, 0, 0));
    assertEquals(-63, c.getInt(1, 0, 0));
  }

  @Test
  void int8FastPathAgreesWithTheGenericLoopsOnEveryLayout() {
    Matrix a = Matrix.random(GemmDType.INT8, 2, 5, 17, Layout.ROW_MAJOR, 1);
    Matrix bRow = Matrix.random(GemmDType.INT8, 2, 17, 6, Layout.ROW_MAJOR, 2);
    Matrix bCol = bRow.toLayout(Layout.COL_MAJOR);
    Matrix fast = ReferenceGemm.int8RowCol(a, bCol);
    Matrix generic = ReferenceGemm.multiply(a, bRow);
    assertTrue(fast.sameValues(generic));
  }

  @Test
  void mismatchedOperandsAreAClearError() {
    Matrix a = Matrix.zeros(GemmDType.INT8, 1, 2, 3, Layout.ROW_MAJOR);
    Matrix b = Matrix.zeros(GemmDType.INT8, 1, 4, 2, Layout.COL_MAJOR);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReferenceGemm.multiply(a, b));
    assertTrue(e.getMessage().contains("K"), e.getMessage());
  }

  static void fill(Matrix m, int[][] v) {
    for (int r = 0; r < v.length; r++) {
      for (int c = 0; c < v[r].length; c++) {
        m.setInt(0, r, c, v[r][c]);
      }
    }
  }
}
