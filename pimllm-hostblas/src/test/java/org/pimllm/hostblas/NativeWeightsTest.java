package org.pimllm.hostblas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Weights held in native memory, multiplied by oneDNN: int8 bit-exact against a plain loop on every ISA (the split
 * path on AVX2 without VNNI), fp32 within rounding. Skipped, with the reason, when oneDNN cannot load.
 */
class NativeWeightsTest {

  private static void assumeLoaded() {
    OneDnn.Availability a = OneDnn.availability();
    assumeTrue(a.loaded(), a.reason());
  }

  /** The readable definition: signed int8 x int8, summed in int32 with wrap-around. */
  private static int[] reference(byte[] a, int aOff, byte[] w, int wOff, int m, int k, int n) {
    int[] c = new int[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        int s = 0;
        for (int p = 0; p < k; p++) s += a[aOff + i * k + p] * w[wOff + j * k + p];
        c[i * n + j] = s;
      }
    }
    return c;
  }

  private static byte[] bytes(SplittableRandom r, int len, int lo, int hiExclusive) {
    byte[] b = new byte[len];
    for (int i = 0; i < len; i++) b[i] = (byte) r.nextInt(lo, hiExclusive);
    return b;
  }

  @Test
  void fullRangeInt8IsBitExactOnThisIsa() {
    assumeLoaded();
    SplittableRandom r = new SplittableRandom(7);
    // full-range signed activations (the case AVX2's int16 step saturates on), extreme weights, ragged sizes
    for (int[] s : new int[][] {{1, 768, 64}, {7, 129, 33}, {64, 256, 96}}) {
      int m = s[0], k = s[1], n = s[2];
      byte[] a = bytes(r, m * k, -128, 128);
      byte[] w = bytes(r, n * k, -128, 128);
      try (NativeInt8Weights nw = new NativeInt8Weights(w, 0, n, k)) {
        int[] c = new int[m * n];
        NativeInt8Weights.Path path = nw.multiply(a, 0, m, c, 0);
        assertArrayEquals(reference(a, 0, w, 0, m, k, n), c, "M=" + m + " K=" + k + " N=" + n + " via " + path);
        assertEquals(OneDnn.availability().int8SaturationFree() ? NativeInt8Weights.Path.VNNI
            : NativeInt8Weights.Path.SPLIT, path);
      }
    }
  }

  @Test
  void worstCaseActivationsAndWeightsAreExact() {
    assumeLoaded();
    // a = 127 (u = 255) against w = -128 everywhere: each int16 pair would be 2 * 255 * -128 = -65280 without the split
    int m = 2, k = 64, n = 8;
    byte[] a = new byte[m * k];
    java.util.Arrays.fill(a, (byte) 127);
    byte[] w = new byte[n * k];
    java.util.Arrays.fill(w, (byte) -128);
    try (NativeInt8Weights nw = new NativeInt8Weights(w, 0, n, k)) {
      int[] c = new int[m * n];
      nw.multiply(a, 0, m, c, 0);
      int[] expected = new int[m * n];
      java.util.Arrays.fill(expected, 127 * -128 * k);
      assertArrayEquals(expected, c);
    }
  }

  @Test
  void withoutVnniFullRangeTakesTheSplitAndNegativeActivationsTheSevenBitGemm() {
    assumeLoaded();
    SplittableRandom r = new SplittableRandom(11);
    int m = 6, k = 200, n = 30;
    byte[] a = bytes(r, m * k, -128, 128);
    byte[] w = bytes(r, n * k, -128, 128);
    try (NativeInt8Weights nw = new NativeInt8Weights(w, 0, n, k, false)) {
      int[] c = new int[m * n];
      assertEquals(NativeInt8Weights.Path.SPLIT, nw.multiply(a, 0, m, c, 0));
      assertArrayEquals(reference(a, 0, w, 0, m, k, n), c);
      byte[] neg = bytes(r, m * k, -128, 0); // a + 128 in 0..127
      assertEquals(NativeInt8Weights.Path.SEVEN_BIT, nw.multiply(neg, 0, m, c, 0));
      assertArrayEquals(reference(neg, 0, w, 0, m, k, n), c);
    }
  }

  @Test
  void negativeActivationsTakeTheSingleSevenBitGemmWithoutVnni() {
    assumeLoaded();
    assumeTrue(!OneDnn.availability().int8SaturationFree(), "this ISA has VNNI: every call takes the VNNI path");
    SplittableRandom r = new SplittableRandom(8);
    int m = 3, k = 100, n = 20;
    byte[] a = bytes(r, m * k, -128, 0); // a + 128 in 0..127
    byte[] w = bytes(r, n * k, -128, 128);
    try (NativeInt8Weights nw = new NativeInt8Weights(w, 0, n, k)) {
      int[] c = new int[m * n];
      assertEquals(NativeInt8Weights.Path.SEVEN_BIT, nw.multiply(a, 0, m, c, 0));
      assertArrayEquals(reference(a, 0, w, 0, m, k, n), c);
    }
  }

  @Test
  void offsetsOfAWeightAndTheResultAreHonoured() {
    assumeLoaded();
    SplittableRandom r = new SplittableRandom(9);
    int m = 4, k = 40, n = 12;
    byte[] a = bytes(r, 5 + m * k, -128, 128);
    byte[] w = bytes(r, 3 + n * k, -128, 128);
    try (NativeInt8Weights nw = new NativeInt8Weights(w, 3, n, k)) {
      int[] c = new int[2 + m * n];
      nw.multiply(a, 5, m, c, 2);
      assertArrayEquals(reference(a, 5, w, 3, m, k, n), java.util.Arrays.copyOfRange(c, 2, c.length));
      assertEquals(0, c[0]);
      assertEquals(0, c[1]);
    }
  }

  @Test
  void fp32AgreesWithAPlainLoopWithinRounding() {
    assumeLoaded();
    SplittableRandom r = new SplittableRandom(10);
    int m = 5, k = 300, n = 17;
    float[] a = new float[m * k];
    float[] w = new float[n * k];
    for (int i = 0; i < a.length; i++) a[i] = (float) r.nextDouble(-1, 1);
    for (int i = 0; i < w.length; i++) w[i] = (float) r.nextDouble(-1, 1);
    try (NativeFp32Weights nw = new NativeFp32Weights(w, 0, n, k)) {
      float[] c = new float[m * n];
      nw.multiply(a, 0, m, c, 0);
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double s = 0;
          double abs = 0;
          for (int p = 0; p < k; p++) {
            s += (double) a[i * k + p] * w[j * k + p];
            abs += Math.abs((double) a[i * k + p] * w[j * k + p]);
          }
          // float summation of K terms: error bounded by K * eps * sum |terms|
          assertEquals(s, c[i * n + j], k * Math.ulp(1f) * abs, "C[" + i + "][" + j + "]");
        }
      }
    }
  }

  @Test
  void aShapeThatDoesNotMatchTheWeightsIsAClearError() {
    assumeLoaded();
    try (NativeInt8Weights nw = new NativeInt8Weights(new byte[6], 0, 2, 3)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> nw.multiply(new byte[5], 0, 2, new int[4], 0));
      assertTrue(e.getMessage().contains("K=3"), e.getMessage());
    }
  }
}
