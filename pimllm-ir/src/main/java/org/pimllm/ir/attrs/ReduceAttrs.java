package org.pimllm.ir.attrs;

import java.util.List;
import org.pimllm.ir.Attrs;

/** {@code sum}, {@code mean}, {@code max}, {@code min}: reduce over {@code axes} (null: all axes), keeping them as size 1 if {@code keepdims}. */
public record ReduceAttrs(List<Integer> axes, boolean keepdims) implements Attrs {
    public static final ReduceAttrs DEFAULT = new ReduceAttrs(null, false);

    public ReduceAttrs {
        axes = axes == null ? null : List.copyOf(axes);
    }
}
