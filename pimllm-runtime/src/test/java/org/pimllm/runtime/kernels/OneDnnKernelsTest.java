package org.pimllm.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.pimllm.hostblas.OneDnn;
import org.pimllm.ir.eval.HostKernels;
import org.pimllm.ir.eval.ScalarKernels;

/**
 * oneDNN as the host GEMM kernels: int8 bit-exact against the scalar reference (full-range operands, ragged sizes,
 * offsets), weights copied to native memory once, fp32 on oneDNN within rounding or on the Vector API bit-exact.
 * Skipped with oneDNN's reason when it cannot load.
 */
class OneDnnKernelsTest {

    private static OneDnnKernels kernels(boolean fp32, Set<Object> weights) {
        OneDnn.Availability a = OneDnn.availability();
        assumeTrue(a.loaded(), a.reason());
        return assertInstanceOf(OneDnnKernels.class, OneDnnKernels.create(fp32, weights));
    }

    private static byte[] bytes(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) r.nextInt(-128, 128);
        return b;
    }

    private static float[] floats(SplittableRandom r, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = (float) r.nextDouble(-2, 2);
        return f;
    }

    @Test
    void int8EqualsTheScalarReferenceBitForBit() {
        SplittableRandom r = new SplittableRandom(3);
        Set<Object> weights = OneDnnKernels.identitySet();
        try (OneDnnKernels k = kernels(false, weights)) {
            for (int[] s : new int[][] {{1, 768, 48}, {17, 129, 31}, {128, 64, 96}}) {
                int m = s[0], kk = s[1], n = s[2];
                byte[] a = bytes(r, 3 + m * kk);
                byte[] w = bytes(r, 5 + n * kk);
                weights.add(w);
                int[] expected = new int[1 + m * n];
                int[] actual = new int[1 + m * n];
                ScalarKernels.INSTANCE.gemmInt8(a, 3, w, 5, expected, 1, m, kk, n);
                k.gemmInt8(a, 3, w, 5, actual, 1, m, kk, n);
                assertArrayEquals(expected, actual, m + "x" + kk + "x" + n);
            }
            long calls = k.paths().values().stream().mapToLong(Long::longValue).sum();
            assertEquals(3, calls, k.paths().toString());
            assertTrue(k.paths().keySet().stream().allMatch(p -> p.startsWith("oneDNN int8")), k.paths().toString());
        }
    }

    @Test
    void registeredWeightsAreCopiedToNativeMemoryOnceOthersPerCall() {
        SplittableRandom r = new SplittableRandom(4);
        Set<Object> weights = OneDnnKernels.identitySet();
        int m = 4, kk = 64, n = 32;
        byte[] w = bytes(r, n * kk);
        byte[] activation = bytes(r, n * kk); // a GEMM of two activations: not a constant
        weights.add(w);
        try (OneDnnKernels k = kernels(false, weights)) {
            for (int call = 0; call < 3; call++) {
                byte[] a = bytes(r, m * kk);
                int[] c = new int[m * n];
                k.gemmInt8(a, 0, w, 0, c, 0, m, kk, n);
                int[] c2 = new int[m * n];
                k.gemmInt8(a, 0, activation, 0, c2, 0, m, kk, n);
                int[] expected = new int[m * n];
                ScalarKernels.INSTANCE.gemmInt8(a, 0, activation, 0, expected, 0, m, kk, n);
                assertArrayEquals(expected, c2);
            }
            assertEquals(1, k.nativeWeightMatrices(), "only the registered weight stays in native memory");
            assertEquals((long) n * kk, k.nativeWeightBytes());
        }
    }

    @Test
    void modulesSharingAWeightArrayShareItsNativeCopy() {
        SplittableRandom r = new SplittableRandom(8);
        int m = 2, kk = 32, n = 16;
        byte[] w = bytes(r, n * kk);
        byte[] a = bytes(r, m * kk);
        Set<Object> first = OneDnnKernels.identitySet();
        Set<Object> second = OneDnnKernels.identitySet();
        first.add(w);
        second.add(w);
        int[] c1 = new int[m * n];
        int[] c2 = new int[m * n];
        try (OneDnnKernels k1 = kernels(false, first); OneDnnKernels k2 = kernels(false, second)) {
            k1.gemmInt8(a, 0, w, 0, c1, 0, m, kk, n);
            k1.close(); // a module closing does not free what others may use
            k2.gemmInt8(a, 0, w, 0, c2, 0, m, kk, n);
            assertEquals(1, OneDnnKernels.nativeCopiesOf(w), "one native copy for both modules");
            assertEquals(1, k2.nativeWeightMatrices());
        }
        assertArrayEquals(c1, c2);
        int[] expected = new int[m * n];
        ScalarKernels.INSTANCE.gemmInt8(a, 0, w, 0, expected, 0, m, kk, n);
        assertArrayEquals(expected, c2);
    }

    @Test
    void fp32OnTheVectorKernelsStaysBitIdenticalToTheReference() {
        SplittableRandom r = new SplittableRandom(5);
        int m = 6, kk = 100, n = 10;
        float[] a = floats(r, m * kk);
        float[] w = floats(r, n * kk);
        try (OneDnnKernels k = kernels(false, OneDnnKernels.identitySet())) {
            float[] expected = new float[m * n];
            float[] actual = new float[m * n];
            ScalarKernels.INSTANCE.gemmFp32(a, 0, w, 0, expected, 0, m, kk, n);
            k.gemmFp32(a, 0, w, 0, actual, 0, m, kk, n);
            assertArrayEquals(expected, actual);
            assertEquals(Map.of(OneDnnKernels.FP32_VECTOR, 1L), k.paths());
        }
    }

    @Test
    void fp32OnOneDnnAgreesWithinRounding() {
        SplittableRandom r = new SplittableRandom(6);
        int m = 6, kk = 300, n = 10;
        float[] a = floats(r, m * kk);
        float[] w = floats(r, n * kk);
        Set<Object> weights = OneDnnKernels.identitySet();
        weights.add(w);
        try (OneDnnKernels k = kernels(true, weights)) {
            float[] expected = new float[m * n];
            float[] actual = new float[m * n];
            ScalarKernels.INSTANCE.gemmFp32(a, 0, w, 0, expected, 0, m, kk, n);
            k.gemmFp32(a, 0, w, 0, actual, 0, m, kk, n);
            for (int i = 0; i < expected.length; i++) {
                // two float summations of K products of |x| <= 4: each within K * eps * 4 * K of the exact sum
                assertEquals(expected[i], actual[i], 2.0 * kk * Math.ulp(1f) * 4 * kk, "C[" + i + "]");
            }
            assertEquals(Map.of(OneDnnKernels.FP32_ONEDNN, 1L), k.paths());
        }
    }

    @Test
    void theOtherKernelsAreTheVectorOnes() {
        SplittableRandom r = new SplittableRandom(7);
        float[] x = floats(r, 3 * 50);
        float[] gamma = floats(r, 50);
        try (OneDnnKernels k = kernels(false, OneDnnKernels.identitySet())) {
            HostKernels v = VectorKernels.INSTANCE;
            float[] y1 = new float[x.length];
            float[] y2 = new float[x.length];
            k.rmsNormRows(x, y1, 3, 50, gamma, 1e-6f);
            v.rmsNormRows(x, y2, 3, 50, gamma, 1e-6f);
            assertArrayEquals(y2, y1);
            k.softmaxRows(x, y1, 3, 50);
            v.softmaxRows(x, y2, 3, 50);
            assertArrayEquals(y2, y1);
        }
    }
}
