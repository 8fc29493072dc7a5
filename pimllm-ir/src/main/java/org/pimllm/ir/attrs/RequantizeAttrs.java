package org.pimllm.ir.attrs;

import org.pimllm.ir.Attrs;
import org.pimllm.ir.DType;

/**
 * {@code qnn.requantize}: q_out = saturate(round((q_in - zp_in) * scale_in / scale_out) + zp_out).
 * Per-channel scales apply along {@code axis}. {@code TONEAREST} rounds half away from zero,
 * {@code UPWARD} rounds half up (as TVM's QNN).
 */
public record RequantizeAttrs(int axis, DType outDtype, Rounding rounding) implements Attrs {
    public static final RequantizeAttrs INT8 = new RequantizeAttrs(-1, DType.INT8, Rounding.TONEAREST);

    public enum Rounding { TONEAREST, UPWARD }

    public RequantizeAttrs {
        java.util.Objects.requireNonNull(outDtype, "outDtype");
        java.util.Objects.requireNonNull(rounding, "rounding");
    }
}
