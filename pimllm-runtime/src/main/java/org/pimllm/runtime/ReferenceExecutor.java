package org.pimllm.runtime;

import java.util.IdentityHashMap;
import java.util.Map;
import org.pimllm.ir.Expr;
import org.pimllm.ir.Function;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.Var;
import org.pimllm.ir.eval.Interpreter;
import org.pimllm.ir.eval.ScalarKernels;
import org.pimllm.ir.eval.Value;
import org.pimllm.runtime.exec.ConstantCache;

/**
 * Runs a module's {@code main} with the IR's evaluator ({@link Interpreter}) on the scalar kernels: the reference
 * every compiled run is checked against. Ops compute what their compute function says (the same definition constant
 * folding uses); run it on the graph before lowering, or on a lowered one (pim.gemm computes its host GEMM). Inputs
 * are given by parameter name; constants are shared across modules through {@link ConstantCache}.
 */
public final class ReferenceExecutor {

    private final Interpreter eval = new Interpreter(ScalarKernels.INSTANCE, ConstantCache::data);

    /** Runs {@code main} of the module. */
    public Value run(IRModule module, Map<String, Tensor> inputs) {
        return run(module.main(), inputs);
    }

    /** Runs a function; every parameter needs an input of exactly its type. */
    public Value run(Function f, Map<String, Tensor> inputs) {
        Map<Expr, Value> values = new IdentityHashMap<>();
        bindInputs(f, inputs, values);
        return eval.evaluate(f.body(), values);
    }

    /** Runs {@code main} and returns its value as a single tensor. */
    public Tensor runTensor(IRModule module, Map<String, Tensor> inputs) {
        return run(module, inputs).tensor();
    }

    /** Binds each parameter of {@code f} to its input by name: missing, unknown or mistyped inputs are clear errors. */
    static void bindInputs(Function f, Map<String, Tensor> inputs, Map<Expr, Value> values) {
        for (Var p : f.params()) {
            Tensor t = inputs.get(p.name());
            if (t == null) {
                throw new IllegalArgumentException("missing input '" + p.name() + "' of type " + p.type()
                        + "; the function takes " + f.params().stream().map(Var::name).toList());
            }
            if (!t.type().equals(p.type())) {
                throw new IllegalArgumentException("input '" + p.name() + "' is " + t.type() + " but the function expects " + p.type());
            }
            values.put(p, Value.of(t));
        }
        for (String name : inputs.keySet()) {
            if (f.params().stream().noneMatch(p -> p.name().equals(name))) {
                throw new IllegalArgumentException("unknown input '" + name + "'; the function takes "
                        + f.params().stream().map(Var::name).toList());
            }
        }
    }
}
