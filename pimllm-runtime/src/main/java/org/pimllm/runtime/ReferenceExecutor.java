package org.pimllm.runtime;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.pimllm.ir.Call;
import org.pimllm.ir.Constant;
import org.pimllm.ir.Expr;
import org.pimllm.ir.ExprVisitor;
import org.pimllm.ir.Function;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.Tuple;
import org.pimllm.ir.TupleGetItem;
import org.pimllm.ir.Var;
import org.pimllm.runtime.exec.ConstantCache;
import org.pimllm.runtime.exec.OpEvaluator;
import org.pimllm.runtime.exec.Values;
import org.pimllm.runtime.kernels.ScalarKernels;

/**
 * Interprets a module's {@code main} in plain Java with the scalar kernels: the reference every compiled run is
 * checked against. It knows only the built-in ops (run it on the graph before lowering). Inputs are given by
 * parameter name; the result is the body's value (a tensor, or a list of values for a tuple).
 */
public final class ReferenceExecutor {

    private final OpEvaluator eval = new OpEvaluator(ScalarKernels.INSTANCE);

    /** Runs {@code main} of the module. */
    public Object run(IRModule module, Map<String, Tensor> inputs) {
        return run(module.main(), inputs);
    }

    /** Runs a function; every parameter needs an input of exactly its type. */
    public Object run(Function f, Map<String, Tensor> inputs) {
        Map<Expr, Object> values = new IdentityHashMap<>();
        bindInputs(f, inputs, values);
        for (Expr e : ExprVisitor.postOrder(f.body())) {
            if (values.containsKey(e)) continue;
            values.put(e, e instanceof Call c ? eval.eval(c, argValues(c.args(), values))
                    : nodeValue(e, values, ConstantCache::data));
        }
        return values.get(f.body());
    }

    /**
     * The value of a node of a function body that is not a call, from the values of its operands (computed before it
     * in post order): a constant's data, a tuple's field values, a tuple field. Free variables and nested functions
     * are errors. Shared by this executor and {@link CompiledModule}, which evaluate calls each their own way.
     */
    static Object nodeValue(Expr e, Map<Expr, Object> values, java.util.function.Function<Constant, Tensor> constants) {
        return switch (e) {
            case Constant c -> constants.apply(c);
            case Tuple t -> argValues(t.fields(), values);
            case TupleGetItem g -> Values.tuple(values.get(g.tuple()), "tuple field ." + g.index()).get(g.index());
            case Var v -> throw new IllegalArgumentException("free variable %" + v.name() + " in the function body");
            case Function fn -> throw new IllegalArgumentException("nested functions are not executable; inline them first");
            case Call c -> throw new IllegalStateException("a call's value comes from its executor, not nodeValue");
        };
    }

    /** Runs {@code main} and returns its value as a single tensor. */
    public Tensor runTensor(IRModule module, Map<String, Tensor> inputs) {
        return Values.tensor(run(module, inputs), "the result of @main");
    }

    static void bindInputs(Function f, Map<String, Tensor> inputs, Map<Expr, Object> values) {
        for (Var p : f.params()) {
            Tensor t = inputs.get(p.name());
            if (t == null) {
                throw new IllegalArgumentException("missing input '" + p.name() + "' of type " + p.type()
                        + "; the function takes " + f.params().stream().map(Var::name).toList());
            }
            if (!t.type().equals(p.type())) {
                throw new IllegalArgumentException("input '" + p.name() + "' is " + t.type() + " but the function expects " + p.type());
            }
            values.put(p, t);
        }
        for (String name : inputs.keySet()) {
            if (f.params().stream().noneMatch(p -> p.name().equals(name))) {
                throw new IllegalArgumentException("unknown input '" + name + "'; the function takes "
                        + f.params().stream().map(Var::name).toList());
            }
        }
    }

    static List<Object> argValues(List<Expr> args, Map<Expr, Object> values) {
        List<Object> out = new ArrayList<>(args.size());
        for (Expr a : args) out.add(values.get(a));
        return out;
    }
}
