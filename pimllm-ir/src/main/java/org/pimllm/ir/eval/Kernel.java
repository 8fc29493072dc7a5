package org.pimllm.ir.eval;

import java.util.List;
import org.pimllm.ir.Call;
import org.pimllm.ir.Tensor;

/**
 * Evaluates one op call on tensor arguments. The call gives the attributes and the checked
 * output type; the result must have that type.
 */
@FunctionalInterface
public interface Kernel {
    Value apply(Call call, List<Tensor> args);
}
