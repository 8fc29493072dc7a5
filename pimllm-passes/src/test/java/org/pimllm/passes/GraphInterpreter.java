package org.pimllm.passes;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pimllm.ir.Expr;
import org.pimllm.ir.Function;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.Tuple;
import org.pimllm.ir.Var;
import org.pimllm.ir.eval.Interpreter;
import org.pimllm.ir.eval.Value;

/** The IR's reference interpreter, as a calibration runner and for running test graphs by input name. */
final class GraphInterpreter implements CalibrationRunner {

    /** The value of the function's body. */
    static Tensor run(Function f, Map<String, Tensor> inputs) {
        return Interpreter.run(f, ordered(f, inputs)).tensor();
    }

    @Override
    public Map<Expr, Tensor> run(Function f, Map<String, Tensor> inputs, Set<Expr> observe) {
        Map<Expr, Value> env = new IdentityHashMap<>();
        List<Tensor> in = ordered(f, inputs);
        for (int i = 0; i < in.size(); i++) env.put(f.params().get(i), Value.of(in.get(i)));
        List<Expr> wanted = List.copyOf(observe);
        Value.TupleValue all = (Value.TupleValue) Interpreter.eval(new Tuple(wanted), env); // one pass over the graph
        Map<Expr, Tensor> out = new IdentityHashMap<>();
        for (int i = 0; i < wanted.size(); i++) out.put(wanted.get(i), all.fields().get(i).tensor());
        return out;
    }

    private static List<Tensor> ordered(Function f, Map<String, Tensor> inputs) {
        return f.params().stream().map(Var::name).map(n -> {
            Tensor t = inputs.get(n);
            if (t == null) throw new IllegalArgumentException("no input for %" + n);
            return t;
        }).toList();
    }
}
