package org.pimllm.passes;

import java.util.Map;
import java.util.Set;
import org.pimllm.ir.Expr;
import org.pimllm.ir.Function;
import org.pimllm.ir.Tensor;

/**
 * Runs a function on sample inputs and reports the values of chosen nodes; QuantizeInt8 uses it to
 * observe activation ranges. {@link #reference()} runs the IR's reference interpreter (readable,
 * slow: fine for small models); a caller may plug in a faster executor (e.g. the runtime's).
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

    /** Calibration with the IR's reference interpreter ({@code org.pimllm.ir.eval.Interpreter}), one pass over the graph per sample. */
    static CalibrationRunner reference() {
        return (f, inputs, observe) -> {
            java.util.Map<Expr, org.pimllm.ir.eval.Value> env = new java.util.IdentityHashMap<>();
            for (org.pimllm.ir.Var p : f.params()) {
                Tensor t = inputs.get(p.name());
                if (t == null) throw new IllegalArgumentException("calibration sample has no input %" + p.name() + "; it has " + inputs.keySet());
                env.put(p, org.pimllm.ir.eval.Value.of(t));
            }
            java.util.List<Expr> wanted = java.util.List.copyOf(observe);
            var all = (org.pimllm.ir.eval.Value.TupleValue) org.pimllm.ir.eval.Interpreter.eval(new org.pimllm.ir.Tuple(wanted), env);
            Map<Expr, Tensor> out = new java.util.IdentityHashMap<>();
            for (int i = 0; i < wanted.size(); i++) out.put(wanted.get(i), all.fields().get(i).tensor());
            return out;
        };
    }
}
