package org.pimllm.ir.attrs;

import org.pimllm.ir.Attrs;

/** One axis: {@code nn.softmax} (default -1), {@code concatenate} and {@code take} (default 0), {@code qnn.dequantize} (channel axis, default -1). */
public record AxisAttrs(int axis) implements Attrs {
    public static final AxisAttrs LAST = new AxisAttrs(-1);
    public static final AxisAttrs FIRST = new AxisAttrs(0);
}
