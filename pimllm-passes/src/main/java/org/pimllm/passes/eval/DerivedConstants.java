package org.pimllm.passes.eval;

import java.lang.ref.SoftReference;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.pimllm.ir.Call;
import org.pimllm.ir.Constant;
import org.pimllm.ir.Expr;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.TensorSource;
import org.pimllm.ir.eval.Interpreter;
import org.pimllm.ir.TensorType;
import org.pimllm.ir.text.AttrsCodec;
import org.pimllm.ir.text.Parser;

/**
 * Constants computed from other constants at compile time (folding, transposing or concatenating
 * weights, quantizing them). When every input holds real data the result is computed now; when an
 * input is synthetic or lazy (a LLaMA-7B-sized weight that must not be materialized by the
 * compiler) the result is a lazy constant computed when its data is first asked for, identified by
 * a key that spells out the computation ({@code transpose[axes=[1, 0]](synthetic:...)}), so that
 * structural equality and CSE treat two identical derivations as equal.
 */
public final class DerivedConstants {

    private DerivedConstants() {
    }

    /** The constant value of {@code c}, whose arguments must all be constants; named {@code name} (may be null). */
    public static Constant fold(Call c, String name) {
        List<Constant> args = new ArrayList<>();
        boolean allReal = true;
        for (Expr a : c.args()) {
            if (!(a instanceof Constant k)) throw new IllegalArgumentException("fold: argument " + a + " is not a constant");
            args.add(k);
            allReal &= k.isMaterialized();
        }
        Supplier<Tensor> compute = () -> Interpreter.compute(c, materialize(args)).tensor();
        if (allReal) return Constant.of(compute.get(), name);
        return lazy(c.tensorType(), key(c, args), compute, name);
    }

    /** A lazy constant computed by {@code compute} on first use (kept softly afterwards). */
    public static Constant lazy(org.pimllm.ir.TensorType type, String key, Supplier<Tensor> compute, String name) {
        return new Constant(type, new TensorSource.Lazy(key, memoized(compute)), name);
    }

    /** Real-data constants up to this many elements are spelled out in keys (scales, zero points). */
    private static final int SMALL = 16;

    private static String values(Tensor t) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < t.size(); i++) {
            sb.append(i > 0 ? " " : "");
            if (t.dtype().isFloat()) sb.append(t.getDouble(i)); else sb.append(t.getLong(i));
        }
        return sb.toString();
    }

    /** A text identifying the data of a constant: its content hash, its synthetic recipe or its lazy key. */
    public static String key(Constant k) {
        return switch (k.source()) {
            case TensorSource.Materialized m -> m.tensor().size() <= SMALL ? "tensor:" + k.type().shapeText() + k.type().dtype()
                    + ":" + values(m.tensor())
                    : "data:" + k.type().shapeText() + k.type().dtype() + ":" + Integer.toHexString(m.tensor().contentHash());
            case TensorSource.Synthetic s -> "synthetic:" + k.type().shapeText() + k.type().dtype() + ":" + s.seed() + ":"
                    + s.distribution().text() + ":" + s.scale();
            case TensorSource.Lazy l -> l.key();
        };
    }

    private static String key(Call c, List<Constant> args) {
        StringBuilder sb = new StringBuilder(c.op().name());
        if (c.attrs() instanceof Record r) sb.append("[").append(String.join(", ", AttrsCodec.format(r, null))).append("]");
        sb.append('(');
        for (int i = 0; i < args.size(); i++) sb.append(i > 0 ? ", " : "").append(key(args.get(i)));
        return sb.append(')').toString();
    }

    /**
     * A loader for lazy constants read back from text whose keys this class wrote: it recomputes a
     * derivation from its key (synthetic atoms are regenerated; ops are rebuilt by parsing
     * {@code op(args, attrs)} and evaluated with the op's compute function). Other keys go to
     * {@code fallback}. So a dumped module (e.g. after AdjustLayout on synthetic weights) parses
     * back with its data.
     */
    public static Parser.LazyResolver resolver(Parser.LazyResolver fallback) {
        return key -> derivable(key) ? memoized(() -> evaluate(key)) : fallback.loader(key);
    }

    private static boolean derivable(String key) {
        return key.startsWith("synthetic:") || key.startsWith("tensor:") || key.matches("[A-Za-z_][A-Za-z0-9_.]*\\[.*\\)");
    }

    private static Tensor evaluate(String key) {
        if (key.startsWith("synthetic:")) {
            // synthetic:(4, 6)float32:seed:dist:scale
            int close = key.indexOf(')');
            String shape = key.substring("synthetic:".length(), close + 1);
            String[] rest = key.substring(close + 1).split(":");
            TensorType type = parseType(shape, rest[0]);
            TensorSource.Synthetic src = new TensorSource.Synthetic(Long.parseLong(rest[1]),
                    TensorSource.Distribution.valueOf(rest[2].toUpperCase(java.util.Locale.ROOT)), Double.parseDouble(rest[3]));
            return src.materialize(type);
        }
        if (key.startsWith("tensor:")) {
            // tensor:(2)float32:0.5 0.25
            int close = key.indexOf(')');
            String[] rest = key.substring(close + 1).split(":", 2);
            TensorType type = parseType(key.substring("tensor:".length(), close + 1), rest[0]);
            String[] vs = rest[1].isEmpty() ? new String[0] : rest[1].split(" ");
            double[] d = new double[vs.length];
            for (int i = 0; i < vs.length; i++) d[i] = Double.parseDouble(vs[i]);
            return Tensor.fromDoubles(type.dtype(), d, type.shapeArray());
        }
        int open = key.indexOf('[');
        int attrsEnd = matching(key, open);
        String op = key.substring(0, open);
        String attrs = key.substring(open + 1, attrsEnd);
        List<String> argKeys = splitTop(key.substring(attrsEnd + 2, key.length() - 1));
        List<Tensor> args = new ArrayList<>();
        for (String k : argKeys) {
            if (!derivable(k)) throw new IllegalStateException("cannot recompute '" + k + "' inside derived constant '" + key + "'");
            args.add(evaluate(k));
        }
        if (op.equals("qnn.weight_scale")) {
            int axis = Integer.parseInt(attrs.replace("axis=", ""));
            return WeightScales.of(args.get(0), axis);
        }
        if (op.equals("qnn.int4_weight") || op.equals("qnn.int4_scale")) {
            int group = Integer.parseInt(attrs.replace("group=", ""));
            return op.equals("qnn.int4_weight") ? Int4Quant.effective(args.get(0), group) : Int4Quant.rowScales(args.get(0), group);
        }
        StringBuilder text = new StringBuilder("def @main(");
        for (int i = 0; i < args.size(); i++) text.append(i > 0 ? ", " : "").append("%a").append(i).append(": ").append(args.get(i).type());
        text.append(") {\n  ").append(op).append('(');
        for (int i = 0; i < args.size(); i++) text.append(i > 0 ? ", " : "").append("%a").append(i);
        if (!attrs.isEmpty()) text.append(args.isEmpty() ? "" : ", ").append(attrs);
        text.append(")\n}\n");
        Call c = (Call) Parser.parse(text.toString()).main().body();
        return Interpreter.compute(c, args).tensor();
    }

    private static TensorType parseType(String shape, String dtype) {
        String inner = shape.substring(1, shape.length() - 1).trim();
        List<Integer> dims = new ArrayList<>();
        if (!inner.isEmpty()) for (String d : inner.split(",")) if (!d.isBlank()) dims.add(Integer.parseInt(d.trim()));
        return new TensorType(dims, org.pimllm.ir.DType.parse(dtype));
    }

    /** Index of the bracket closing the one at {@code open}. */
    private static int matching(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '[' || ch == '(' || ch == '{') depth++;
            else if (ch == ']' || ch == ')' || ch == '}') {
                if (--depth == 0) return i;
            }
        }
        throw new IllegalStateException("unbalanced derived-constant key: " + s);
    }

    /** Splits at top-level ", " (outside brackets). */
    private static List<String> splitTop(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '[' || ch == '(' || ch == '{') depth++;
            else if (ch == ']' || ch == ')' || ch == '}') depth--;
            else if (ch == ',' && depth == 0) {
                out.add(s.substring(start, i).trim());
                start = i + 1;
            }
        }
        if (!s.isBlank()) out.add(s.substring(start).trim());
        return out;
    }

    private static List<Tensor> materialize(List<Constant> args) {
        List<Tensor> ts = new ArrayList<>(args.size());
        for (Constant k : args) ts.add(k.data());
        return ts;
    }

    private static Supplier<Tensor> memoized(Supplier<Tensor> compute) {
        return new Supplier<>() {
            private SoftReference<Tensor> cache = new SoftReference<>(null);

            @Override
            public synchronized Tensor get() {
                Tensor t = cache.get();
                if (t == null) {
                    t = compute.get();
                    cache = new SoftReference<>(t);
                }
                return t;
            }
        };
    }
}
