package org.pimllm.ir.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pimllm.ir.Builder;
import org.pimllm.ir.Constant;
import org.pimllm.ir.DType;
import org.pimllm.ir.Expr;
import org.pimllm.ir.Function;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.TensorSource;
import org.pimllm.ir.TensorType;
import org.pimllm.ir.Var;
import org.pimllm.ir.attrs.LayerNormAttrs;
import org.pimllm.ir.attrs.RopeAttrs;

/**
 * Builds a random, well-typed module from a list of choices (so that jqwik can shrink a
 * failing case by shrinking the list). Covers every node kind, constants of every source and
 * dtype (with NaN, infinities, -0.0), odd names, nested functions and function attributes.
 */
final class GraphGen {

    private final List<Integer> choices;
    private int next;
    private final Builder b = new Builder(5);
    private final List<Expr> pool = new ArrayList<>();

    private GraphGen(List<Integer> choices) {
        this.choices = choices;
    }

    static IRModule module(List<Integer> choices) {
        return new GraphGen(choices).build();
    }

    private int pick(int n) {
        if (next >= choices.size()) return 0;
        return Math.floorMod(choices.get(next++), n);
    }

    private <T> T pick(List<T> xs) { return xs.get(pick(xs.size())); }

    private static final List<String> NAMES = List.of("x", "y", "0", "a.b", "", "x y", "w\"q", "名前", "_", "%", "x_1");
    private static final List<String> CONST_NAMES = List.of("wq", "a \"quoted\" name", "back\\slash", "*/ comment", "line\nbreak", "ü");
    private static final List<List<Integer>> SHAPES = List.of(List.of(2, 3), List.of(3), List.of(2, 3, 4), List.of(4, 4), List.of(1, 3));

    private IRModule build() {
        IRModule m = IRModule.of(function());
        if (pick(3) == 0) m = m.with("second", function());
        return m;
    }

    private Function function() {
        pool.clear();
        List<Var> params = new ArrayList<>();
        int n = 1 + pick(3);
        for (int i = 0; i < n; i++) {
            Var v = b.var(pick(NAMES), new TensorType(pick(SHAPES), DType.FP32));
            params.add(v);
            pool.add(v);
        }
        int steps = pick(12);
        for (int i = 0; i < steps; i++) step();
        Expr root;
        if (pick(2) == 0) {
            root = last();
        } else {
            List<Expr> fields = new ArrayList<>();
            int k = pick(4);
            for (int i = 0; i < k; i++) fields.add(pick(pool));
            if (pick(4) == 0) fields.add(nested());
            root = b.tuple(fields.toArray(Expr[]::new));
        }
        Map<String, String> attrs = pick(4) == 0 ? Map.of("Primitive", "1", "odd \"key\"", "v\\al") : Map.of();
        return new Function(params, root, null, attrs);
    }

    private Function nested() {
        Var p = b.var(pick(NAMES), TensorType.of(DType.FP32, 3));
        Expr body = b.add(p, b.sum(pickFloat(), false));
        return new Function(List.of(p), b.tuple(body, pick(pool)), null, Map.of("Composite", "k"));
    }

    private Expr last() { return pool.getLast(); }

    private Expr pickFloat() {
        List<Expr> fs = pool.stream().filter(e -> e.dtype() == DType.FP32).toList();
        return fs.isEmpty() ? pool.getFirst() : pick(fs);
    }

    private void step() {
        Expr a = pickFloat();
        int rank = a.tensorType().rank();
        Expr out = switch (pick(15)) {
            case 0 -> switch (pick(6)) {
                case 0 -> b.exp(a);
                case 1 -> b.tanh(a);
                case 2 -> b.negative(a);
                case 3 -> b.gelu(a);
                case 4 -> b.geluTanh(a);
                default -> b.sigmoid(a);
            };
            case 1 -> {
                if (rank == 0) yield b.add(a, a);
                List<Expr> same = pool.stream().filter(e -> e.type().equals(a.type())).toList();
                Expr other = pick(2) == 0 ? constant(TensorType.of(DType.FP32, a.tensorType().dim(-1))) : pick(same);
                yield switch (pick(3)) {
                    case 0 -> b.add(a, other);
                    case 1 -> b.multiply(a, other);
                    default -> b.subtract(other, a);
                };
            }
            case 2 -> b.reshape(a, -1);
            case 3 -> b.transpose(a);
            case 4 -> rank == 0 ? a : b.dense(a, constant(TensorType.of(DType.FP32, 1 + pick(3), a.tensorType().dim(-1))));
            case 5 -> rank == 0 ? a : b.concatenate(pick(rank), a, a);
            case 6 -> {
                if (rank == 0) yield a;
                int axis = pick(rank);
                Expr s = b.split(a, a.tensorType().dim(axis) % 2 == 0 ? 2 : 1, axis);
                yield b.get(s, 0);
            }
            case 7 -> rank == 0 ? a : b.mean(a, pick(2) == 0, pick(rank));
            case 8 -> b.cast(a, pick(List.of(DType.values())));
            case 9 -> rank == 0 ? a : b.slice(a, pick(rank), pick(5) - 2, pick(7) - 3);
            case 10 -> rank == 0 ? a : b.layerNorm(a, constant(TensorType.of(DType.FP32, a.tensorType().dim(-1))),
                    constant(TensorType.of(DType.FP32, a.tensorType().dim(-1))), new LayerNormAttrs(-1, 1e-5 * (1 + pick(3)), pick(2) == 0, true));
            case 11 -> b.dequantize(b.quantize(a, b.scalar(0.1f), b.scalar(DType.INT32, pick(5)), DType.INT8, -1),
                    b.scalar(0.1f), b.scalar(DType.INT32, 0), -1);
            case 12 -> rank == 0 ? a : a.tensorType().numElements() % 2 != 0 ? b.softmax(a, -1) : b.rotaryEmbedding(b.reshape(a, -1, 2),
                    new RopeAttrs(10000.0 + pick(3), pick(4), 0, pick(List.of(RopeAttrs.Style.values())), null));
            case 13 -> rank < 2 ? a : b.causalMask(a, pick(List.of(Double.NEGATIVE_INFINITY, -1e9, 0.0)), pick(3) - 1);
            default -> b.where(b.less(a, b.scalar(0f)), a, b.scalar(1.5f));
        };
        pool.add(out);
    }

    /** A constant of the given type from a random source. */
    private Constant constant(TensorType ty) {
        String name = pick(2) == 0 ? null : pick(CONST_NAMES);
        return switch (pick(4)) {
            case 0 -> b.constant(data(ty), name);
            case 1 -> Constant.synthetic(ty, pick(1000) - 500L, pick(List.of(TensorSource.Distribution.values())), pick(5) * 0.01, name);
            case 2 -> new Constant(ty, new TensorSource.Lazy("k" + pick(3), () -> Tensor.zeros(ty)), name);
            default -> b.constant(data(ty), name);
        };
    }

    private Tensor data(TensorType ty) {
        Tensor t = Tensor.zeros(ty);
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0.0f, Float.MIN_VALUE, Float.MAX_VALUE, 1e-7f, 0.1f};
        for (int i = 0; i < t.size(); i++) {
            t.floats()[i] = pick(3) == 0 ? specials[pick(specials.length)] : (pick(2001) - 1000) / 7f;
        }
        return t;
    }
}
