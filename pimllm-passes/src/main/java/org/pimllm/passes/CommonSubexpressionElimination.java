package org.pimllm.passes;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pimllm.ir.Attrs;
import org.pimllm.ir.Call;
import org.pimllm.ir.Constant;
import org.pimllm.ir.Expr;
import org.pimllm.ir.ExprMutator;
import org.pimllm.ir.Op;
import org.pimllm.ir.TensorSource;
import org.pimllm.ir.TensorType;
import org.pimllm.ir.Tuple;
import org.pimllm.ir.TupleGetItem;
import org.pimllm.ir.Type;

/**
 * Merges nodes that compute the same value: calls of the same op with equal attributes on the same
 * (already merged) arguments, equal constants (same type and data, or same synthetic seed, or same
 * lazy key), equal tuples and tuple fields. Works bottom-up, so whole duplicated subgraphs collapse.
 * Variables are never merged. All ops of the IR are pure, so merging is always safe.
 */
public final class CommonSubexpressionElimination {

    public static final String NAME = "CommonSubexpressionElimination";

    private CommonSubexpressionElimination() {
    }

    public static Pass pass() {
        return Pass.function(NAME, 1, List.of(), (f, m, ctx) -> new Merger().mutateFunction(f));
    }

    // Arguments compare by identity (Expr.equals is identity), after they were merged themselves.
    private record CallKey(Op op, Attrs attrs, List<Expr> args, Type type) {
    }

    private record ConstKey(TensorType type, TensorSource source) {
    }

    private record TupleKey(List<Expr> fields) {
    }

    private record GetKey(Expr tuple, int index) {
    }

    private static final class Merger extends ExprMutator {
        private final Map<Object, Expr> seen = new HashMap<>();

        private Expr canonical(Object key, Expr candidate) {
            Expr prev = seen.putIfAbsent(key, candidate);
            return prev != null ? prev : candidate;
        }

        @Override
        protected Expr rewriteConstant(Constant c) {
            return canonical(new ConstKey(c.type(), c.source()), c);
        }

        @Override
        protected Expr rewriteCall(Call c, List<Expr> args) {
            Call nc = c.withArgs(args);
            return canonical(new CallKey(nc.op(), nc.attrs(), nc.args(), nc.type()), nc);
        }

        @Override
        protected Expr rewriteTuple(Tuple t, List<Expr> fields) {
            Expr nt = super.rewriteTuple(t, fields);
            return canonical(new TupleKey(fields), nt);
        }

        @Override
        protected Expr rewriteTupleGetItem(TupleGetItem g, Expr tuple) {
            Expr ng = super.rewriteTupleGetItem(g, tuple);
            return canonical(new GetKey(tuple, g.index()), ng);
        }
    }
}
