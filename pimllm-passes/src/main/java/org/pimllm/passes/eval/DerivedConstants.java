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
import org.pimllm.ir.eval.Kernels;
import org.pimllm.ir.text.AttrsCodec;

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
        Supplier<Tensor> compute = () -> Kernels.get(c.op()).apply(c, materialize(args)).tensor();
        if (allReal) return Constant.of(compute.get(), name);
        return lazy(c.tensorType(), key(c, args), compute, name);
    }

    /** A lazy constant computed by {@code compute} on first use (kept softly afterwards). */
    public static Constant lazy(org.pimllm.ir.TensorType type, String key, Supplier<Tensor> compute, String name) {
        return new Constant(type, new TensorSource.Lazy(key, memoized(compute)), name);
    }

    /** A text identifying the data of a constant: its content hash, its synthetic recipe or its lazy key. */
    public static String key(Constant k) {
        return switch (k.source()) {
            case TensorSource.Materialized m -> "data:" + k.type().shapeText() + k.type().dtype() + ":"
                    + Integer.toHexString(m.tensor().contentHash());
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
