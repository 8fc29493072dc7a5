package org.pimllm.passes;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.pimllm.ir.Attrs;
import org.pimllm.ir.Call;
import org.pimllm.ir.Constant;
import org.pimllm.ir.DType;
import org.pimllm.ir.Expr;
import org.pimllm.ir.ExprMutator;
import org.pimllm.ir.ExprVisitor;
import org.pimllm.ir.Function;
import org.pimllm.ir.Ops;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.TensorType;
import org.pimllm.ir.TupleGetItem;
import org.pimllm.ir.attrs.AxesAttrs;
import org.pimllm.ir.attrs.AxisAttrs;
import org.pimllm.ir.attrs.CastAttrs;
import org.pimllm.ir.attrs.DenseAttrs;
import org.pimllm.ir.attrs.MatmulAttrs;
import org.pimllm.ir.attrs.QuantizeAttrs;
import org.pimllm.ir.attrs.ReduceAttrs;
import org.pimllm.ir.attrs.RequantizeAttrs;
import org.pimllm.passes.eval.DerivedConstants;
import org.pimllm.passes.eval.Int4Quant;
import org.pimllm.passes.eval.WeightScales;
import org.pimllm.passes.pim.GemmMatch;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.Layout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * fp32 GEMMs to int8, in one of two schemes ({@link Scheme}).
 *
 * <p>STATIC, like TVM's int8 flow (symmetric, zero points 0):
 * <ul>
 *   <li>constant weights: per-output-channel scales {@code s_w[n] = max|W[n,:]| / 127}, quantized at
 *       compile time (lazily for synthetic weights);</li>
 *   <li>activations: per-tensor scales {@code s = max|x| / 127}, from a calibration run over sample
 *       inputs ({@link Config#calibrate}) or from given ranges ({@link Config#ranges});</li>
 *   <li>the GEMM multiplies int8 x int8 into int32 ({@code out_dtype=int32});</li>
 *   <li>its result is dequantized with {@code s_a * s_w[n]} along the output channels; where a
 *       quantized result feeds another quantized GEMM through data movement only (reshape,
 *       transpose, split, ...), dequantize + quantize become one {@code qnn.requantize} and the
 *       data movement happens on int8.</li>
 * </ul>
 *
 * <p>DYNAMIC, like ONNX Runtime's dynamic quantization ({@link Config#dynamic}), needs no ranges:
 * <ul>
 *   <li>constant weights: per-output-channel int8 as above, stored (N, K);</li>
 *   <li>the A operand: {@code qnn.dynamic_quantize} (ONNX DynamicQuantizeLinear) at run time: uint8 with a
 *       scale and zero point from this batch's min and max;</li>
 *   <li>the GEMM is {@code qnn.dense(x_u8, w_s8, zp_x, 0)} into int32, dequantized with {@code s_x * s_w[n]};</li>
 *   <li>GEMMs of two activations (attention's batch matmuls) use symmetric int8 with a run-time scale
 *       {@code max|x| / 127} on both operands.</li>
 * </ul>
 * In both schemes {@link ActivationGemms#FP32} leaves the GEMMs of two activations in fp32.
 * Everything outside GEMMs (norms, softmax, activations, residual adds) stays fp32 on the host.
 */
public final class QuantizeInt8 {

    private static final Logger LOG = LoggerFactory.getLogger(QuantizeInt8.class);

    public static final String NAME = "QuantizeInt8";

    private QuantizeInt8() {
    }

    /** How activations are quantized. */
    public enum Scheme {
        /** Symmetric int8 with scales fixed at compile time (given or calibrated ranges). */
        STATIC,
        /** Scales (and for GEMMs with a constant weight, uint8 zero points) computed from each batch at run time. */
        DYNAMIC
    }

    /** What happens to GEMMs whose both operands are activations (attention's batch matmuls). */
    public enum ActivationGemms {
        /** Quantized like the other GEMMs, in the config's scheme. */
        QUANTIZED,
        /** Left in fp32. */
        FP32
    }

    /**
     * What to quantize and where activation ranges come from.
     *
     * @param scheme          static (compile-time ranges) or dynamic (run-time ranges) activations
     * @param activationGemms whether GEMMs of two activations are quantized too
     * @param defaultAbsMax   STATIC: range used for activations without a specific one (null: every activation needs one)
     * @param absMaxByGemm    STATIC: ranges of the A operand of GEMMs, by the GEMM's label (its weight's name)
     * @param runner          STATIC: executor for calibration (null: no calibration)
     * @param samples         STATIC: calibration inputs by parameter name (used with the runner)
     * @param int4Group       null: int8 weights; else STATIC only: constant 2-D weights of {@code nn.dense} and
     *                        {@code nn.matmul} become int4 weights (in an {@code nn.dense}) with an integer multiplier per group of this many K elements (32, 64 or 128;
     *                        {@link Int4Quant}); other GEMMs keep int8 weights
     */
    public record Config(Scheme scheme, ActivationGemms activationGemms, Double defaultAbsMax,
                         Map<String, Double> absMaxByGemm, CalibrationRunner runner, List<Map<String, Tensor>> samples,
                         Integer int4Group) {
        public Config(Scheme scheme, ActivationGemms activationGemms, Double defaultAbsMax,
                      Map<String, Double> absMaxByGemm, CalibrationRunner runner, List<Map<String, Tensor>> samples) {
            this(scheme, activationGemms, defaultAbsMax, absMaxByGemm, runner, samples, null);
        }

        public Config {
            if (int4Group != null) {
                GemmDType.int4(int4Group); // PGEMMlib's groups only (the error names them)
            }
            if (int4Group != null && scheme != Scheme.STATIC) {
                throw new IllegalArgumentException("int4 weights are built with static activation quantization only");
            }
            Objects.requireNonNull(scheme, "scheme");
            Objects.requireNonNull(activationGemms, "activationGemms");
            absMaxByGemm = Map.copyOf(absMaxByGemm);
            samples = List.copyOf(samples);
            if (runner != null && samples.isEmpty()) throw new IllegalArgumentException("calibration needs at least one sample");
            if (scheme == Scheme.DYNAMIC && (defaultAbsMax != null || !absMaxByGemm.isEmpty() || runner != null)) {
                throw new IllegalArgumentException("dynamic quantization computes activation ranges at run time;"
                        + " it takes no static ranges or calibration");
            }
        }

        /** One absolute range for every activation (e.g. from a previous calibration of the model). */
        public static Config ranges(double absMax) { return ranges(absMax, Map.of()); }

        /** Ranges per GEMM input, keyed by GEMM label, with a default for the rest. */
        public static Config ranges(double defaultAbsMax, Map<String, Double> byGemm) {
            return new Config(Scheme.STATIC, ActivationGemms.QUANTIZED, defaultAbsMax, byGemm, null, List.of());
        }

        /** Ranges observed by running {@code runner} on {@code samples} (max |x| over all samples). */
        public static Config calibrate(CalibrationRunner runner, List<Map<String, Tensor>> samples) {
            return new Config(Scheme.STATIC, ActivationGemms.QUANTIZED, null, Map.of(),
                    Objects.requireNonNull(runner, "runner"), samples);
        }

        /** Activations quantized at run time from each batch's range (no calibration). */
        public static Config dynamic(ActivationGemms activationGemms) {
            return new Config(Scheme.DYNAMIC, activationGemms, null, Map.of(), null, List.of());
        }

        /** The same config with GEMMs of two activations quantized or left fp32. */
        public Config withActivationGemms(ActivationGemms g) {
            return new Config(scheme, g, defaultAbsMax, absMaxByGemm, runner, samples, int4Group);
        }

        /** The same config with int4 weights in groups of {@code group} K elements (null: int8 weights). */
        public Config withInt4Weights(Integer group) {
            return new Config(scheme, activationGemms, defaultAbsMax, absMaxByGemm, runner, samples, group);
        }
    }

    /** The pass with a configuration (it is not in the registry's default form without one). */
    public static Pass pass(Config config) {
        return Pass.function(NAME, 0, List.of(), (f, m, ctx) -> quantize(f, config));
    }

    /** Pass option of the registry's form: the activation range of static quantization (no default: required). */
    public static final OptionKey<Double> ABS_MAX = OptionKey.of(NAME + ".abs_max", Double.class, null,
            "activation range |x| <= abs_max of static int8 quantization");

    /** The registry's form: ranges from the pass option {@link #ABS_MAX} (required). */
    public static Pass pass() {
        return Pass.function(NAME, 0, List.of(), (f, m, ctx) -> {
            Double absMax = ctx.get(ABS_MAX);
            if (absMax == null) {
                throw new IllegalArgumentException("QuantizeInt8 needs activation ranges: set the pass option"
                        + " QuantizeInt8.abs_max, or build the pass with QuantizeInt8.pass(Config) for calibration");
            }
            return quantize(f, Config.ranges(absMax));
        });
    }

    static Function quantize(Function f, Config config) {
        List<GemmMatch> gemms = new ArrayList<>();
        for (Expr e : ExprVisitor.postOrder(f)) {
            if (e instanceof Call c) GemmMatch.of(c).filter(g -> quantizable(g, config)).ifPresent(gemms::add);
        }
        if (gemms.isEmpty()) return f;
        Map<Expr, Double> absMax = config.scheme() == Scheme.STATIC ? ranges(f, gemms, config) : Map.of();
        Map<Call, GemmMatch> byCall = new IdentityHashMap<>();
        for (GemmMatch g : gemms) byCall.put(g.call(), g);
        Function q = new ExprMutator() {
            @Override
            protected Expr rewriteCall(Call c, List<Expr> args) {
                GemmMatch g = byCall.get(c);
                if (g == null) return c.withArgs(args);
                return config.scheme() == Scheme.STATIC ? quantizeGemm(g, args.get(0), args.get(1), absMax, config.int4Group())
                        : quantizeGemmDynamic(g, args.get(0), args.get(1));
            }
        }.mutateFunction(f);
        return config.scheme() == Scheme.STATIC ? fuseRequantize(q) : q;
    }

    /** An fp32 GEMM with an activation A that this config quantizes. */
    private static boolean quantizable(GemmMatch g, Config config) {
        if (g.dtype() != GemmDType.FP32 || g.a() instanceof Constant) return false;
        if (g.b() instanceof Constant w) {
            // qnn.dense takes a 2-D weight; a batched constant B stays fp32 in the dynamic scheme
            return config.scheme() == Scheme.STATIC || w.type().rank() == 2;
        }
        return config.activationGemms() == ActivationGemms.QUANTIZED;
    }

    // ---- ranges ----

    private static Map<Expr, Double> ranges(Function f, List<GemmMatch> gemms, Config config) {
        Map<Expr, Double> out = new IdentityHashMap<>();
        if (config.runner() != null) {
            Set<Expr> observe = new LinkedHashSet<>();
            for (GemmMatch g : gemms) {
                observe.add(g.a());
                if (!(g.b() instanceof Constant)) observe.add(g.b());
            }
            for (Map<String, Tensor> sample : config.samples()) {
                Map<Expr, Tensor> seen = config.runner().run(f, sample, observe);
                for (Expr e : observe) {
                    Tensor t = seen.get(e);
                    if (t == null) throw new IllegalStateException("calibration runner did not report an observed node");
                    out.merge(e, absMax(t), Math::max);
                }
            }
            LOG.debug("calibrated {} activation ranges over {} samples", out.size(), config.samples().size());
            return out;
        }
        for (GemmMatch g : gemms) {
            Double r = config.absMaxByGemm().getOrDefault(g.label(), config.defaultAbsMax());
            if (r == null) throw new IllegalArgumentException("no activation range for the input of GEMM " + g.label());
            out.merge(g.a(), r, Math::max);
            if (!(g.b() instanceof Constant)) out.merge(g.b(), r, Math::max);
        }
        return out;
    }

    static double absMax(Tensor t) {
        double m = 0;
        for (int i = 0; i < t.size(); i++) m = Math.max(m, Math.abs(t.getDouble(i)));
        return m;
    }

    // ---- rewriting one GEMM ----

    private static Expr quantizeGemm(GemmMatch g, Expr a, Expr b, Map<Expr, Double> absMax, Integer int4Group) {
        float sa = WeightScales.scaleOf(absMax.get(g.a()));
        Expr qa = quantize(a, sa);
        Expr qb;
        Constant deqScale;
        if (int4Group != null && (g.call().is(Ops.DENSE) || g.call().is(Ops.MATMUL)) && g.b() instanceof Constant w
                && w.type().rank() == 2) {
            // int4 weights held as their effective int16 values (N, K), in an nn.dense (a row-major (K, N) weight of
            // nn.matmul, e.g. GPT-2's Conv1D, transposed at compile time); dequantized per output channel with S_n
            Constant wNk = g.bLayout() == Layout.COL_MAJOR ? w
                    : DerivedConstants.fold(new Call(Ops.TRANSPOSE, List.of(w), new AxesAttrs(List.of(1, 0))),
                            w.name() == null ? null : w.name() + "_T");
            Constant sw = int4RowScales(wNk, int4Group);
            Call scale = new Call(Ops.MULTIPLY, List.of(Constant.scalar(sa), sw));
            Integer units = g.call().attrs() instanceof DenseAttrs d ? d.units() : null;
            Call acc = new Call(Ops.DENSE, List.of(qa, int4Weight(wNk, int4Group)), new DenseAttrs(units, DType.INT32, int4Group));
            return new Call(Ops.DEQUANTIZE, List.of(acc, DerivedConstants.fold(scale, null), zeroPoint()), new AxisAttrs(-1));
        }
        if (g.b() instanceof Constant w) {
            int channelAxis = w.type().rank() - (g.bLayout() == Layout.COL_MAJOR ? 2 : 1);
            Constant sw = weightScales(w, channelAxis);
            qb = int8Weight(w, sw, channelAxis);
            Call scale = new Call(Ops.MULTIPLY, List.of(Constant.scalar(sa), sw));
            deqScale = DerivedConstants.fold(scale, null);
        } else {
            float sb = WeightScales.scaleOf(absMax.get(g.b()));
            qb = quantize(b, sb);
            deqScale = Constant.scalar(sa * sb);
        }
        Call acc = new Call(g.call().op(), List.of(qa, qb), int32Attrs(g.call().attrs()));
        return new Call(Ops.DEQUANTIZE, List.of(acc, deqScale, zeroPoint()), new AxisAttrs(-1));
    }

    // ---- rewriting one GEMM, dynamic scheme ----

    private static Expr quantizeGemmDynamic(GemmMatch g, Expr a, Expr b) {
        if (g.b() instanceof Constant w) return dynamicDense(g, a, w);
        // two activations: symmetric int8 with run-time scales max|x| / 127 (nn.batch_matmul has no zero points)
        Expr sa = runTimeScale(a);
        Expr sb = runTimeScale(b);
        Call acc = new Call(g.call().op(), List.of(quantize(a, sa), quantize(b, sb)), int32Attrs(g.call().attrs()));
        return new Call(Ops.DEQUANTIZE, List.of(acc, new Call(Ops.MULTIPLY, List.of(sa, sb)), zeroPoint()), new AxisAttrs(-1));
    }

    /**
     * {@code A x W} with a constant 2-D W as ONNX Runtime's dynamic quantization computes it (and as the ONNX
     * importer imports DynamicQuantizeLinear + MatMulInteger): A to uint8 with this batch's scale and zero
     * point, W to per-output-channel int8 (N, K), {@code qnn.dense} with both zero points into int32.
     */
    private static Expr dynamicDense(GemmMatch g, Expr a, Constant w) {
        Constant wNk = g.bLayout() == Layout.COL_MAJOR ? w
                : DerivedConstants.fold(new Call(Ops.TRANSPOSE, List.of(w), new AxesAttrs(List.of(1, 0))),
                        w.name() == null ? null : w.name() + "_T");
        Constant sw = weightScales(wNk, 0);
        Constant wq = int8Weight(wNk, sw, 0);
        Call dq = new Call(Ops.DYNAMIC_QUANTIZE, List.of(a));
        Expr xq = new TupleGetItem(dq, 0);
        Expr sx = new TupleGetItem(dq, 1);
        Expr zx = new Call(Ops.CAST, List.of(new TupleGetItem(dq, 2)), new CastAttrs(DType.INT32));
        Call acc = new Call(Ops.QNN_DENSE, List.of(xq, wq, zx, zeroPoint()), DenseAttrs.INT32_OUT);
        return new Call(Ops.DEQUANTIZE, List.of(acc, new Call(Ops.MULTIPLY, List.of(sx, sw)), zeroPoint()), new AxisAttrs(-1));
    }

    /** {@code max(max|x|, tiny) / 127}: the symmetric int8 scale of {@code x}'s current values (never 0). */
    private static Expr runTimeScale(Expr x) {
        Call absMax = new Call(Ops.MAX, List.of(new Call(Ops.ABS, List.of(x))), ReduceAttrs.DEFAULT);
        Call floored = new Call(Ops.MAXIMUM, List.of(absMax, Constant.scalar(Float.MIN_NORMAL)));
        return new Call(Ops.DIVIDE, List.of(floored, Constant.scalar(127f)));
    }

    private static Call quantize(Expr x, Expr scale) {
        return new Call(Ops.QUANTIZE, List.of(x, scale, zeroPoint()), QuantizeAttrs.INT8);
    }

    private static Call quantize(Expr x, float scale) {
        return quantize(x, Constant.scalar(scale));
    }

    private static Constant zeroPoint() { return Constant.scalar(DType.INT32, 0); }

    private static Attrs int32Attrs(Attrs a) {
        return switch (a) {
            case DenseAttrs d -> new DenseAttrs(d.units(), DType.INT32);
            case MatmulAttrs m -> new MatmulAttrs(m.transposeA(), m.transposeB(), DType.INT32);
            default -> throw new IllegalStateException("unexpected GEMM attributes " + a);
        };
    }

    /** {@code w} quantized at compile time to int8 with per-channel {@code scales} along {@code axis}, named {@code <name>.int8}. */
    private static Constant int8Weight(Constant w, Constant scales, int axis) {
        Call q = new Call(Ops.QUANTIZE, List.of(w, scales, zeroPoint()), new QuantizeAttrs(axis, DType.INT8));
        return DerivedConstants.fold(q, w.name() == null ? null : w.name() + ".int8");
    }

    /** The effective int16 values of {@code w}'s int4 weights (N, K), named {@code <name>.int4}, lazy for synthetic weights. */
    private static Constant int4Weight(Constant w, int group) {
        TensorType type = TensorType.of(DType.INT16, w.type().dim(0), w.type().dim(1));
        java.util.function.Supplier<Tensor> compute = () -> Int4Quant.effective(w.data(), group);
        String name = w.name() == null ? null : w.name() + ".int4";
        if (w.isMaterialized()) return Constant.of(compute.get(), name);
        return DerivedConstants.lazy(type, "qnn.int4_weight[group=" + group + "](" + DerivedConstants.key(w) + ")", compute, name);
    }

    /** The per-output-channel scales S_n of {@code w}'s int4 weights. */
    private static Constant int4RowScales(Constant w, int group) {
        TensorType type = TensorType.of(DType.FP32, w.type().dim(0));
        java.util.function.Supplier<Tensor> compute = () -> Int4Quant.rowScales(w.data(), group);
        String name = w.name() == null ? null : w.name() + ".int4_scale";
        if (w.isMaterialized()) return Constant.of(compute.get(), name);
        return DerivedConstants.lazy(type, "qnn.int4_scale[group=" + group + "](" + DerivedConstants.key(w) + ")", compute, name);
    }

    /** Per-channel scales max|W| / 127 along {@code axis} of a weight (lazy for synthetic weights). */
    static Constant weightScales(Constant w, int axis) {
        TensorType type = TensorType.of(DType.FP32, w.type().dim(axis));
        java.util.function.Supplier<Tensor> compute = () -> WeightScales.of(w.data(), axis);
        String name = w.name() == null ? null : w.name() + ".scale";
        if (w.isMaterialized()) return Constant.of(compute.get(), name);
        return DerivedConstants.lazy(type, "qnn.weight_scale[axis=" + axis + "](" + DerivedConstants.key(w) + ")", compute, name);
    }

    // ---- requantize: dequantize -> data movement -> quantize becomes requantize -> data movement ----

    private static final Set<org.pimllm.ir.Op> MOVES = Set.of(Ops.RESHAPE, Ops.TRANSPOSE, Ops.EXPAND_DIMS, Ops.SQUEEZE,
            Ops.STRIDED_SLICE, Ops.SPLIT);

    static Function fuseRequantize(Function f) {
        return new ExprMutator() {
            @Override
            protected Expr rewriteCall(Call c, List<Expr> args) {
                Call nc = c.withArgs(args);
                if (!nc.is(Ops.QUANTIZE) || !(nc.arg(1) instanceof Constant s) || !s.type().isScalar()
                        || nc.attrs(QuantizeAttrs.class).outDtype() != DType.INT8) {
                    return nc;
                }
                Expr r = requantized(nc.arg(0), s, nc.arg(2));
                return r != null ? r : nc;
            }
        }.mutateFunction(f);
    }

    /** {@code x} rebuilt on int8 if it is data movement over a dequantize, else null. */
    private static Expr requantized(Expr x, Constant outScale, Expr outZp) {
        if (x instanceof Call c && c.is(Ops.DEQUANTIZE)) {
            return new Call(Ops.REQUANTIZE, List.of(c.arg(0), c.arg(1), c.arg(2), outScale, outZp),
                    new RequantizeAttrs(c.attrs(AxisAttrs.class).axis(), DType.INT8, RequantizeAttrs.Rounding.TONEAREST));
        }
        if (x instanceof Call c && MOVES.contains(c.op())) {
            Expr inner = requantized(c.arg(0), outScale, outZp);
            return inner == null ? null : new Call(c.op(), List.of(inner), c.attrs());
        }
        if (x instanceof TupleGetItem g) {
            Expr inner = requantized(g.tuple(), outScale, outZp);
            return inner == null ? null : new TupleGetItem(inner, g.index());
        }
        return null;
    }
}
