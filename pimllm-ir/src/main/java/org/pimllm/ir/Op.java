package org.pimllm.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.pimllm.ir.eval.Compute;

/**
 * An operator: name, argument names, attribute record type (with defaults), a type relation,
 * a pattern and its compute function (what it computes, as TVM's {@code FTVMCompute} attribute). Ops live in the {@link OpRegistry}; built-in ones are constants of {@link Ops}.
 * Other modules define theirs the same way:
 * <pre>{@code
 * public static final Op GEMM = Op.define("pim.gemm")
 *         .args("data", "weight").attrs(PimGemmAttrs.class, null)
 *         .pattern(OpPattern.OUT_ELEMWISE_FUSABLE).relation(MyRelations::gemm)
 *         .compute(MyOps::gemmCompute).register();
 * }</pre>
 * Ops compare by name.
 */
public final class Op {

    private final String name;
    private final List<String> argNames;
    private final boolean variadic;
    private final int minArgs;
    private final int optionalArgs;
    private final Class<? extends Attrs> attrsType;
    private final Attrs defaultAttrs;
    private final TypeRelation<? extends Attrs> relation;
    private final OpPattern pattern;
    private final String description;
    private final Compute compute;

    private Op(Definition<?> d) {
        this.name = d.name;
        this.argNames = List.copyOf(d.argNames);
        this.variadic = d.variadic;
        this.minArgs = d.minArgs;
        this.optionalArgs = d.optionalArgs;
        this.attrsType = d.attrsType;
        this.defaultAttrs = d.defaultAttrs;
        this.relation = d.relation;
        this.pattern = d.pattern;
        this.description = d.description;
        this.compute = d.compute;
    }

    /** Starts the definition of an op named {@code name} (e.g. {@code "nn.dense"}). */
    public static Definition<NoAttrs> define(String name) {
        return new Definition<>(name);
    }

    /** The registered op called {@code name}, or an error listing similar names. */
    public static Op get(String name) { return OpRegistry.get(name); }

    public String name() { return name; }

    public List<String> argNames() { return argNames; }

    /** True if the last declared argument repeats (e.g. {@code concatenate}). */
    public boolean isVariadic() { return variadic; }

    public Class<? extends Attrs> attrsType() { return attrsType; }

    /** Attributes used when none are given; null if the op's attributes are required. */
    public Attrs defaultAttrs() { return defaultAttrs; }

    public OpPattern pattern() { return pattern; }

    public String description() { return description; }

    /** True if the op has a compute function (every built-in op does). */
    public boolean hasCompute() { return compute != null; }

    /** The op's compute function: the one definition of what it computes; an error if it has none. */
    public Compute compute() {
        if (compute == null) {
            throw new IllegalArgumentException("op " + name + " has no compute function; give it one with"
                    + " Op.define(...).compute(...)");
        }
        return compute;
    }

    public String argName(int i) {
        if (i < argNames.size()) return argNames.get(i);
        if (variadic && !argNames.isEmpty()) return argNames.getLast() + "[" + i + "]";
        return "arg" + i;
    }

    /** How many trailing arguments may be left out (all together, see {@link Definition#optionalArgs}). */
    public int optionalArgs() { return optionalArgs; }

    /** Human-readable signature, e.g. {@code nn.dense(data, weight)} or {@code pim.gemm(a, b[, a_zp, b_zp])}. */
    public String signature() {
        StringBuilder sb = new StringBuilder(name).append('(');
        int required = argNames.size() - optionalArgs;
        for (int i = 0; i < argNames.size(); i++) {
            if (i == required && optionalArgs > 0) sb.append(i > 0 ? "[, " : "[");
            else if (i > 0) sb.append(", ");
            sb.append(argNames.get(i));
            if (variadic && i == argNames.size() - 1) sb.append("...");
        }
        if (optionalArgs > 0) sb.append(']');
        return sb.append(')').toString();
    }

    /**
     * Checks arity and attribute type, then runs the type relation.
     *
     * @throws TypeCheckException naming the op and the mismatch
     */
    public Type inferType(List<Type> argTypes, Attrs attrs) {
        int n = argTypes.size();
        int all = argNames.size();
        boolean arityOk = variadic ? n >= minArgs : n == all || (optionalArgs > 0 && n == all - optionalArgs);
        if (!arityOk) {
            String expected = variadic ? "at least " + minArgs
                    : optionalArgs > 0 ? (all - optionalArgs) + " or " + all : String.valueOf(all);
            throw new TypeCheckException(name + ": expected " + expected + " argument(s) " + signature() + " but got " + n);
        }
        Attrs a = attrs == null ? defaultAttrs : attrs;
        if (a == null) {
            throw new TypeCheckException(name + ": attributes " + attrsType.getSimpleName() + " are required");
        }
        if (!attrsType.isInstance(a)) {
            throw new TypeCheckException(name + ": expected attributes " + attrsType.getSimpleName()
                    + " but got " + a.getClass().getSimpleName());
        }
        return apply(relation, new Rel(this, argTypes), a);
    }

    @SuppressWarnings("unchecked")
    private static <A extends Attrs> Type apply(TypeRelation<A> rel, Rel r, Attrs attrs) {
        Type t = rel.infer(r, (A) attrs);
        if (t == null) throw new IllegalStateException(r.op().name + ": type relation returned null");
        return t;
    }

    @Override
    public boolean equals(Object o) { return o instanceof Op op && op.name.equals(name); }

    @Override
    public int hashCode() { return name.hashCode(); }

    @Override
    public String toString() { return name; }

    /** Fluent definition of an op; finish with {@link #register()}. */
    public static final class Definition<A extends Attrs> {
        private final String name;
        private List<String> argNames = new ArrayList<>();
        private boolean variadic;
        private int minArgs;
        private int optionalArgs;
        private Class<? extends Attrs> attrsType = NoAttrs.class;
        private Attrs defaultAttrs = NoAttrs.INSTANCE;
        private TypeRelation<? extends Attrs> relation;
        private OpPattern pattern = OpPattern.OPAQUE;
        private String description = "";
        private Compute compute;

        private Definition(String name) {
            this.name = Objects.requireNonNull(name);
            if (!name.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*")) {
                throw new IllegalArgumentException("op name '" + name + "' must be dotted identifiers like nn.dense");
            }
        }

        /** Fixed argument names. */
        public Definition<A> args(String... names) {
            this.argNames = List.of(names);
            this.variadic = false;
            this.optionalArgs = 0;
            return this;
        }

        /**
         * Trailing arguments after {@link #args} that are given all together or not at all (e.g. the zero
         * points of {@code pim.gemm}); the type relation sees how many were given ({@code Rel.size()}).
         */
        public Definition<A> optionalArgs(String... names) {
            if (variadic) throw new IllegalStateException("op " + name + ": a variadic op cannot have optional arguments");
            List<String> all = new ArrayList<>(argNames);
            all.addAll(List.of(names));
            this.argNames = List.copyOf(all);
            this.optionalArgs = names.length;
            return this;
        }

        /** Arguments whose last one repeats, with at least {@code min} arguments in total. */
        public Definition<A> variadicArgs(int min, String... names) {
            this.argNames = List.of(names);
            this.variadic = true;
            this.minArgs = min;
            return this;
        }

        /** The attribute record type and its default (null if attributes must be given). */
        @SuppressWarnings("unchecked")
        public <B extends Attrs> Definition<B> attrs(Class<B> type, B defaults) {
            if (!type.isRecord()) throw new IllegalArgumentException("attributes of " + name + " must be a record");
            this.attrsType = type;
            this.defaultAttrs = defaults;
            this.relation = null;
            return (Definition<B>) this;
        }

        public Definition<A> relation(TypeRelation<A> rel) {
            this.relation = rel;
            return this;
        }

        public Definition<A> pattern(OpPattern p) {
            this.pattern = p;
            return this;
        }

        /** What the op computes (optional: an op without one cannot be evaluated or folded). */
        public Definition<A> compute(Compute c) {
            this.compute = Objects.requireNonNull(c);
            return this;
        }

        public Definition<A> describe(String text) {
            this.description = text;
            return this;
        }

        /** Creates the op and registers it; an error if another op of that name exists. */
        public Op register() {
            if (relation == null) throw new IllegalStateException("op " + name + " needs a type relation");
            Op op = new Op(this);
            OpRegistry.register(op);
            return op;
        }
    }
}
