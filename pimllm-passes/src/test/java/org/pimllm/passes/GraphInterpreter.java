package org.pimllm.passes;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pimllm.ir.Expr;
import org.pimllm.ir.Function;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.Var;
import org.pimllm.ir.eval.Interpreter;

/** Runs test graphs by input name with the IR's reference interpreter; also the tests' calibration runner. */
final class GraphInterpreter implements CalibrationRunner {

    /** The value of the function's body. */
    static Tensor run(Function f, Map<String, Tensor> inputs) {
        List<Tensor> in = f.params().stream().map(Var::name).map(n -> {
            Tensor t = inputs.get(n);
            if (t == null) throw new IllegalArgumentException("no input for %" + n);
            return t;
        }).toList();
        return Interpreter.run(f, in).tensor();
    }

    @Override
    public Map<Expr, Tensor> run(Function f, Map<String, Tensor> inputs, Set<Expr> observe) {
        return CalibrationRunner.reference().run(f, inputs, observe);
    }
}
