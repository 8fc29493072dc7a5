package org.pimllm.ir;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A hash consistent with {@link StructuralEqual} (both its modes): graphs that are equal up
 * to variable renaming hash the same. Variables hash by type and by the order in which they
 * first appear; everything else by its contents. Iterative, linear in the graph size.
 */
public final class StructuralHash {

    private StructuralHash() {
    }

    public static long hash(Expr root) {
        Map<Expr, Long> h = new IdentityHashMap<>();
        int varCount = 0;
        for (Expr e : ExprVisitor.postOrder(root)) {
            long x = switch (e) {
                case Var v -> mix(1, mix(v.type().hashCode(), varCount++));
                case Constant c -> mix(2, mix(c.type().hashCode(), c.source().hashCode()));
                case Call c -> mix(mix(3, c.op().name().hashCode()), mix(c.attrs().hashCode(), c.type().hashCode()));
                case Tuple t -> mix(4, t.size());
                case TupleGetItem g -> mix(5, g.index());
                case Function f -> mix(mix(6, f.params().size()), f.attrs().hashCode());
            };
            List<Expr> ch = ExprVisitor.children(e);
            for (Expr c : ch) x = mix(x, h.get(c));
            h.put(e, x);
        }
        return h.get(root);
    }

    public static long hash(IRModule m) {
        long x = 7;
        for (var e : m.functions().entrySet()) x = mix(x, mix(e.getKey().hashCode(), hash(e.getValue())));
        x = mix(x, m.attrs().hashCode());
        return x;
    }

    private static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
