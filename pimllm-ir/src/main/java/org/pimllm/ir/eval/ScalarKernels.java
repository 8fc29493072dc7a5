package org.pimllm.ir.eval;

/**
 * Plain-loop host kernels: the readable specification of every {@link HostKernels} method and the kernels
 * of the reference interpreter (constant folding, the reference executor). Transcendental functions use
 * {@link StrictMath} so results never depend on the JIT.
 */
public final class ScalarKernels implements HostKernels {

    public static final ScalarKernels INSTANCE = new ScalarKernels();

    @Override
    public String name() { return "scalar"; }

    @Override
    public void gemmInt8(byte[] a, int aOff, byte[] w, int wOff, int[] c, int cOff, int m, int k, int n) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int acc = 0;
                int ai = aOff + i * k;
                int wj = wOff + j * k;
                for (int p = 0; p < k; p++) acc += a[ai + p] * w[wj + p];
                c[cOff + i * n + j] = acc;
            }
        }
    }


    @Override
    public float dotFloat(float[] x, int xOff, float[] y, int yOff, int n) {
        float[] part = new float[LANES];
        int body = n - n % LANES;
        for (int i = 0; i < body; i++) {
            float prod = x[xOff + i] * y[yOff + i];
            part[i % LANES] += prod;
        }
        float s = combine(part);
        for (int i = body; i < n; i++) {
            float prod = x[xOff + i] * y[yOff + i];
            s += prod;
        }
        return s;
    }

    @Override
    public float sumFloat(float[] x, int off, int n) {
        float[] part = new float[LANES];
        int body = n - n % LANES;
        for (int i = 0; i < body; i++) part[i % LANES] += x[off + i];
        float s = combine(part);
        for (int i = body; i < n; i++) s += x[off + i];
        return s;
    }

    /** ((p0 + p1) + p2) + ... + p7: the fixed order in which partial sums are combined. */
    public static float combine(float[] part) {
        float s = part[0];
        for (int j = 1; j < LANES; j++) s += part[j];
        return s;
    }

    @Override
    public void softmaxRows(float[] x, float[] y, int rows, int n) {
        for (int r = 0; r < rows; r++) {
            int off = r * n;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) max = Math.max(max, x[off + i]);
            for (int i = 0; i < n; i++) y[off + i] = (float) StrictMath.exp(x[off + i] - max);
            float sum = sumFloat(y, off, n);
            for (int i = 0; i < n; i++) y[off + i] = y[off + i] / sum;
        }
    }

    @Override
    public void layerNormRows(float[] x, float[] y, int rows, int n, float[] gamma, float[] beta, float eps) {
        float[] d = new float[n];
        for (int r = 0; r < rows; r++) {
            int off = r * n;
            float mean = sumFloat(x, off, n) / n;
            for (int i = 0; i < n; i++) d[i] = x[off + i] - mean;
            float var = dotFloat(d, 0, d, 0, n) / n;
            float denom = (float) Math.sqrt(var + eps);
            for (int i = 0; i < n; i++) y[off + i] = d[i] / denom * gamma[i] + beta[i];
        }
    }

    @Override
    public void rmsNormRows(float[] x, float[] y, int rows, int n, float[] gamma, float eps) {
        for (int r = 0; r < rows; r++) {
            int off = r * n;
            float ms = dotFloat(x, off, x, off, n) / n;
            float denom = (float) Math.sqrt(ms + eps);
            for (int i = 0; i < n; i++) y[off + i] = x[off + i] / denom * gamma[i];
        }
    }
}
