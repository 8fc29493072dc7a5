package org.pimllm.ir.attrs;

import org.pimllm.ir.Attrs;
import org.pimllm.ir.DType;

/**
 * {@code qnn.quantize}: q = saturate(round(x / scale) + zero_point) in {@code outDtype}; a scale
 * or zero point with one element per channel applies along {@code axis}.
 */
public record QuantizeAttrs(int axis, DType outDtype) implements Attrs {
    public static final QuantizeAttrs INT8 = new QuantizeAttrs(-1, DType.INT8);

    public QuantizeAttrs {
        java.util.Objects.requireNonNull(outDtype, "outDtype");
    }
}
