package org.pimllm.passes;

import java.util.List;
import org.pimllm.ir.Call;
import org.pimllm.ir.Constant;
import org.pimllm.ir.Expr;
import org.pimllm.ir.ExprMutator;
import org.pimllm.ir.TensorType;
import org.pimllm.passes.eval.DerivedConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces every call whose arguments are all constants by its value (TVM's FoldConstant), bottom-up,
 * so chains of constant computation collapse. Constants holding real data are folded now; those
 * derived from synthetic or lazy weights become lazy constants, computed only when the data is
 * needed (so folding a transposed LLaMA-7B weight costs nothing at compile time). Values come from
 * the ops' compute functions ({@code org.pimllm.ir.eval.Interpreter#compute}, the same definition the
 * runtime executes); calls they cannot compute are left as they are.
 */
public final class FoldConstant {

    private static final Logger LOG = LoggerFactory.getLogger(FoldConstant.class);

    public static final String NAME = "FoldConstant";

    private FoldConstant() {
    }

    public static Pass pass() {
        return Pass.function(NAME, 1, List.of(), (f, m, ctx) -> new ExprMutator() {
            @Override
            protected Expr rewriteCall(Call c, List<Expr> args) {
                Call nc = c.withArgs(args);
                return foldable(nc) ? tryFold(nc) : nc;
            }
        }.mutateFunction(f));
    }

    static boolean foldable(Call c) {
        if (c.args().isEmpty() || !(c.type() instanceof TensorType) || !c.op().hasCompute()) return false;
        for (Expr a : c.args()) if (!(a instanceof Constant)) return false;
        return true;
    }

    private static Expr tryFold(Call c) {
        try {
            return DerivedConstants.fold(c, null);
        } catch (ArithmeticException | IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
            LOG.debug("not folding {}: {}", c.op(), e.getMessage());
            return c;
        }
    }
}
