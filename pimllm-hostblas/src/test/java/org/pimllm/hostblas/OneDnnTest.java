package org.pimllm.hostblas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.Layout;
import org.pimllm.pgemm.Matrix;
import org.pimllm.pgemm.ReferenceGemm;
import org.pimllm.pgemm.ZeroPoints;

/** oneDNN's GEMMs against the project's scalar reference ({@link ReferenceGemm}); skipped when oneDNN cannot load. */
class OneDnnTest {

  private static void assumeLoaded() {
    OneDnn.Availability a = OneDnn.availability();
    assumeTrue(a.loaded(), a.reason());
  }

  /** The reference's answer for uint8 A (M x K row-major) and int8 W (N x K row-major, i.e. B column-major). */
  private static int[] reference(byte[] a, int aZero, byte[] w, int wZero, int m, int k, int n) {
    Matrix am = new Matrix(GemmDType.INT8, 1, m, k, Layout.ROW_MAJOR, a.clone());
    Matrix bm = new Matrix(GemmDType.INT8, 1, k, n, Layout.COL_MAJOR, w.clone());
    Matrix c = ReferenceGemm.multiplyU8S8(am, bm, ZeroPoints.of(aZero, wZero));
    int[] out = new int[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        out[i * n + j] = c.getInt(0, i, j);
      }
    }
    return out;
  }

  private static byte[] bytes(SplittableRandom r, int len, int lo, int hiExclusive) {
    byte[] b = new byte[len];
    for (int i = 0; i < len; i++) {
      b[i] = (byte) r.nextInt(lo, hiExclusive);
    }
    return b;
  }

  @Test
  void availabilityNeverThrowsAndSaysWhatItIs() {
    OneDnn.Availability a = OneDnn.availability();
    assertFalse(a.reason().isBlank());
    assertEquals(1, a.reason().lines().count(), "the reason is one line");
    if (a.loaded()) {
      assertTrue(a.version().matches("\\d+\\.\\d+\\.\\d+"), a.version());
      assertFalse(a.isa().isBlank());
    }
  }

  @Test
  void int8WithoutZeroPointsIsBitExact() {
    assumeLoaded();
    SplittableRandom r = new SplittableRandom(1);
    // ragged sizes (not multiples of any vector width); 7-bit activations are exact on every ISA
    for (int[] s : new int[][] {{1, 768, 64}, {7, 129, 33}, {128, 256, 96}}) {
      int m = s[0], k = s[1], n = s[2];
      byte[] a = bytes(r, m * k, 0, 128);
      byte[] w = bytes(r, n * k, -128, 128);
      int[] c = new int[m * n];
      OneDnn.gemmU8S8S32(a, 0, w, 0, c, m, k, n);
      assertArrayEquals(reference(a, 0, w, 0, m, k, n), c, "M=" + m + " K=" + k + " N=" + n);
    }
  }

  @Test
  void int8WithZeroPointsIsBitExact() {
    assumeLoaded();
    SplittableRandom r = new SplittableRandom(2);
    int m = 5, k = 300, n = 40;
    byte[] a = bytes(r, m * k, 0, 128);
    byte[] w = bytes(r, n * k, -64, 64);
    int[] c = new int[m * n];
    OneDnn.gemmU8S8S32(a, 61, w, -3, c, m, k, n);
    assertArrayEquals(reference(a, 61, w, -3, m, k, n), c);
  }

  @Test
  void int8WithPerColumnWeightZeroPointsIsBitExact() {
    assumeLoaded();
    SplittableRandom r = new SplittableRandom(6);
    int m = 6, k = 257, n = 19;
    byte[] a = bytes(r, m * k, 0, 128);
    byte[] w = bytes(r, n * k, -128, 128);
    int[] zb = new int[n];
    for (int j = 0; j < n; j++) zb[j] = r.nextInt(-128, 128);
    Matrix am = new Matrix(GemmDType.INT8, 1, m, k, Layout.ROW_MAJOR, a.clone());
    Matrix bm = new Matrix(GemmDType.INT8, 1, k, n, Layout.COL_MAJOR, w.clone());
    Matrix ref = ReferenceGemm.multiplyU8S8(am, bm, new ZeroPoints(17, zb));
    int[] c = new int[m * n];
    OneDnn.gemmU8S8S32(a, 17, w, zb, c, m, k, n);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) assertEquals(ref.getInt(0, i, j), c[i * n + j], "C[" + i + "][" + j + "]");
    }
    var e = assertThrows(IllegalArgumentException.class,
        () -> OneDnn.gemmU8S8S32(a, 17, w, new int[] {1, 2}, c, m, k, n));
    assertTrue(e.getMessage().contains("19 rows (output columns) but 2 weight zero points"), e.getMessage());
  }

  @Test
  void int8FullRangeIsBitExactWhenTheIsaHasVnni() {
    assumeLoaded();
    OneDnn.Availability av = OneDnn.availability();
    SplittableRandom r = new SplittableRandom(3);
    int m = 16, k = 512, n = 48;
    byte[] a = bytes(r, m * k, 0, 256);
    byte[] w = bytes(r, n * k, -128, 128);
    int[] c = new int[m * n];
    OneDnn.gemmU8S8S32(a, 0, w, 0, c, m, k, n);
    int[] ref = reference(a, 0, w, 0, m, k, n);
    int differ = 0;
    for (int i = 0; i < c.length; i++) differ += c[i] != ref[i] ? 1 : 0;
    assumeTrue(av.int8SaturationFree(), "oneDNN's ISA here is " + av.isa() + " (no VNNI): its int8 GEMM may"
        + " saturate int16 pairs of products for activations above 127 (" + differ + " of " + c.length
        + " outputs differ from the reference on this full-range case)");
    assertArrayEquals(ref, c);
  }

  @Test
  void fp32MatchesTheReferenceWithinRounding() {
    assumeLoaded();
    SplittableRandom r = new SplittableRandom(4);
    int m = 9, k = 1000, n = 70;
    float[] a = new float[m * k];
    float[] w = new float[n * k];
    for (int i = 0; i < a.length; i++) a[i] = (float) r.nextDouble(-1, 1);
    for (int i = 0; i < w.length; i++) w[i] = (float) r.nextDouble(-1, 1);
    Matrix am = Matrix.zeros(GemmDType.FP32, 1, m, k, Layout.ROW_MAJOR);
    Matrix bm = Matrix.zeros(GemmDType.FP32, 1, k, n, Layout.COL_MAJOR);
    for (int i = 0; i < m; i++) for (int p = 0; p < k; p++) am.setFloat(0, i, p, a[i * k + p]);
    for (int j = 0; j < n; j++) for (int p = 0; p < k; p++) bm.setFloat(0, p, j, w[j * k + p]);
    Matrix ref = ReferenceGemm.multiply(am, bm);
    float[] c = new float[m * n];
    OneDnn.gemmFp32(a, w, c, m, k, n);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        // |sum| of 1000 products of magnitude < 1: different summation orders differ by ~k * eps * sum|a*b|
        double bound = k * Math.ulp(1f) * k * 0.25;
        assertEquals(ref.getFloat(0, i, j), c[i * n + j], Math.max(1e-3, bound * 1e-3), "C[" + i + "][" + j + "]");
      }
    }
  }

  @Test
  void nativeBufferGemmsAgreeWithTheArrayOnes() {
    assumeLoaded();
    SplittableRandom r = new SplittableRandom(5);
    int m = 4, k = 200, n = 24;
    byte[] a = bytes(r, m * k, 0, 128);
    byte[] w = bytes(r, n * k, -128, 128);
    try (OneDnn.Int8Gemm g = new OneDnn.Int8Gemm(m, k, n)) {
      g.a().put(a);
      g.w().put(w);
      g.run();
      int[] c = new int[m * n];
      g.c().get(c);
      assertArrayEquals(reference(a, 0, w, 0, m, k, n), c);
    }
  }

  @Test
  void badShapesAndZeroPointsSayWhatIsWrong() {
    assumeLoaded();
    var e = assertThrows(IllegalArgumentException.class,
        () -> OneDnn.gemmU8S8S32(new byte[4], 0, new byte[4], 0, new int[4], 2, 3, 2));
    assertTrue(e.getMessage().contains("needs A >= 6"), e.getMessage());
    var z = assertThrows(IllegalArgumentException.class,
        () -> OneDnn.gemmU8S8S32(new byte[4], 300, new byte[4], 0, new int[4], 2, 2, 2));
    assertTrue(z.getMessage().contains("uint8"), z.getMessage());
  }
}
