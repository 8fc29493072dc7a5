package org.pimllm.ir.attrs;

import java.util.List;
import org.pimllm.ir.Attrs;

/**
 * {@code strided_slice} with numpy semantics: for each listed axis (null axes: the first
 * {@code begin.size()} axes), elements begin, begin+stride, ... before end. Negative indices
 * count from the end; out-of-range begin/end are clamped; strides default to 1 and may be negative.
 */
public record StridedSliceAttrs(List<Integer> begin, List<Integer> end, List<Integer> strides, List<Integer> axes)
        implements Attrs {
    public StridedSliceAttrs {
        begin = List.copyOf(java.util.Objects.requireNonNull(begin, "begin"));
        end = List.copyOf(java.util.Objects.requireNonNull(end, "end"));
        strides = strides == null ? null : List.copyOf(strides);
        axes = axes == null ? null : List.copyOf(axes);
    }
}
