package org.pimllm.ir;

import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Visits every node of a graph once, children before parents (post-order). Override the
 * {@code visitX} hooks; the traversal itself is iterative, so graphs of any depth work.
 * Function parameters are visited before the function's body.
 */
public abstract class ExprVisitor {

    /** Visits all nodes reachable from {@code root}, each once. */
    public void visit(Expr root) {
        for (Expr e : postOrder(root)) {
            switch (e) {
                case Var v -> visitVar(v);
                case Constant c -> visitConstant(c);
                case Call c -> visitCall(c);
                case Tuple t -> visitTuple(t);
                case TupleGetItem g -> visitTupleGetItem(g);
                case Function f -> visitFunction(f);
            }
        }
    }

    protected void visitVar(Var v) {
    }

    protected void visitConstant(Constant c) {
    }

    protected void visitCall(Call c) {
    }

    protected void visitTuple(Tuple t) {
    }

    protected void visitTupleGetItem(TupleGetItem g) {
    }

    protected void visitFunction(Function f) {
    }

    /** Direct children of a node, in evaluation order (function: params, then body). */
    public static List<Expr> children(Expr e) {
        return switch (e) {
            case Var v -> List.of();
            case Constant c -> List.of();
            case Call c -> c.args();
            case Tuple t -> t.fields();
            case TupleGetItem g -> List.of(g.tuple());
            case Function f -> {
                List<Expr> l = new ArrayList<>(f.params());
                l.add(f.body());
                yield l;
            }
        };
    }

    /** All nodes reachable from {@code root}, each once, children before parents. Iterative. */
    public static List<Expr> postOrder(Expr root) {
        List<Expr> out = new ArrayList<>();
        Set<Expr> done = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<Expr> entered = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Expr> stack = new ArrayDeque<>();
        stack.push(root);
        while (!stack.isEmpty()) {
            Expr e = stack.peek();
            if (done.contains(e)) {
                stack.pop();
                continue;
            }
            if (entered.add(e)) {
                List<Expr> ch = children(e);
                for (int i = ch.size() - 1; i >= 0; i--) {
                    if (!done.contains(ch.get(i))) stack.push(ch.get(i));
                }
            } else {
                stack.pop();
                done.add(e);
                out.add(e);
            }
        }
        return out;
    }

    /** Number of distinct nodes reachable from {@code root}. */
    public static int countNodes(Expr root) { return postOrder(root).size(); }

    /** Vars used in {@code e} but not bound as parameters of a function inside it, in first-use order. */
    public static List<Var> freeVars(Expr e) {
        Set<Var> bound = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Expr> order = postOrder(e);
        for (Expr x : order) if (x instanceof Function f) bound.addAll(f.params());
        List<Var> free = new ArrayList<>();
        for (Expr x : order) if (x instanceof Var v && !bound.contains(v)) free.add(v);
        return free;
    }
}
