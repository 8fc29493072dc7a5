package org.pimllm.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A call of an op with arguments and typed attributes. The type is inferred from the op's
 * type relation when the call is built ({@code new Call(op, args, attrs)}), so an ill-typed
 * call cannot be created. The 4-argument constructor trusts a given non-null type (used when a
 * pass already knows it); {@link TypeInference} re-checks it.
 */
public record Call(Op op, List<Expr> args, Attrs attrs, Type type) implements Expr {

    public Call {
        Objects.requireNonNull(op, "op");
        args = List.copyOf(args);
        if (attrs == null) {
            attrs = op.defaultAttrs();
        }
        if (type == null) {
            type = op.inferType(argTypes(args), attrs);
        }
    }

    public Call(Op op, List<Expr> args, Attrs attrs) { this(op, args, attrs, null); }

    public Call(Op op, List<Expr> args) { this(op, args, null, null); }

    public Expr arg(int i) { return args.get(i); }

    /** The attributes as the op's attrs record type. */
    public <A extends Attrs> A attrs(Class<A> type) {
        if (!type.isInstance(attrs)) {
            throw new IllegalStateException(op.name() + " has attributes " + attrs.getClass().getSimpleName()
                    + ", not " + type.getSimpleName());
        }
        return type.cast(attrs);
    }

    /** True if this calls {@code o}. */
    public boolean is(Op o) { return op.equals(o); }

    /** Same op and attributes, new arguments (type re-inferred); returns this if the arguments are the same objects. */
    public Call withArgs(List<Expr> newArgs) {
        if (sameObjects(args, newArgs)) return this;
        return new Call(op, newArgs, attrs);
    }

    static List<Type> argTypes(List<Expr> args) {
        List<Type> ts = new ArrayList<>(args.size());
        for (Expr a : args) ts.add(Objects.requireNonNull(a, "call argument").type());
        return ts;
    }

    static boolean sameObjects(List<? extends Expr> a, List<? extends Expr> b) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) return false;
        }
        return true;
    }

    @Override
    public boolean equals(Object o) { return this == o; }

    @Override
    public int hashCode() { return System.identityHashCode(this); }

    @Override
    public String toString() { return op.name() + "(" + args.size() + " args, " + attrs + "): " + type; }
}
