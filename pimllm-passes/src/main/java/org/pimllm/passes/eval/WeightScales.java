package org.pimllm.passes.eval;

import org.pimllm.ir.Tensor;

/** Symmetric int8 per-channel scales of a 2-D weight: max |W| / 127 along the channel axis (1 for an all-zero channel). */
public final class WeightScales {

    private WeightScales() {
    }

    /** Scales of {@code w} (rank 2) for channels along {@code axis} (0: rows, 1: columns). */
    public static Tensor of(Tensor w, int axis) {
        int rows = w.dim(0);
        int cols = w.dim(1);
        int channels = axis == 0 ? rows : cols;
        double[] max = new double[channels];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int ch = axis == 0 ? r : c;
                max[ch] = Math.max(max[ch], Math.abs(w.getDouble(r * cols + c)));
            }
        }
        float[] s = new float[channels];
        for (int i = 0; i < channels; i++) s[i] = scaleOf(max[i]);
        return Tensor.ofFloats(s, channels);
    }

    /** Symmetric int8 scale of a range (a zero range gets scale 1: everything quantizes to 0). */
    public static float scaleOf(double absMax) {
        return absMax > 0 ? (float) (absMax / 127.0) : 1f;
    }
}
