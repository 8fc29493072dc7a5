package org.pimllm.ir.attrs;

import java.util.List;
import org.pimllm.ir.Attrs;

/** A list of axes: {@code transpose} (permutation; null reverses), {@code squeeze} (axes to drop; null drops all size-1 axes). */
public record AxesAttrs(List<Integer> axes) implements Attrs {
    public static final AxesAttrs DEFAULT = new AxesAttrs(null);

    public AxesAttrs {
        axes = axes == null ? null : List.copyOf(axes);
    }
}
