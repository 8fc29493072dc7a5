package org.pimllm.ir.eval;

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

/**
 * The reference interpreter: evaluates a function node by node with the plain, readable
 * kernels of {@link ReferenceKernels} (floats computed in double and rounded once, integers
 * exact). It is the specification the runtime's fast kernels are checked against, and what
 * constant folding and calibration runs use. Not fast.
 */
public final class Interpreter {

    private Interpreter() {
    }

    /** Runs {@code @main} on the given inputs (one per parameter, in order). */
    public static Value run(IRModule m, List<Tensor> inputs) {
        return run(m.main(), inputs);
    }

    public static Value run(Function f, List<Tensor> inputs) {
        if (inputs.size() != f.params().size()) {
            throw new IllegalArgumentException("the function takes " + f.params().size() + " inputs but " + inputs.size() + " were given");
        }
        Map<Expr, Value> env = new IdentityHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            Var p = f.params().get(i);
            Tensor t = inputs.get(i);
            if (!t.type().equals(p.type())) {
                throw new IllegalArgumentException("input " + i + " (%" + p.name() + ") must be " + p.type() + " but is " + t.type());
            }
            env.put(p, Value.of(t));
        }
        return eval(f.body(), env);
    }

    /**
     * Evaluates {@code e} with the given values for its free variables (others are an error).
     * Values computed for shared nodes are reused.
     */
    public static Value eval(Expr e, Map<Expr, Value> env) {
        Map<Expr, Value> memo = new IdentityHashMap<>(env);
        for (Expr n : ExprVisitor.postOrder(e)) {
            if (memo.containsKey(n)) continue;
            Value v = switch (n) {
                case Var var -> throw new IllegalArgumentException("no value for variable %" + var.name());
                case Constant c -> Value.of(c.data());
                case Call c -> call(c, memo);
                case Tuple t -> {
                    List<Value> fs = new ArrayList<>();
                    for (Expr x : t.fields()) fs.add(memo.get(x));
                    yield new Value.TupleValue(fs);
                }
                case TupleGetItem g -> ((Value.TupleValue) memo.get(g.tuple())).fields().get(g.index());
                case Function f -> throw new IllegalArgumentException("nested functions are not evaluated by the reference interpreter");
            };
            memo.put(n, v);
        }
        return memo.get(e);
    }

    private static Value call(Call c, Map<Expr, Value> memo) {
        List<Tensor> args = new ArrayList<>(c.args().size());
        for (Expr a : c.args()) args.add(memo.get(a).tensor());
        Value out = Kernels.get(c.op()).apply(c, args);
        if (out instanceof Value.TensorValue(Tensor t) && !t.type().equals(c.type())) {
            throw new IllegalStateException("kernel of " + c.op().name() + " returned " + t.type() + " but the call has type " + c.type());
        }
        return out;
    }
}
