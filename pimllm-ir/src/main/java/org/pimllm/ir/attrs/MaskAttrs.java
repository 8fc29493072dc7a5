package org.pimllm.ir.attrs;

import org.pimllm.ir.Attrs;

/**
 * Attention masks. {@code nn.causal_mask}: elements [..., i, j] of the scores with
 * j > i + offset become {@code fillValue}. {@code nn.attention_mask}: elements where the
 * (broadcast) mask is 0 become {@code fillValue}. The default fill -1e9 keeps fully masked
 * rows finite after softmax.
 */
public record MaskAttrs(double fillValue, int offset) implements Attrs {
    public static final MaskAttrs DEFAULT = new MaskAttrs(-1e9, 0);
}
