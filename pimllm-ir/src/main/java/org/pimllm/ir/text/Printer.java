package org.pimllm.ir.text;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pimllm.ir.Call;
import org.pimllm.ir.Constant;
import org.pimllm.ir.DType;
import org.pimllm.ir.Expr;
import org.pimllm.ir.ExprVisitor;
import org.pimllm.ir.Function;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.TensorSource;
import org.pimllm.ir.Tuple;
import org.pimllm.ir.TupleGetItem;
import org.pimllm.ir.Var;

/**
 * Prints IR as a Relay-like listing. Every call, tuple and field access gets a binding
 * {@code %n = ...;} (so shared nodes are printed once), the function's result is the last
 * line; constants are references into the {@code #[metadata]} section (real data as values,
 * synthetic ones as seed/distribution/scale, lazy ones as their key); scalars are inline
 * ({@code 0.125f}, {@code 3i64}). {@link Parser#parse} reads the output back.
 *
 * <pre>
 * def @main(%x: Tensor[(128, 768), float32]) -&gt; Tensor[(128, 768), float32] {
 *   %0 = nn.dense(%x, meta[Constant][0] /* wq *&#47;) /* ty=Tensor[(128, 768), float32] *&#47;;
 *   nn.relu(%0) /* ty=Tensor[(128, 768), float32] *&#47;
 * }
 * </pre>
 */
public final class Printer {

    public static final String VERSION = "pimllm-ir/1";

    private final PrintOptions options;
    private final StringBuilder sb = new StringBuilder();
    private final Map<Constant, Integer> metaIndex = new IdentityHashMap<>();
    private final List<Constant> meta = new ArrayList<>();

    // per top-level function
    private Map<Expr, String> names;
    private Set<String> usedNames;
    private Map<Expr, Function> owner;
    private Set<Constant> sharedConstants = Set.of();
    private Expr top;
    private int counter;

    private Printer(PrintOptions options) {
        this.options = options;
    }

    public static String print(IRModule m) { return print(m, PrintOptions.FULL); }

    public static String print(IRModule m, PrintOptions options) {
        Printer p = new Printer(options);
        p.sb.append("#[version = \"").append(VERSION).append("\"]\n");
        if (!m.attrs().isEmpty()) {
            List<String> kv = new ArrayList<>();
            m.attrs().forEach((k, v) -> kv.add(k + "=" + AttrsCodec.formatValue(v)));
            p.sb.append("#[attributes = {").append(String.join(", ", kv)).append("}]\n");
        }
        for (var e : m.functions().entrySet()) {
            p.printGlobal(e.getKey(), e.getValue());
        }
        p.printMetadata();
        return p.sb.toString();
    }

    /** A single expression (for debugging and error messages), with its metadata. */
    public static String print(Expr e) {
        Printer p = new Printer(PrintOptions.SUMMARY);
        p.startFunction(e);
        if (e instanceof Function f) {
            p.sb.append("fn ").append(p.functionText(f, ""));
        } else {
            for (Var v : ExprVisitor.freeVars(e)) p.nameVar(v);
            p.printScope(null, e, "");
        }
        p.sb.append('\n');
        p.printMetadata();
        return p.sb.toString();
    }

    private void startFunction(Expr root) {
        names = new IdentityHashMap<>();
        usedNames = new HashSet<>();
        counter = 0;
        top = root;
        owner = computeOwners(root);
        sharedConstants = constantsUsedMoreThanOnce(root);
    }

    /**
     * Constants that are arguments of more than one node. They go to the metadata even when they are
     * scalars: an inline literal parses back as a new constant per use, which would lose the sharing.
     */
    private static Set<Constant> constantsUsedMoreThanOnce(Expr root) {
        Map<Constant, Integer> uses = new IdentityHashMap<>();
        for (Expr n : ExprVisitor.postOrder(root)) {
            List<Expr> children = switch (n) {
                case Call c -> c.args();
                case Tuple t -> t.fields();
                case TupleGetItem g -> List.of(g.tuple());
                case Function f -> List.of(f.body());
                default -> List.of();
            };
            for (Expr child : children) {
                if (child instanceof Constant c) uses.merge(c, 1, Integer::sum);
            }
        }
        Set<Constant> shared = Collections.newSetFromMap(new IdentityHashMap<>());
        uses.forEach((c, k) -> { if (k > 1) shared.add(c); });
        return shared;
    }

    private void printGlobal(String name, Function f) {
        startFunction(f);
        sb.append("def @").append(name);
        sb.append(functionText(f, ""));
        sb.append("\n\n");
    }

    /** {@code (%x: T, ...) -> R [attrs] {\n body \n}} at the given indentation. */
    private String functionText(Function f, String indent) {
        StringBuilder head = new StringBuilder("(");
        for (int i = 0; i < f.params().size(); i++) {
            Var v = f.params().get(i);
            if (i > 0) head.append(", ");
            head.append('%').append(nameVar(v)).append(": ").append(v.type());
        }
        head.append(") -> ").append(f.retType());
        if (!f.attrs().isEmpty()) {
            List<String> kv = new ArrayList<>();
            f.attrs().forEach((k, v) -> kv.add(Lexer.quote(k) + "=" + Lexer.quote(v)));
            head.append(" [").append(String.join(", ", kv)).append(']');
        }
        head.append(" {\n");
        StringBuilder saved = new StringBuilder(sb);
        sb.setLength(0);
        printScope(f == top ? null : f, f.body(), indent + "  ");
        String body = sb.toString();
        sb.setLength(0);
        sb.append(saved);
        return head + body + "\n" + indent + "}";
    }

    /** Bindings of the nodes owned by {@code scope} (null: the top-level function), then the result. */
    private void printScope(Function scope, Expr root, String indent) {
        for (Expr n : ExprVisitor.postOrder(root)) {
            if (n == root || n instanceof Var || n instanceof Constant || names.containsKey(n)) continue;
            if (owner.get(n) != scope) continue;
            String name = Integer.toString(counter++);
            sb.append(indent).append('%').append(name).append(" = ");
            if (n instanceof Function g) {
                sb.append("fn ").append(functionText(g, indent)).append(";\n");
            } else {
                sb.append(render(n)).append(typeComment(n)).append(";\n");
            }
            names.put(n, name);
        }
        sb.append(indent);
        if (root instanceof Function g) {
            sb.append("fn ").append(functionText(g, indent));
        } else if (root instanceof Var || root instanceof Constant || names.containsKey(root)) {
            sb.append(ref(root));
        } else {
            sb.append(render(root)).append(typeComment(root));
        }
    }

    private String typeComment(Expr n) {
        return options.showTypes() ? " /* ty=" + n.type() + " */" : "";
    }

    private String render(Expr n) {
        return switch (n) {
            case Call c -> {
                List<String> parts = new ArrayList<>();
                for (Expr a : c.args()) parts.add(ref(a));
                if (c.attrs() instanceof Record r) {
                    Object defaults = c.op().defaultAttrs();
                    parts.addAll(AttrsCodec.format(r, defaults instanceof Record d ? d : null));
                }
                yield c.op().name() + "(" + String.join(", ", parts) + ")";
            }
            case Tuple t -> {
                List<String> parts = new ArrayList<>();
                for (Expr f : t.fields()) parts.add(ref(f));
                yield "(" + String.join(", ", parts) + (parts.size() == 1 ? ",)" : ")");
            }
            case TupleGetItem g -> ref(g.tuple()) + "." + g.index();
            default -> ref(n);
        };
    }

    /** How an already-defined node is referred to. */
    private String ref(Expr n) {
        return switch (n) {
            case Var v -> "%" + nameVar(v);
            case Constant c -> constantRef(c);
            default -> {
                String name = names.get(n);
                if (name == null) throw new IllegalStateException("printer: node used before it was bound: " + n);
                yield "%" + name;
            }
        };
    }

    private String nameVar(Var v) {
        String name = names.get(v);
        if (name != null) return name;
        String base = v.name().replaceAll("[^A-Za-z0-9_]", "_");
        if (base.isEmpty() || base.chars().allMatch(Character::isDigit)) base = "v" + base;
        name = base;
        for (int i = 1; usedNames.contains(name); i++) name = base + "_" + i;
        usedNames.add(name);
        names.put(v, name);
        return name;
    }

    // ---- constants ----

    private String constantRef(Constant c) {
        String inline = sharedConstants.contains(c) ? null : inlineScalar(c);
        if (inline != null) return inline;
        Integer idx = metaIndex.get(c);
        if (idx == null) {
            idx = meta.size();
            meta.add(c);
            metaIndex.put(c, idx);
        }
        String ref = "meta[Constant][" + idx + "]";
        if (c.name() != null) ref += " /* " + c.name().replace("*/", "* /") + " */";
        return ref;
    }

    /** Literal text of an unnamed, materialized scalar, or null if it goes to the metadata. */
    static String inlineScalar(Constant c) {
        if (!c.type().isScalar() || c.name() != null || !(c.source() instanceof TensorSource.Materialized m)) return null;
        Tensor t = m.tensor();
        return switch (t.dtype()) {
            case FP32 -> Float.isFinite(t.floats()[0]) ? Float.toString(t.floats()[0]) + "f" : null;
            case INT32 -> Long.toString(t.getLong(0));
            case INT64 -> t.getLong(0) + "i64";
            case INT16 -> t.getLong(0) + "i16";
            case INT8 -> t.getLong(0) + "i8";
            case UINT8 -> t.getLong(0) + "u8";
            case BOOL -> t.getLong(0) != 0 ? "true" : "false";
            default -> null;
        };
    }

    private void printMetadata() {
        if (meta.isEmpty()) return;
        sb.append("#[metadata]\n");
        if (!options.showMetadata()) {
            sb.append("/* ").append(meta.size()).append(" constant(s) elided */\n");
            return;
        }
        for (int i = 0; i < meta.size(); i++) {
            Constant c = meta.get(i);
            sb.append("meta[Constant][").append(i).append("] = ");
            List<String> extra = new ArrayList<>();
            switch (c.source()) {
                case TensorSource.Materialized m when c.type().numElements() > options.maxDataElements() ->
                    sb.append("elided(").append(c.type()); // the parser names this entry if the text is loaded
                case TensorSource.Materialized m -> {
                    sb.append("tensor(").append(c.type()).append(", ");
                    appendValues(m.tensor());
                }
                case TensorSource.Synthetic s -> {
                    sb.append("synthetic(").append(c.type()).append(", ").append(s.distribution().text());
                    extra.add("seed=" + s.seed());
                    extra.add("scale=" + AttrsCodec.formatDouble(s.scale()));
                }
                case TensorSource.Lazy l -> {
                    sb.append("lazy(").append(c.type());
                    extra.add("key=" + Lexer.quote(l.key()));
                }
            }
            if (c.name() != null) extra.add("name=" + Lexer.quote(c.name()));
            for (String e : extra) sb.append(", ").append(e);
            sb.append(");\n");
        }
    }

    private void appendValues(Tensor t) {
        sb.append('[');
        int n = t.size();
        for (int i = 0; i < n; i++) {
            if (i > 0) sb.append(", ");
            if (t.dtype().isFloat()) {
                float f = t.dtype() == DType.FP32 ? t.floats()[i] : (float) t.getDouble(i);
                sb.append(Float.isFinite(f) ? Float.toString(f) : AttrsCodec.formatDouble(f));
            } else {
                sb.append(t.getLong(i));
            }
        }
        sb.append(']');
    }

    // ---- scopes of nested functions ----

    /**
     * The function each node must be printed in: the innermost nested function whose
     * parameters it depends on, or null for the top level. Only computed when the graph has
     * nested functions (rare), so ordinary graphs cost one scan.
     */
    private static Map<Expr, Function> computeOwners(Expr root) {
        List<Expr> order = ExprVisitor.postOrder(root instanceof Function f ? f.body() : root);
        Map<Expr, Function> result = new IdentityHashMap<>();
        boolean nested = false;
        for (Expr e : order) nested |= e instanceof Function;
        if (!nested) return result;
        Map<Var, Function> binderOf = new IdentityHashMap<>();
        for (Expr e : order) {
            if (e instanceof Function g) for (Var p : g.params()) binderOf.put(p, g);
        }
        Map<Expr, Set<Function>> deps = new IdentityHashMap<>();
        for (Expr e : order) {
            Set<Function> d = Collections.newSetFromMap(new IdentityHashMap<>());
            switch (e) {
                case Var v -> {
                    if (binderOf.containsKey(v)) d.add(binderOf.get(v));
                }
                case Function g -> {
                    d.addAll(deps.get(g.body()));
                    d.remove(g);
                }
                default -> {
                    for (Expr c : ExprVisitor.children(e)) d.addAll(deps.get(c));
                }
            }
            deps.put(e, d);
        }
        Map<Function, Integer> depth = new HashMap<>();
        for (Expr e : order) {
            Function best = null;
            int bestDepth = 0;
            for (Function g : deps.get(e)) {
                int dg = depth(g, deps, depth, 0);
                if (dg > bestDepth) {
                    best = g;
                    bestDepth = dg;
                }
            }
            if (best != null) result.put(e, best);
        }
        return result;
    }

    private static int depth(Function g, Map<Expr, Set<Function>> deps, Map<Function, Integer> memo, int guard) {
        Integer d = memo.get(g);
        if (d != null) return d;
        if (guard > 10_000) throw new IllegalStateException("printer: cyclic function nesting");
        int max = 0;
        for (Function h : deps.get(g)) max = Math.max(max, depth(h, deps, memo, guard + 1));
        memo.put(g, max + 1);
        return max + 1;
    }
}
