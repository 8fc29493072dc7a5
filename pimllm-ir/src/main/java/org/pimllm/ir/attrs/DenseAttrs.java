package org.pimllm.ir.attrs;

import org.pimllm.ir.Attrs;
import org.pimllm.ir.DType;

/**
 * {@code nn.dense} and {@code qnn.dense}: y = x W^T with W of shape (units, in_features).
 *
 * @param units    number of output features; null means "take it from the weight" (checked if given)
 * @param outDtype accumulation/output dtype; null means the input dtype (int8 x int8 -> int32: set int32)
 * @param weightInt4Group null, or (nn.dense only) G: the weight is an int4 weight with group multipliers, held as
 *                 its effective int16 values {@code q * m} (q in [-8, 7], one multiplier m in [0, 255] per G
 *                 consecutive in_features of a unit); the data is int8 and the output int32. The product is
 *                 the plain integer dense; the attribute tells the compiler it may store the weight as 4-bit
 *                 values plus multipliers (PGEMMlib's int4 GEMM) and cost it by those bytes.
 */
public record DenseAttrs(Integer units, DType outDtype, Integer weightInt4Group) implements Attrs {
    public static final DenseAttrs DEFAULT = new DenseAttrs(null, null);
    public static final DenseAttrs INT32_OUT = new DenseAttrs(null, DType.INT32);

    /** Without an int4 weight. */
    public DenseAttrs(Integer units, DType outDtype) {
        this(units, outDtype, null);
    }

    /** True if the weight is an int4 weight held as effective int16 values. */
    public boolean int4Weight() {
        return weightInt4Group != null;
    }
}
