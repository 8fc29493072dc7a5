package org.pimllm.ir.attrs;

import org.pimllm.ir.Attrs;

/** {@code nn.layer_norm}: normalize over {@code axis}, then scale by gamma (if {@code scale}) and shift by beta (if {@code center}). */
public record LayerNormAttrs(int axis, double epsilon, boolean center, boolean scale) implements Attrs {
    public static final LayerNormAttrs DEFAULT = new LayerNormAttrs(-1, 1e-5, true, true);

    public static LayerNormAttrs eps(double epsilon) { return new LayerNormAttrs(-1, epsilon, true, true); }
}
