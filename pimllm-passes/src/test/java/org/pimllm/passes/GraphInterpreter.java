package org.pimllm.passes;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pimllm.ir.Call;
import org.pimllm.ir.Constant;
import org.pimllm.ir.Expr;
import org.pimllm.ir.ExprVisitor;
import org.pimllm.ir.Function;
import org.pimllm.ir.Ops;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.Tuple;
import org.pimllm.ir.TupleGetItem;
import org.pimllm.ir.Var;
import org.pimllm.passes.eval.OpEval;

/**
 * A minimal interpreter for the small graphs of these tests (and as a calibration runner): walks
 * the graph in post-order and evaluates each op with {@link OpEval}. The runtime's
 * ReferenceExecutor is the real executor; the passes module cannot depend on it (the runtime
 * depends on the passes).
 */
final class GraphInterpreter implements CalibrationRunner {

    /** The value of the function's body. */
    static Tensor run(Function f, Map<String, Tensor> inputs) {
        Map<Expr, Object> v = evaluate(f, inputs);
        return (Tensor) v.get(f.body());
    }

    @Override
    public Map<Expr, Tensor> run(Function f, Map<String, Tensor> inputs, Set<Expr> observe) {
        Map<Expr, Object> v = evaluate(f, inputs);
        Map<Expr, Tensor> out = new IdentityHashMap<>();
        for (Expr e : observe) out.put(e, (Tensor) v.get(e));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<Expr, Object> evaluate(Function f, Map<String, Tensor> inputs) {
        Map<Expr, Object> v = new IdentityHashMap<>();
        for (Expr e : ExprVisitor.postOrder(f.body())) {
            Object r = switch (e) {
                case Var x -> {
                    Tensor t = inputs.get(x.name());
                    if (t == null) throw new IllegalArgumentException("no input for %" + x.name());
                    yield t;
                }
                case Constant c -> c.data();
                case Call c -> {
                    List<Tensor> args = new ArrayList<>();
                    for (Expr a : c.args()) args.add((Tensor) v.get(a));
                    yield c.is(Ops.SPLIT) ? OpEval.split(c, args.get(0)) : OpEval.eval(c, args);
                }
                case Tuple t -> {
                    List<Object> l = new ArrayList<>();
                    for (Expr x : t.fields()) l.add(v.get(x));
                    yield l;
                }
                case TupleGetItem g -> ((List<Object>) v.get(g.tuple())).get(g.index());
                case Function fn -> throw new UnsupportedOperationException("nested functions");
            };
            v.put(e, r);
        }
        return v;
    }
}
