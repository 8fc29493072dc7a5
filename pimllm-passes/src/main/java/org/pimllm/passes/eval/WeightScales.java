package org.pimllm.passes.eval;

import org.pimllm.ir.Tensor;

/** Symmetric int8 per-channel scales of a weight: max |W| / 127 along the channel axis (1 for an all-zero channel). */
public final class WeightScales {

    private WeightScales() {
    }

    /**
     * Scales of {@code w} (any rank) for channels along {@code axis}: each channel's maximum runs over every other
     * axis (for a 2-D weight, axis 0 gives one scale per row, axis 1 one per column).
     */
    public static Tensor of(Tensor w, int axis) {
        int channels = w.dim(axis);
        int inner = 1; // elements between two consecutive indices of the channel axis (row-major)
        for (int d = axis + 1; d < w.rank(); d++) inner *= w.dim(d);
        double[] max = new double[channels];
        for (int i = 0; i < w.size(); i++) {
            int ch = (i / inner) % channels;
            max[ch] = Math.max(max[ch], Math.abs(w.getDouble(i)));
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
