package org.pimllm.ir;

import java.util.ArrayList;
import java.util.List;

/**
 * Re-derives and checks every type in a module (the body of the InferType pass). Calls carry
 * their type from construction; this re-runs every op's type relation bottom-up, so types
 * given explicitly (the trusted 4-argument {@link Call} constructor) are verified and nodes
 * whose stored type is stale are rebuilt. Unchanged graphs come back as the same objects.
 */
public final class TypeInference {

    private TypeInference() {
    }

    /**
     * Checks all functions of {@code module}; also rejects free variables in global functions.
     *
     * @throws TypeCheckException naming the function, the op and the mismatch
     */
    public static IRModule infer(IRModule module) {
        return module.mapFunctions(f -> inferFunction(module, f));
    }

    private static Function inferFunction(IRModule module, Function f) {
        String where = "@" + nameOf(module, f);
        List<Var> free = new ArrayList<>(ExprVisitor.freeVars(f));
        if (!free.isEmpty()) {
            throw new TypeCheckException("in " + where + ": free variable(s) " + names(free)
                    + " are not parameters of the function");
        }
        try {
            return new Checker().mutateFunction(f);
        } catch (TypeCheckException e) {
            throw new TypeCheckException("in " + where + ": " + e.getMessage());
        }
    }

    /** Re-derives the types of one expression. */
    public static Expr infer(Expr e) {
        return new Checker().mutate(e);
    }

    private static String nameOf(IRModule m, Function f) {
        for (var e : m.functions().entrySet()) if (e.getValue() == f) return e.getKey();
        return "?";
    }

    private static String names(List<Var> vs) {
        StringBuilder sb = new StringBuilder();
        for (Var v : vs) sb.append(sb.isEmpty() ? "" : ", ").append('%').append(v.name());
        return sb.toString();
    }

    private static final class Checker extends ExprMutator {
        @Override
        protected Expr rewriteCall(Call c, List<Expr> args) {
            Type t = c.op().inferType(Call.argTypes(args), c.attrs());
            if (Call.sameObjects(c.args(), args) && t.equals(c.type())) return c;
            return new Call(c.op(), args, c.attrs(), t);
        }

        @Override
        protected Expr rewriteTuple(Tuple t, List<Expr> fields) {
            Tuple n = new Tuple(fields);
            if (Call.sameObjects(t.fields(), fields) && n.type().equals(t.type())) return t;
            return n;
        }

        @Override
        protected Expr rewriteTupleGetItem(TupleGetItem g, Expr tuple) {
            TupleGetItem n = new TupleGetItem(tuple, g.index());
            if (tuple == g.tuple() && n.type().equals(g.type())) return g;
            return n;
        }

        @Override
        protected Expr rewriteFunction(Function f, List<Var> params, Expr body) {
            if (Call.sameObjects(f.params(), params) && body == f.body() && f.retType().equals(body.type())) return f;
            return new Function(params, body, null, f.attrs());
        }
    }
}
