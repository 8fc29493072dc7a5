package org.pimllm.ir.attrs;

import org.pimllm.ir.Attrs;
import org.pimllm.ir.DType;

/**
 * {@code nn.dense} and {@code qnn.dense}: y = x W^T with W of shape (units, in_features).
 *
 * @param units    number of output features; null means "take it from the weight" (checked if given)
 * @param outDtype accumulation/output dtype; null means the input dtype (int8 x int8 -> int32: set int32)
 */
public record DenseAttrs(Integer units, DType outDtype) implements Attrs {
    public static final DenseAttrs DEFAULT = new DenseAttrs(null, null);
    public static final DenseAttrs INT32_OUT = new DenseAttrs(null, DType.INT32);
}
