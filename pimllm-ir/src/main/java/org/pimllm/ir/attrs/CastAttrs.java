package org.pimllm.ir.attrs;

import org.pimllm.ir.Attrs;
import org.pimllm.ir.DType;

/** {@code cast} to {@code dtype}. */
public record CastAttrs(DType dtype) implements Attrs {
    public CastAttrs {
        java.util.Objects.requireNonNull(dtype, "dtype");
    }
}
