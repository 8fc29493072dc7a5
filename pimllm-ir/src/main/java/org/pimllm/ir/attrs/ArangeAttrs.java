package org.pimllm.ir.attrs;

import org.pimllm.ir.Attrs;
import org.pimllm.ir.DType;

/** {@code arange}: start, start+step, ... below stop (above, for negative steps), as {@code dtype}. */
public record ArangeAttrs(double start, double stop, double step, DType dtype) implements Attrs {
    public ArangeAttrs {
        java.util.Objects.requireNonNull(dtype, "dtype");
    }
}
