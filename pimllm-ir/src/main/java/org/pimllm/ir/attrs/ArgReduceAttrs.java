package org.pimllm.ir.attrs;

import org.pimllm.ir.Attrs;

/** {@code argmax}: index of the largest element along {@code axis} (int64 output). */
public record ArgReduceAttrs(int axis, boolean keepdims) implements Attrs {
    public static final ArgReduceAttrs DEFAULT = new ArgReduceAttrs(-1, false);
}
