package org.pimllm.ir.eval;

import java.util.List;
import org.pimllm.ir.Call;
import org.pimllm.ir.Tensor;

/**
 * The compute function of an op (TVM's {@code FTVMCompute}): the value of one call on tensor arguments. It is part
 * of the op's definition ({@code Op.define(...).compute(...)}), so there is exactly one semantics per op, used by
 * constant folding, the reference interpreter and the runtime alike. The call gives the attributes and the checked
 * output type, which the result must have; the hot loops (GEMMs, softmax, norms) go through {@code kernels}, whose
 * implementations all give the same bits.
 */
@FunctionalInterface
public interface Compute {
    Value apply(Call call, List<Tensor> args, HostKernels kernels);
}
