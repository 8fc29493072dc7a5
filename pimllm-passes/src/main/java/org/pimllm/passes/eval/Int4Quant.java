package org.pimllm.passes.eval;

import org.pimllm.ir.DType;
import org.pimllm.ir.Tensor;

/**
 * int4 weights with per-group integer multipliers, from an fp32 (N, K) weight. For each output row n and group g
 * of G consecutive K elements: the group's scale {@code s_g = max|W[n, g]| / 7}; the row's scale
 * {@code S_n = max_g s_g / 255}; the group's multiplier {@code m_g = ceil(s_g / S_n)} in [1, 255] (rounded up so
 * no weight is clipped); the weights {@code q = clamp(round(W / (m_g S_n)), -8, 7)}. Then
 * {@code W ~ q * m_g * S_n}: the integer GEMM multiplies by the effective weight {@code e = q * m_g} (an int16,
 * |e| <= 2,040) and the result is dequantized with {@code S_n} per output channel, as the int8 path's {@code s_w[n]}.
 * A row of zeros gets S_n = 1, m = 1, q = 0.
 */
public final class Int4Quant {

    private Int4Quant() {
    }

    /** The effective int16 weights q * m of a 2-D fp32 weight (N, K) with groups of {@code group} along K. */
    public static Tensor effective(Tensor w, int group) {
        int n = w.dim(0);
        int k = w.dim(1);
        short[] out = new short[n * k];
        for (int r = 0; r < n; r++) {
            double[] groups = groupScales(w, r, k, group);
            double rowScale = rowScale(groups);
            for (int g0 = 0, gi = 0; g0 < k; g0 += group, gi++) {
                int g1 = Math.min(k, g0 + group);
                int m = multiplier(groups[gi], rowScale);
                double step = m * rowScale;
                for (int c = g0; c < g1; c++) {
                    long q = Math.round(w.getDouble(r * k + c) / step);
                    out[r * k + c] = (short) (Math.clamp(q, -8, 7) * m);
                }
            }
        }
        return Tensor.ofShorts(DType.INT16, out, n, k);
    }

    /** The per-row dequantization scales S_n (float32, N). */
    public static Tensor rowScales(Tensor w, int group) {
        int n = w.dim(0);
        int k = w.dim(1);
        float[] s = new float[n];
        for (int r = 0; r < n; r++) s[r] = (float) rowScale(groupScales(w, r, k, group));
        return Tensor.ofFloats(s, n);
    }

    /** S_n as the float32 the dequantization uses, so the effective weights divide by exactly that value. */
    private static double rowScale(double[] groupScales) {
        double max = 0;
        for (double g : groupScales) max = Math.max(max, g);
        return max > 0 ? (float) (max / 255.0) : 1f;
    }

    /** s_g of each group of row r, in K order (computed once per row: the row scale and the multipliers use them). */
    private static double[] groupScales(Tensor w, int r, int k, int group) {
        double[] s = new double[Math.ceilDiv(k, group)];
        for (int g0 = 0, gi = 0; g0 < k; g0 += group, gi++) s[gi] = groupScale(w, r, k, g0, Math.min(k, g0 + group));
        return s;
    }

    private static double groupScale(Tensor w, int r, int k, int g0, int g1) {
        double max = 0;
        for (int c = g0; c < g1; c++) max = Math.max(max, Math.abs(w.getDouble(r * k + c)));
        return max / 7.0;
    }

    private static int multiplier(double groupScale, double rowScale) {
        return (int) Math.clamp((long) Math.ceil(groupScale / rowScale - 1e-9), 1, 255);
    }
}
