package org.pimllm.passes;

import java.util.Map;
import java.util.Set;
import org.pimllm.ir.Expr;
import org.pimllm.ir.Function;
import org.pimllm.ir.Tensor;

/**
 * Runs a function on sample inputs and reports the values of chosen nodes; QuantizeInt8 uses it to
 * observe activation ranges. The passes module has no executor of its own (the runtime owns it and
 * depends on the passes), so the caller plugs one in, e.g. the runtime's reference executor.
 */
@FunctionalInterface
public interface CalibrationRunner {

    /**
     * @param f       the function to run
     * @param inputs  values of its parameters, by parameter name
     * @param observe nodes of {@code f} whose values are wanted
     * @return the value of every observed node
     */
    Map<Expr, Tensor> run(Function f, Map<String, Tensor> inputs, Set<Expr> observe);
}
