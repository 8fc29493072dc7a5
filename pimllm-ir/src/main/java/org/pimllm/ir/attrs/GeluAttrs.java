package org.pimllm.ir.attrs;

import org.pimllm.ir.Attrs;

/** {@code nn.gelu}: exact erf form ({@code none}, BERT) or the tanh approximation ({@code tanh}, GPT-2). */
public record GeluAttrs(Approximation approximate) implements Attrs {
    public static final GeluAttrs ERF = new GeluAttrs(Approximation.NONE);
    public static final GeluAttrs TANH = new GeluAttrs(Approximation.TANH);

    public enum Approximation { NONE, TANH }

    public GeluAttrs {
        java.util.Objects.requireNonNull(approximate, "approximate");
    }
}
