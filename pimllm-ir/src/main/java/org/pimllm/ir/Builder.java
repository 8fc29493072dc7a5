package org.pimllm.ir;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.pimllm.ir.TensorSource.Distribution;
import org.pimllm.ir.attrs.ArangeAttrs;
import org.pimllm.ir.attrs.ArgReduceAttrs;
import org.pimllm.ir.attrs.AxesAttrs;
import org.pimllm.ir.attrs.AxisAttrs;
import org.pimllm.ir.attrs.CastAttrs;
import org.pimllm.ir.attrs.ClipAttrs;
import org.pimllm.ir.attrs.DenseAttrs;
import org.pimllm.ir.attrs.ExpandDimsAttrs;
import org.pimllm.ir.attrs.GeluAttrs;
import org.pimllm.ir.attrs.LayerNormAttrs;
import org.pimllm.ir.attrs.MaskAttrs;
import org.pimllm.ir.attrs.MatmulAttrs;
import org.pimllm.ir.attrs.QuantizeAttrs;
import org.pimllm.ir.attrs.ReduceAttrs;
import org.pimllm.ir.attrs.RequantizeAttrs;
import org.pimllm.ir.attrs.RmsNormAttrs;
import org.pimllm.ir.attrs.RopeAttrs;
import org.pimllm.ir.attrs.ShapeAttrs;
import org.pimllm.ir.attrs.SplitAttrs;
import org.pimllm.ir.attrs.StridedSliceAttrs;

/**
 * Builds graphs so that model code reads like the model:
 * <pre>{@code
 * Builder b = new Builder(42);
 * Var x = b.var("x", DType.FP32, 128, 768);
 * Expr h = b.layerNorm(x, b.ones("ln.gamma", 768), b.zeros("ln.beta", 768), 1e-12);
 * Expr q = b.dense(h, b.weight("wq", 768, 768));
 * IRModule m = b.module(b.function(b.softmax(q, -1), x));
 * }</pre>
 * Every call is type-checked as it is built, so a shape error points at the model line that
 * caused it. Synthetic weights get a seed derived from the builder's seed and their name, so
 * the same model code always yields the same weights.
 */
public class Builder {

    private final long seed;

    /** A builder whose synthetic weights derive from {@code seed}. */
    public Builder(long seed) {
        this.seed = seed;
    }

    public Builder() {
        this(0);
    }

    public long seed() { return seed; }

    // ---- leaves ----

    public Var var(String name, Type type) { return new Var(name, type); }

    public Var var(String name, DType dtype, int... shape) { return new Var(name, TensorType.of(dtype, shape)); }

    public Constant constant(Tensor data) { return Constant.of(data); }

    public Constant constant(Tensor data, String name) { return Constant.of(data, name); }

    public Constant scalar(float value) { return Constant.scalar(value); }

    public Constant scalar(DType dtype, double value) { return Constant.scalar(dtype, value); }

    /** A synthetic constant whose seed is derived from this builder's seed and {@code name}. */
    public Constant synthetic(String name, TensorType type, Distribution dist, double scale) {
        return Constant.synthetic(type, seedFor(name), dist, scale, name);
    }

    /** A synthetic float32 weight ~ N(0, 0.02^2) (the usual transformer initialization). */
    public Constant weight(String name, int... shape) {
        return synthetic(name, TensorType.of(DType.FP32, shape), Distribution.NORMAL, 0.02);
    }

    /** A synthetic weight of any dtype and distribution. */
    public Constant weight(String name, TensorType type, Distribution dist, double scale) {
        return synthetic(name, type, dist, scale);
    }

    /** A float32 constant filled with ones (synthetic, costs no memory until used). */
    public Constant ones(String name, int... shape) {
        return synthetic(name, TensorType.of(DType.FP32, shape), Distribution.FILL, 1.0);
    }

    /** A float32 constant filled with zeros (synthetic). */
    public Constant zeros(String name, int... shape) {
        return synthetic(name, TensorType.of(DType.FP32, shape), Distribution.FILL, 0.0);
    }

    /** 64-bit FNV-1a of the name, mixed with the builder seed. */
    public long seedFor(String name) {
        long h = 0xcbf29ce484222325L ^ seed;
        for (byte c : name.getBytes(StandardCharsets.UTF_8)) {
            h ^= c & 0xFF;
            h *= 0x100000001b3L;
        }
        return h;
    }

    // ---- generic ----

    public Call call(Op op, Attrs attrs, Expr... args) { return new Call(op, List.of(args), attrs); }

    public Call call(Op op, Expr... args) { return new Call(op, List.of(args), null); }

    public Tuple tuple(Expr... fields) { return new Tuple(List.of(fields)); }

    public TupleGetItem get(Expr tuple, int index) { return new TupleGetItem(tuple, index); }

    /** One {@link TupleGetItem} per field of a tuple-typed expression. */
    public List<Expr> unpack(Expr tuple) {
        if (!(tuple.type() instanceof TupleType tt)) {
            throw new TypeCheckException("cannot unpack an expression of type " + tuple.type() + ": not a tuple");
        }
        List<Expr> out = new ArrayList<>(tt.size());
        for (int i = 0; i < tt.size(); i++) out.add(new TupleGetItem(tuple, i));
        return out;
    }

    public Function function(List<Var> params, Expr body) { return new Function(params, body); }

    public Function function(Expr body, Var... params) { return new Function(List.of(params), body); }

    /** A module whose {@code main} is {@code main}. */
    public IRModule module(Function main) { return IRModule.of(main); }

    // ---- GEMMs ----

    /** x W^T with W of shape (units, in_features). */
    public Call dense(Expr x, Expr w) { return call(Ops.DENSE, DenseAttrs.DEFAULT, x, w); }

    public Call dense(Expr x, Expr w, DType outDtype) { return call(Ops.DENSE, new DenseAttrs(null, outDtype), x, w); }

    public Call dense(Expr x, Expr w, DenseAttrs attrs) { return call(Ops.DENSE, attrs, x, w); }

    /** dense(x, w) + bias. */
    public Call linear(Expr x, Expr w, Expr bias) { return add(dense(x, w), bias); }

    /** int8 x int8 dense with int32 accumulation/output. */
    public Call denseInt8(Expr x, Expr w) { return call(Ops.DENSE, DenseAttrs.INT32_OUT, x, w); }

    public Call matmul(Expr a, Expr b) { return call(Ops.MATMUL, MatmulAttrs.MATMUL_DEFAULT, a, b); }

    public Call matmul(Expr a, Expr b, boolean transposeA, boolean transposeB) {
        return call(Ops.MATMUL, new MatmulAttrs(transposeA, transposeB, null), a, b);
    }

    /** a[b] x w[b]^T (Relay's default). */
    public Call batchMatmul(Expr a, Expr b) { return call(Ops.BATCH_MATMUL, MatmulAttrs.BATCH_MATMUL_DEFAULT, a, b); }

    public Call batchMatmul(Expr a, Expr b, boolean transposeA, boolean transposeB) {
        return call(Ops.BATCH_MATMUL, new MatmulAttrs(transposeA, transposeB, null), a, b);
    }

    // ---- elementwise ----

    public Call add(Expr a, Expr b) { return call(Ops.ADD, a, b); }

    public Call subtract(Expr a, Expr b) { return call(Ops.SUBTRACT, a, b); }

    public Call multiply(Expr a, Expr b) { return call(Ops.MULTIPLY, a, b); }

    public Call divide(Expr a, Expr b) { return call(Ops.DIVIDE, a, b); }

    public Call power(Expr a, Expr b) { return call(Ops.POWER, a, b); }

    public Call maximum(Expr a, Expr b) { return call(Ops.MAXIMUM, a, b); }

    public Call minimum(Expr a, Expr b) { return call(Ops.MINIMUM, a, b); }

    public Call equal(Expr a, Expr b) { return call(Ops.EQUAL, a, b); }

    public Call notEqual(Expr a, Expr b) { return call(Ops.NOT_EQUAL, a, b); }

    public Call less(Expr a, Expr b) { return call(Ops.LESS, a, b); }

    public Call lessEqual(Expr a, Expr b) { return call(Ops.LESS_EQUAL, a, b); }

    public Call greater(Expr a, Expr b) { return call(Ops.GREATER, a, b); }

    public Call greaterEqual(Expr a, Expr b) { return call(Ops.GREATER_EQUAL, a, b); }

    public Call negative(Expr x) { return call(Ops.NEGATIVE, x); }

    public Call abs(Expr x) { return call(Ops.ABS, x); }

    public Call relu(Expr x) { return call(Ops.RELU, x); }

    public Call sqrt(Expr x) { return call(Ops.SQRT, x); }

    public Call rsqrt(Expr x) { return call(Ops.RSQRT, x); }

    public Call exp(Expr x) { return call(Ops.EXP, x); }

    public Call log(Expr x) { return call(Ops.LOG, x); }

    public Call erf(Expr x) { return call(Ops.ERF, x); }

    public Call tanh(Expr x) { return call(Ops.TANH, x); }

    public Call sigmoid(Expr x) { return call(Ops.SIGMOID, x); }

    public Call cos(Expr x) { return call(Ops.COS, x); }

    public Call sin(Expr x) { return call(Ops.SIN, x); }

    public Call silu(Expr x) { return call(Ops.SILU, x); }

    /** Exact (erf) GELU, as in BERT. */
    public Call gelu(Expr x) { return call(Ops.GELU, GeluAttrs.ERF, x); }

    /** tanh-approximated GELU, as in GPT-2. */
    public Call geluTanh(Expr x) { return call(Ops.GELU, GeluAttrs.TANH, x); }

    public Call clip(Expr x, double min, double max) { return call(Ops.CLIP, new ClipAttrs(min, max), x); }

    public Call cast(Expr x, DType dtype) { return call(Ops.CAST, new CastAttrs(dtype), x); }

    public Call where(Expr cond, Expr x, Expr y) { return call(Ops.WHERE, cond, x, y); }

    // ---- normalization ----

    public Call softmax(Expr x, int axis) { return call(Ops.SOFTMAX, new AxisAttrs(axis), x); }

    public Call logSoftmax(Expr x, int axis) { return call(Ops.LOG_SOFTMAX, new AxisAttrs(axis), x); }

    /** Layer norm over the last axis. */
    public Call layerNorm(Expr x, Expr gamma, Expr beta, double eps) {
        return call(Ops.LAYER_NORM, LayerNormAttrs.eps(eps), x, gamma, beta);
    }

    public Call layerNorm(Expr x, Expr gamma, Expr beta, LayerNormAttrs attrs) {
        return call(Ops.LAYER_NORM, attrs, x, gamma, beta);
    }

    /** RMS norm over the last axis. */
    public Call rmsNorm(Expr x, Expr gamma, double eps) {
        return call(Ops.RMS_NORM, new RmsNormAttrs(-1, eps), x, gamma);
    }

    // ---- reductions ----

    public Call sum(Expr x, boolean keepdims, int... axes) { return call(Ops.SUM, reduceAttrs(keepdims, axes), x); }

    public Call mean(Expr x, boolean keepdims, int... axes) { return call(Ops.MEAN, reduceAttrs(keepdims, axes), x); }

    public Call max(Expr x, boolean keepdims, int... axes) { return call(Ops.MAX, reduceAttrs(keepdims, axes), x); }

    public Call min(Expr x, boolean keepdims, int... axes) { return call(Ops.MIN, reduceAttrs(keepdims, axes), x); }

    public Call argmax(Expr x, int axis) { return call(Ops.ARGMAX, new ArgReduceAttrs(axis, false), x); }

    private static ReduceAttrs reduceAttrs(boolean keepdims, int[] axes) {
        return new ReduceAttrs(axes.length == 0 ? null : boxed(axes), keepdims);
    }

    // ---- shapes ----

    public Call reshape(Expr x, int... shape) { return call(Ops.RESHAPE, new ShapeAttrs(boxed(shape)), x); }

    /** Permute axes; no axes reverses them. */
    public Call transpose(Expr x, int... axes) {
        return call(Ops.TRANSPOSE, new AxesAttrs(axes.length == 0 ? null : boxed(axes)), x);
    }

    public Call concatenate(int axis, Expr... xs) { return call(Ops.CONCATENATE, new AxisAttrs(axis), xs); }

    public Call concatenate(List<? extends Expr> xs, int axis) {
        return new Call(Ops.CONCATENATE, List.copyOf(xs), new AxisAttrs(axis));
    }

    /** Split into {@code sections} equal parts (a tuple; see {@link #unpack}). */
    public Call split(Expr x, int sections, int axis) { return call(Ops.SPLIT, SplitAttrs.sections(sections, axis), x); }

    /** Split at the given points (a tuple; see {@link #unpack}). */
    public Call splitAt(Expr x, List<Integer> indices, int axis) {
        return call(Ops.SPLIT, SplitAttrs.indices(indices, axis), x);
    }

    public Call stridedSlice(Expr x, List<Integer> begin, List<Integer> end, List<Integer> strides, List<Integer> axes) {
        return call(Ops.STRIDED_SLICE, new StridedSliceAttrs(begin, end, strides, axes), x);
    }

    /** x[..., begin:end, ...] along one axis. */
    public Call slice(Expr x, int axis, int begin, int end) {
        return stridedSlice(x, List.of(begin), List.of(end), null, List.of(axis));
    }

    public Call take(Expr data, Expr indices, int axis) { return call(Ops.TAKE, new AxisAttrs(axis), data, indices); }

    /** Embedding lookup: rows of {@code table} selected by {@code ids}. */
    public Call embedding(Expr table, Expr ids) { return take(table, ids, 0); }

    public Call broadcastTo(Expr x, int... shape) { return call(Ops.BROADCAST_TO, new ShapeAttrs(boxed(shape)), x); }

    /** ONNX Expand: broadcast x against {@code shape} (the result is their numpy broadcast). */
    public Call expand(Expr x, int... shape) {
        List<Integer> s = Relations.broadcastOrNull(x.shape(), boxed(shape));
        if (s == null) {
            throw new TypeCheckException("broadcast_to: cannot expand " + x.type() + " to " + Arrays.toString(shape));
        }
        return call(Ops.BROADCAST_TO, new ShapeAttrs(s), x);
    }

    public Call expandDims(Expr x, int axis) { return call(Ops.EXPAND_DIMS, ExpandDimsAttrs.at(axis), x); }

    public Call expandDims(Expr x, int axis, int count) { return call(Ops.EXPAND_DIMS, new ExpandDimsAttrs(axis, count), x); }

    /** Drop size-1 axes (no axes: all of them). */
    public Call squeeze(Expr x, int... axes) {
        return call(Ops.SQUEEZE, new AxesAttrs(axes.length == 0 ? null : boxed(axes)), x);
    }

    public Call arange(double start, double stop, double step, DType dtype) {
        return call(Ops.ARANGE, new ArangeAttrs(start, stop, step, dtype));
    }

    // ---- transformer-specific ----

    public Call rotaryEmbedding(Expr x, RopeAttrs attrs) { return call(Ops.ROTARY_EMBEDDING, attrs, x); }

    /** RoPE with theta 10000 (half-rotation style) on (..., seq, heads, head_dim) data. */
    public Call rotaryEmbedding(Expr x) { return call(Ops.ROTARY_EMBEDDING, RopeAttrs.DEFAULT, x); }

    public Call causalMask(Expr scores) { return call(Ops.CAUSAL_MASK, MaskAttrs.DEFAULT, scores); }

    public Call causalMask(Expr scores, double fillValue, int offset) {
        return call(Ops.CAUSAL_MASK, new MaskAttrs(fillValue, offset), scores);
    }

    public Call attentionMask(Expr scores, Expr mask) { return call(Ops.ATTENTION_MASK, MaskAttrs.DEFAULT, scores, mask); }

    // ---- quantization ----

    public Call quantize(Expr x, Expr scale, Expr zeroPoint, DType outDtype, int axis) {
        return call(Ops.QUANTIZE, new QuantizeAttrs(axis, outDtype), x, scale, zeroPoint);
    }

    public Call dequantize(Expr q, Expr scale, Expr zeroPoint, int axis) {
        return call(Ops.DEQUANTIZE, new AxisAttrs(axis), q, scale, zeroPoint);
    }

    public Call requantize(Expr x, Expr inScale, Expr inZeroPoint, Expr outScale, Expr outZeroPoint, DType outDtype, int axis) {
        return call(Ops.REQUANTIZE, new RequantizeAttrs(axis, outDtype, RequantizeAttrs.Rounding.TONEAREST),
                x, inScale, inZeroPoint, outScale, outZeroPoint);
    }

    /** (x - xZeroPoint) x (w - wZeroPoint)^T for uint8/int8 operands, int32 output. */
    public Call qnnDense(Expr x, Expr w, Expr xZeroPoint, Expr wZeroPoint) {
        return call(Ops.QNN_DENSE, DenseAttrs.INT32_OUT, x, w, xZeroPoint, wZeroPoint);
    }

    public Call dynamicQuantize(Expr x) { return call(Ops.DYNAMIC_QUANTIZE, x); }

    private static List<Integer> boxed(int[] xs) {
        List<Integer> l = new ArrayList<>(xs.length);
        for (int x : xs) l.add(x);
        return l;
    }
}
