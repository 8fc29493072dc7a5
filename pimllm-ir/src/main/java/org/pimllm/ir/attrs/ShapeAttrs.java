package org.pimllm.ir.attrs;

import java.util.List;
import org.pimllm.ir.Attrs;

/**
 * A target shape: {@code reshape} (one dimension may be -1, inferred; 0 copies the input
 * dimension at that position, as in ONNX) and {@code broadcast_to}.
 */
public record ShapeAttrs(List<Integer> shape) implements Attrs {
    public ShapeAttrs {
        shape = List.copyOf(java.util.Objects.requireNonNull(shape, "shape"));
    }
}
