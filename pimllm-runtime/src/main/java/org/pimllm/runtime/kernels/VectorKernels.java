package org.pimllm.runtime.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.pimllm.ir.eval.HostKernels;
import org.pimllm.ir.eval.ScalarKernels;

/**
 * Vector API host kernels, plugged into the IR's evaluator ({@code new Interpreter(VectorKernels.INSTANCE)}) for the
 * host ops of compiled runs. Floats use 8-lane (256-bit) vectors so that lane j holds exactly the partial sum
 * {@link ScalarKernels} keeps in part[j]; the lanes are combined in the same order, so results are
 * bit-identical to the scalar reference. Exponentials stay scalar ({@link StrictMath#exp}) for the same reason.
 */
public final class VectorKernels implements HostKernels {

    public static final VectorKernels INSTANCE = new VectorKernels();

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_64;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;

    @Override
    public String name() { return "vector"; }

    @Override
    public void gemmInt8(byte[] a, int aOff, byte[] w, int wOff, int[] c, int cOff, int m, int k, int n) {
        int body = k - k % B.length();
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * k;
            int j = 0;
            // four weight rows at once: each A chunk is loaded and widened once for four dot products
            for (; j + 4 <= n; j += 4) {
                int w0 = wOff + j * k;
                int w1 = w0 + k;
                int w2 = w1 + k;
                int w3 = w2 + k;
                IntVector s0 = IntVector.zero(I), s1 = IntVector.zero(I), s2 = IntVector.zero(I), s3 = IntVector.zero(I);
                for (int p = 0; p < body; p += B.length()) {
                    IntVector va = widen(a, ai + p);
                    s0 = s0.add(va.mul(widen(w, w0 + p)));
                    s1 = s1.add(va.mul(widen(w, w1 + p)));
                    s2 = s2.add(va.mul(widen(w, w2 + p)));
                    s3 = s3.add(va.mul(widen(w, w3 + p)));
                }
                int r0 = s0.reduceLanes(VectorOperators.ADD), r1 = s1.reduceLanes(VectorOperators.ADD);
                int r2 = s2.reduceLanes(VectorOperators.ADD), r3 = s3.reduceLanes(VectorOperators.ADD);
                for (int p = body; p < k; p++) {
                    int x = a[ai + p];
                    r0 += x * w[w0 + p];
                    r1 += x * w[w1 + p];
                    r2 += x * w[w2 + p];
                    r3 += x * w[w3 + p];
                }
                int ci = cOff + i * n + j;
                c[ci] = r0;
                c[ci + 1] = r1;
                c[ci + 2] = r2;
                c[ci + 3] = r3;
            }
            for (; j < n; j++) {
                int wj = wOff + j * k;
                IntVector s = IntVector.zero(I);
                for (int p = 0; p < body; p += B.length()) s = s.add(widen(a, ai + p).mul(widen(w, wj + p)));
                int r = s.reduceLanes(VectorOperators.ADD);
                for (int p = body; p < k; p++) r += a[ai + p] * w[wj + p];
                c[cOff + i * n + j] = r;
            }
        }
    }

    /** Eight int8 values sign-extended to eight int32 lanes (integer sums are exact in any order). */
    private static IntVector widen(byte[] x, int off) {
        return (IntVector) ByteVector.fromArray(B, x, off).convertShape(VectorOperators.B2I, I, 0);
    }


    @Override
    public float dotFloat(float[] x, int xOff, float[] y, int yOff, int n) {
        int body = n - n % F.length();
        FloatVector acc = FloatVector.zero(F);
        for (int i = 0; i < body; i += F.length()) {
            FloatVector prod = FloatVector.fromArray(F, x, xOff + i).mul(FloatVector.fromArray(F, y, yOff + i));
            acc = acc.add(prod);
        }
        float s = combine(acc);
        for (int i = body; i < n; i++) {
            float prod = x[xOff + i] * y[yOff + i];
            s += prod;
        }
        return s;
    }

    @Override
    public float sumFloat(float[] x, int off, int n) {
        int body = n - n % F.length();
        FloatVector acc = FloatVector.zero(F);
        for (int i = 0; i < body; i += F.length()) acc = acc.add(FloatVector.fromArray(F, x, off + i));
        float s = combine(acc);
        for (int i = body; i < n; i++) s += x[off + i];
        return s;
    }

    /** The lanes combined in the scalar reference's order (reduceLanes leaves the order of float adds open). */
    private static float combine(FloatVector acc) {
        float[] part = new float[LANES];
        acc.intoArray(part, 0);
        return ScalarKernels.combine(part);
    }

    @Override
    public void softmaxRows(float[] x, float[] y, int rows, int n) {
        int body = n - n % F.length();
        for (int r = 0; r < rows; r++) {
            int off = r * n;
            float max = Float.NEGATIVE_INFINITY;
            if (body > 0) {
                FloatVector vm = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
                for (int i = 0; i < body; i += F.length()) vm = vm.max(FloatVector.fromArray(F, x, off + i));
                max = vm.reduceLanes(VectorOperators.MAX); // max is exact in any order
            }
            for (int i = body; i < n; i++) max = Math.max(max, x[off + i]);
            for (int i = 0; i < n; i++) y[off + i] = (float) StrictMath.exp(x[off + i] - max);
            float sum = sumFloat(y, off, n);
            FloatVector vs = FloatVector.broadcast(F, sum);
            for (int i = 0; i < body; i += F.length()) FloatVector.fromArray(F, y, off + i).div(vs).intoArray(y, off + i);
            for (int i = body; i < n; i++) y[off + i] = y[off + i] / sum;
        }
    }

    @Override
    public void layerNormRows(float[] x, float[] y, int rows, int n, float[] gamma, float[] beta, float eps) {
        int body = n - n % F.length();
        float[] d = new float[n];
        for (int r = 0; r < rows; r++) {
            int off = r * n;
            float mean = sumFloat(x, off, n) / n;
            FloatVector vmean = FloatVector.broadcast(F, mean);
            for (int i = 0; i < body; i += F.length()) FloatVector.fromArray(F, x, off + i).sub(vmean).intoArray(d, i);
            for (int i = body; i < n; i++) d[i] = x[off + i] - mean;
            float var = dotFloat(d, 0, d, 0, n) / n;
            float denom = (float) Math.sqrt(var + eps);
            FloatVector vden = FloatVector.broadcast(F, denom);
            for (int i = 0; i < body; i += F.length()) {
                FloatVector.fromArray(F, d, i).div(vden).mul(FloatVector.fromArray(F, gamma, i))
                        .add(FloatVector.fromArray(F, beta, i)).intoArray(y, off + i);
            }
            for (int i = body; i < n; i++) y[off + i] = d[i] / denom * gamma[i] + beta[i];
        }
    }

    @Override
    public void rmsNormRows(float[] x, float[] y, int rows, int n, float[] gamma, float eps) {
        int body = n - n % F.length();
        for (int r = 0; r < rows; r++) {
            int off = r * n;
            float ms = dotFloat(x, off, x, off, n) / n;
            float denom = (float) Math.sqrt(ms + eps);
            FloatVector vden = FloatVector.broadcast(F, denom);
            for (int i = 0; i < body; i += F.length()) {
                FloatVector.fromArray(F, x, off + i).div(vden).mul(FloatVector.fromArray(F, gamma, i)).intoArray(y, off + i);
            }
            for (int i = body; i < n; i++) y[off + i] = x[off + i] / denom * gamma[i];
        }
    }
}
