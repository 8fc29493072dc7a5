package org.pimllm.ir.attrs;

import org.pimllm.ir.Attrs;

/** {@code nn.rms_norm}: x / sqrt(mean(x^2 over axis) + epsilon) * gamma (LLaMA). */
public record RmsNormAttrs(int axis, double epsilon) implements Attrs {
    public static final RmsNormAttrs DEFAULT = new RmsNormAttrs(-1, 1e-6);
}
