package org.pimllm.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.pimllm.ir.eval.HostKernels;
import org.pimllm.ir.eval.ScalarKernels;

/** The Vector API kernels give the scalar reference's bits, on shapes with and without vector tails. */
class KernelsAgreeTest {

    private final HostKernels ref = ScalarKernels.INSTANCE;
    private final HostKernels fast = VectorKernels.INSTANCE;

    @ParameterizedTest
    @CsvSource({"1,8,4", "3,17,5", "16,64,33", "7,131,9", "1,1,1"})
    void int8GemmMatchesReference(int m, int k, int n) {
        SplittableRandom r = new SplittableRandom(m * 31L + k * 7L + n);
        byte[] a = bytes(r, m * k), w = bytes(r, n * k);
        int[] c1 = new int[m * n], c2 = new int[m * n];
        ref.gemmInt8(a, 0, w, 0, c1, 0, m, k, n);
        fast.gemmInt8(a, 0, w, 0, c2, 0, m, k, n);
        assertArrayEquals(c1, c2);
    }

    @Test
    void int8GemmIsTheTextbookProduct() {
        // A = [[1, 2], [3, 4]], W (N, K) = [[5, 6], [7, 8], [-1, 0]]: C = A W^T
        byte[] a = {1, 2, 3, 4};
        byte[] w = {5, 6, 7, 8, -1, 0};
        int[] c = new int[6];
        fast.gemmInt8(a, 0, w, 0, c, 0, 2, 2, 3);
        assertArrayEquals(new int[] {17, 23, -1, 39, 53, -3}, c);
    }

    @ParameterizedTest
    @CsvSource({"2,8,3", "3,19,5", "5,100,7"})
    void fp32GemmMatchesReferenceBitForBit(int m, int k, int n) {
        SplittableRandom r = new SplittableRandom(k);
        float[] a = floats(r, m * k), w = floats(r, n * k);
        float[] c1 = new float[m * n], c2 = new float[m * n];
        ref.gemmFp32(a, 0, w, 0, c1, 0, m, k, n);
        fast.gemmFp32(a, 0, w, 0, c2, 0, m, k, n);
        assertArrayEquals(c1, c2);
    }

    @Test
    void fp32GemmIsCloseToDoubleProduct() {
        SplittableRandom r = new SplittableRandom(5);
        float[] a = floats(r, 3 * 40), w = floats(r, 2 * 40);
        float[] c = new float[6];
        fast.gemmFp32(a, 0, w, 0, c, 0, 3, 40, 2);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 2; j++) {
                double s = 0;
                for (int p = 0; p < 40; p++) s += (double) a[i * 40 + p] * w[j * 40 + p];
                assertEquals(s, c[i * 2 + j], 1e-4);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"1,8", "4,13", "3,128", "2,1"})
    void normsAndSoftmaxMatchReferenceBitForBit(int rows, int n) {
        SplittableRandom r = new SplittableRandom(rows * 100L + n);
        float[] x = floats(r, rows * n), g = floats(r, n), b = floats(r, n);
        float[] y1 = new float[rows * n], y2 = new float[rows * n];
        ref.softmaxRows(x, y1, rows, n);
        fast.softmaxRows(x, y2, rows, n);
        assertArrayEquals(y1, y2);
        ref.layerNormRows(x, y1, rows, n, g, b, 1e-5f);
        fast.layerNormRows(x, y2, rows, n, g, b, 1e-5f);
        assertArrayEquals(y1, y2);
        ref.rmsNormRows(x, y1, rows, n, g, 1e-6f);
        fast.rmsNormRows(x, y2, rows, n, g, 1e-6f);
        assertArrayEquals(y1, y2);
    }

    @Test
    void softmaxAndLayerNormHaveTheirDefiningProperties() {
        float[] x = {1, 2, 3, 4};
        float[] y = new float[4];
        fast.softmaxRows(x, y, 1, 4);
        double e = Math.exp(1) + Math.exp(2) + Math.exp(3) + Math.exp(4);
        assertEquals(Math.exp(3) / e, y[2], 1e-6);
        fast.layerNormRows(x, y, 1, 4, new float[] {1, 1, 1, 1}, new float[] {0, 0, 0, 0}, 0f);
        // mean 2.5, variance 1.25
        assertEquals(-1.5 / Math.sqrt(1.25), y[0], 1e-6);
        assertEquals(1.5 / Math.sqrt(1.25), y[3], 1e-6);
    }

    static byte[] bytes(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) r.nextInt();
        return b;
    }

    static float[] floats(SplittableRandom r, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = (float) (r.nextDouble() * 4 - 2);
        return f;
    }
}
