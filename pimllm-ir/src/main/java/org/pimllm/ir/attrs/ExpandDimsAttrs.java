package org.pimllm.ir.attrs;

import org.pimllm.ir.Attrs;

/** {@code expand_dims}: insert {@code numNewaxis} size-1 axes at {@code axis} (in [-rank-1, rank]). */
public record ExpandDimsAttrs(int axis, int numNewaxis) implements Attrs {
    public static ExpandDimsAttrs at(int axis) { return new ExpandDimsAttrs(axis, 1); }
}
