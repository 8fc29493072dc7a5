package org.pimllm.ir;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Structural equality of graphs, as TVM's {@code structural_equal}: same ops, attributes,
 * types and shape of the graph; variables are compared up to renaming (alpha-equivalence:
 * a consistent one-to-one mapping, names ignored); constants by content (real data), by
 * seed/distribution/scale (synthetic) or by key (lazy); constant names are ignored.
 *
 * <p>By default sharing must match too: a node used twice on one side must correspond to a
 * node used twice on the other (so a CSE test can tell shared from duplicated nodes). Use
 * {@link #equalIgnoringSharing} to compare the expressions as trees.
 *
 * <p>The comparison is iterative and linear in the number of (node, node) pairs.
 */
public final class StructuralEqual {

    private StructuralEqual() {
    }

    public static boolean equal(Expr a, Expr b) { return mismatch(a, b, true).isEmpty(); }

    public static boolean equalIgnoringSharing(Expr a, Expr b) { return mismatch(a, b, false).isEmpty(); }

    /** Same function names and module attributes, each pair of functions equal. */
    public static boolean equal(IRModule a, IRModule b) { return mismatch(a, b).isEmpty(); }

    /** Why two modules differ (the first difference found), or empty if they are equal. */
    public static Optional<String> mismatch(IRModule a, IRModule b) {
        if (!a.functions().keySet().equals(b.functions().keySet())) {
            return Optional.of("function names differ: " + a.functions().keySet() + " vs " + b.functions().keySet());
        }
        if (!a.attrs().equals(b.attrs())) {
            return Optional.of("module attributes differ: " + a.attrs() + " vs " + b.attrs());
        }
        for (String name : a.functions().keySet()) {
            Optional<String> m = mismatch(a.function(name), b.function(name), true);
            if (m.isPresent()) return Optional.of("in @" + name + ": " + m.get());
        }
        return Optional.empty();
    }

    /** Why two expressions differ (the first difference found), or empty if they are equal. */
    public static Optional<String> mismatch(Expr a, Expr b) { return mismatch(a, b, true); }

    private record Pair(Expr a, Expr b) {
    }

    /** The comparison; {@code mapAll} requires a one-to-one mapping of all nodes, otherwise only of vars. */
    public static Optional<String> mismatch(Expr a, Expr b, boolean mapAll) {
        Map<Expr, Expr> l2r = new IdentityHashMap<>();
        Map<Expr, Expr> r2l = new IdentityHashMap<>();
        Set<Pair> seen = new HashSet<>();
        ArrayDeque<Pair> work = new ArrayDeque<>();
        work.push(new Pair(a, b));
        while (!work.isEmpty()) {
            Pair p = work.pop();
            Expr x = p.a();
            Expr y = p.b();
            boolean mapped = mapAll || x instanceof Var || y instanceof Var;
            if (mapped) {
                Expr px = l2r.get(x);
                Expr py = r2l.get(y);
                if (px == y && py == x) continue;
                if (px != null || py != null) {
                    return Optional.of("sharing differs: " + describe(x) + " is matched with two different nodes"
                            + " (or two nodes are matched with " + describe(y) + ")");
                }
                l2r.put(x, y);
                r2l.put(y, x);
            } else if (!seen.add(p)) {
                continue;
            }
            String diff = headDiff(x, y);
            if (diff != null) return Optional.of(diff);
            List<Expr> cx = ExprVisitor.children(x);
            List<Expr> cy = ExprVisitor.children(y);
            for (int i = cx.size() - 1; i >= 0; i--) work.push(new Pair(cx.get(i), cy.get(i)));
        }
        return Optional.empty();
    }

    /** Differences in the node itself (not its children); children counts are checked here too. */
    private static String headDiff(Expr x, Expr y) {
        if (x.getClass() != y.getClass()) return describe(x) + " vs " + describe(y);
        if (!x.type().equals(y.type())) return "types differ: " + describe(x) + " vs " + describe(y);
        return switch (x) {
            case Var v -> null;
            case Constant c -> c.source().equals(((Constant) y).source()) ? null
                    : "constant data differs: " + describe(x) + " vs " + describe(y);
            case Call c -> {
                Call d = (Call) y;
                if (!c.op().equals(d.op())) yield "ops differ: " + describe(x) + " vs " + describe(y);
                if (!c.attrs().equals(d.attrs())) yield "attributes of " + c.op() + " differ: " + c.attrs() + " vs " + d.attrs();
                if (c.args().size() != d.args().size()) yield "argument counts differ: " + describe(x) + " vs " + describe(y);
                yield null;
            }
            case Tuple t -> t.size() == ((Tuple) y).size() ? null : "tuple sizes differ: " + describe(x) + " vs " + describe(y);
            case TupleGetItem g -> g.index() == ((TupleGetItem) y).index() ? null
                    : "tuple indices differ: ." + g.index() + " vs ." + ((TupleGetItem) y).index();
            case Function f -> {
                Function h = (Function) y;
                if (f.params().size() != h.params().size()) yield "parameter counts differ: " + describe(x) + " vs " + describe(y);
                if (!f.attrs().equals(h.attrs())) yield "function attributes differ: " + f.attrs() + " vs " + h.attrs();
                yield null;
            }
        };
    }

    private static String describe(Expr e) {
        return switch (e) {
            case Var v -> "var %" + v.name() + ": " + v.type();
            case Constant c -> "constant " + (c.name() != null ? c.name() + " " : "") + c.type() + " " + c.source().getClass().getSimpleName();
            case Call c -> c.op().name() + "(" + c.args().size() + " args): " + c.type();
            case Tuple t -> "tuple " + t.type();
            case TupleGetItem g -> "tuple field ." + g.index() + ": " + g.type();
            case Function f -> "function " + f.type();
        };
    }
}
