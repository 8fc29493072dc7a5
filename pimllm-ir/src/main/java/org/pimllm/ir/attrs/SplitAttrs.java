package org.pimllm.ir.attrs;

import java.util.List;
import org.pimllm.ir.Attrs;

/**
 * {@code split}: either {@code sections} equal parts, or split points {@code indices}
 * (numpy's indices_or_sections: [768, 1536] splits 2304 into 3 x 768) along {@code axis}.
 * Exactly one of sections/indices is set.
 */
public record SplitAttrs(Integer sections, List<Integer> indices, int axis) implements Attrs {
    public SplitAttrs {
        indices = indices == null ? null : List.copyOf(indices);
        if ((sections == null) == (indices == null)) {
            throw new IllegalArgumentException("split needs exactly one of sections or indices");
        }
    }

    public static SplitAttrs sections(int n, int axis) { return new SplitAttrs(n, null, axis); }

    public static SplitAttrs indices(List<Integer> indices, int axis) { return new SplitAttrs(null, indices, axis); }
}
