package org.pimllm.passes;

import java.util.List;
import org.pimllm.ir.Expr;
import org.pimllm.ir.ExprMutator;
import org.pimllm.ir.Tuple;
import org.pimllm.ir.TupleGetItem;
import org.pimllm.ir.TupleType;

/**
 * Removes computation whose result is never used. In this graph IR a node nobody references is
 * already gone (there are no let-bindings to leave behind), so what remains dead is structure that
 * is referenced but useless: a field taken from a tuple built on the spot ({@code (a, b, c).1} is
 * {@code b}; the other fields' computations die with the tuple), and a tuple rebuilt field by field
 * from another tuple ({@code (t.0, t.1)} is {@code t} when t has two fields).
 */
public final class DeadCodeElimination {

    public static final String NAME = "DeadCodeElimination";

    private DeadCodeElimination() {
    }

    public static Pass pass() {
        return Pass.function(NAME, 1, List.of(), (f, m, ctx) -> new ExprMutator() {
            @Override
            protected Expr rewriteTupleGetItem(TupleGetItem g, Expr tuple) {
                if (tuple instanceof Tuple t) return t.fields().get(g.index());
                return super.rewriteTupleGetItem(g, tuple);
            }

            @Override
            protected Expr rewriteTuple(Tuple t, List<Expr> fields) {
                Expr source = rebuiltFrom(fields);
                return source != null ? source : super.rewriteTuple(t, fields);
            }
        }.mutateFunction(f));
    }

    /** The tuple t if fields are exactly t.0, t.1, ..., t.(n-1) of an n-field t, else null. */
    private static Expr rebuiltFrom(List<Expr> fields) {
        if (fields.isEmpty() || !(fields.get(0) instanceof TupleGetItem first)) return null;
        Expr t = first.tuple();
        if (!(t.type() instanceof TupleType tt) || tt.size() != fields.size()) return null;
        for (int i = 0; i < fields.size(); i++) {
            if (!(fields.get(i) instanceof TupleGetItem g) || g.tuple() != t || g.index() != i) return null;
        }
        return t;
    }
}
