package org.pimllm.ir.attrs;

import org.pimllm.ir.Attrs;

/**
 * {@code nn.rotary_embedding} (RoPE). The input's last axis is the head dimension; position p
 * of an element is {@code positionOffset} + its index along {@code seqAxis}. Pair i of the
 * first {@code rotaryDim} (null: all) features is rotated by angle p * theta^(-2i/rotaryDim).
 * {@code HALF} pairs feature i with i + d/2 (Hugging Face LLaMA, GPT-NeoX);
 * {@code INTERLEAVED} pairs 2i with 2i+1 (Meta's LLaMA, GPT-J).
 */
public record RopeAttrs(double theta, int positionOffset, int seqAxis, Style style, Integer rotaryDim) implements Attrs {
    /** theta 10000, offset 0, input laid out (..., seq, heads, head_dim), half style, all features. */
    public static final RopeAttrs DEFAULT = new RopeAttrs(10000.0, 0, -3, Style.HALF, null);

    public enum Style { HALF, INTERLEAVED }

    public RopeAttrs {
        java.util.Objects.requireNonNull(style, "style");
    }
}
