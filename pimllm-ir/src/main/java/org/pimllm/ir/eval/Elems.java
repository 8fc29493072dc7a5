package org.pimllm.ir.eval;

import org.pimllm.ir.DType;
import org.pimllm.ir.Tensor;

/** Element access with the executor's integer semantics: two's-complement wrap-around into the dtype. */
final class Elems {

    private Elems() {
    }

    /** Stores v wrapped into an integer dtype (as a C cast does); bool stores v != 0; floats store the nearest value. */
    static void setWrapped(Tensor t, int i, long v) {
        switch (t.dtype()) {
            case INT8, UINT8 -> t.bytes()[i] = (byte) v;
            case BOOL -> t.bytes()[i] = (byte) (v != 0 ? 1 : 0);
            case INT16 -> t.shorts()[i] = (short) v;
            case INT32 -> t.ints()[i] = (int) v;
            case INT64 -> t.longs()[i] = v;
            default -> t.setDouble(i, v);
        }
    }

    /** Stores v in a float dtype (rounded to nearest) or, for integers, truncated toward zero and saturated (NaN: 0). */
    static void setTruncated(Tensor t, int i, double v) {
        DType d = t.dtype();
        if (d.isFloat()) {
            t.setDouble(i, v);
        } else if (d == DType.BOOL) {
            t.bytes()[i] = (byte) (v != 0 ? 1 : 0);
        } else if (Double.isNaN(v)) {
            setWrapped(t, i, 0);
        } else {
            double tr = v < 0 ? Math.ceil(v) : Math.floor(v);
            setWrapped(t, i, (long) Math.max(d.minValue(), Math.min(d.maxValue(), tr)));
        }
    }

    static float[] floats(Tensor t) {
        return t.dtype() == DType.FP32 ? t.floats() : t.toFloatArray();
    }
}
