package org.pimllm.ir;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds a graph bottom-up with memoization: each node is rewritten once, shared nodes
 * stay shared, and a node whose children did not change is kept as the same object (so an
 * unchanged graph comes back identical). Override {@code rewriteX} hooks; they receive the
 * original node and its children already rewritten. The traversal is iterative (post-order),
 * so any depth works; every node is visited, even if a parent's rewrite ignores it.
 *
 * <pre>{@code
 * Expr out = new ExprMutator() {
 *     protected Expr rewriteCall(Call c, List<Expr> args) {
 *         if (c.is(Ops.RELU)) return args.get(0);      // drop relus
 *         return super.rewriteCall(c, args);
 *     }
 * }.mutate(body);
 * }</pre>
 */
public abstract class ExprMutator {

    private final Map<Expr, Expr> memo = new IdentityHashMap<>();

    /** The rewritten form of {@code root}. Results are memoized across calls on the same mutator. */
    public Expr mutate(Expr root) {
        Expr done = memo.get(root);
        if (done != null) return done;
        for (Expr e : ExprVisitor.postOrder(root)) {
            if (memo.containsKey(e)) continue;
            Expr out = switch (e) {
                case Var v -> rewriteVar(v);
                case Constant c -> rewriteConstant(c);
                case Call c -> rewriteCall(c, mapped(c.args()));
                case Tuple t -> rewriteTuple(t, mapped(t.fields()));
                case TupleGetItem g -> rewriteTupleGetItem(g, memo.get(g.tuple()));
                case Function f -> rewriteFunction(f, mappedVars(f.params()), memo.get(f.body()));
            };
            if (out == null) throw new IllegalStateException(getClass().getName() + " rewrote a node to null: " + e);
            memo.put(e, out);
        }
        return memo.get(root);
    }

    /** Rewrites a function (parameters and body). */
    public Function mutateFunction(Function f) {
        Expr out = mutate(f);
        if (out instanceof Function nf) return nf;
        throw new IllegalStateException(getClass().getName() + " rewrote a function into " + out.getClass().getSimpleName());
    }

    /** The already-rewritten form of a node visited earlier, or null. */
    protected Expr lookup(Expr original) { return memo.get(original); }

    private List<Expr> mapped(List<Expr> xs) {
        List<Expr> out = new ArrayList<>(xs.size());
        for (Expr x : xs) out.add(memo.get(x));
        return out;
    }

    private List<Var> mappedVars(List<Var> vs) {
        List<Var> out = new ArrayList<>(vs.size());
        for (Var v : vs) {
            Expr m = memo.get(v);
            if (!(m instanceof Var nv)) {
                throw new IllegalStateException("function parameter %" + v.name() + " was rewritten into a "
                        + m.getClass().getSimpleName() + "; parameters must stay variables");
            }
            out.add(nv);
        }
        return out;
    }

    protected Expr rewriteVar(Var v) { return v; }

    protected Expr rewriteConstant(Constant c) { return c; }

    /** Default: same op and attrs with the new args (type re-inferred), or {@code c} if nothing changed. */
    protected Expr rewriteCall(Call c, List<Expr> args) { return c.withArgs(args); }

    protected Expr rewriteTuple(Tuple t, List<Expr> fields) {
        return Call.sameObjects(t.fields(), fields) ? t : new Tuple(fields);
    }

    protected Expr rewriteTupleGetItem(TupleGetItem g, Expr tuple) {
        return tuple == g.tuple() ? g : new TupleGetItem(tuple, g.index());
    }

    protected Expr rewriteFunction(Function f, List<Var> params, Expr body) {
        if (Call.sameObjects(f.params(), params) && body == f.body()) return f;
        return new Function(params, body, null, f.attrs());
    }
}
