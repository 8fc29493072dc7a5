package org.pimllm.ir;

import static org.pimllm.ir.OpPattern.BROADCAST;
import static org.pimllm.ir.OpPattern.COMM_REDUCE;
import static org.pimllm.ir.OpPattern.ELEMWISE;
import static org.pimllm.ir.OpPattern.INJECTIVE;
import static org.pimllm.ir.OpPattern.OPAQUE;
import static org.pimllm.ir.OpPattern.OUT_ELEMWISE_FUSABLE;

import java.util.List;
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
import org.pimllm.ir.eval.Compute;
import org.pimllm.ir.eval.OpSemantics;

/**
 * The built-in ops, each with its compute function from {@link OpSemantics}. Each is registered in the {@link OpRegistry} when this class is
 * initialized; compare a call's op with these constants ({@code call.is(Ops.DENSE)}).
 * docs/ir.md lists them with their attributes.
 */
public final class Ops {

    private Ops() {
    }

    // ---- GEMMs ----

    public static final Op DENSE = Op.define("nn.dense").args("data", "weight")
            .attrs(DenseAttrs.class, DenseAttrs.DEFAULT).relation(Relations::dense).pattern(OUT_ELEMWISE_FUSABLE)
            .describe("y = data x weight^T; weight is (units, in_features) as in PyTorch's Linear; out_dtype=int32 gives the int8 GEMM")
            .compute(OpSemantics::dense)
            .register();
    public static final Op MATMUL = Op.define("nn.matmul").args("a", "b")
            .attrs(MatmulAttrs.class, MatmulAttrs.MATMUL_DEFAULT).relation(Relations::matmul).pattern(OUT_ELEMWISE_FUSABLE)
            .describe("numpy/ONNX matmul (..., M, K) x (..., K, N) with broadcast batch dimensions")
            .compute(OpSemantics::matmul)
            .register();
    public static final Op BATCH_MATMUL = Op.define("nn.batch_matmul").args("a", "b")
            .attrs(MatmulAttrs.class, MatmulAttrs.BATCH_MATMUL_DEFAULT).relation(Relations::matmul).pattern(OUT_ELEMWISE_FUSABLE)
            .describe("batched a x b^T (transpose_b=true by default, as in Relay)")
            .compute(OpSemantics::matmul)
            .register();

    // ---- binary elementwise (numpy broadcasting) ----

    public static final Op ADD = binary("add", "lhs + rhs", OpSemantics::add);
    public static final Op SUBTRACT = binary("subtract", "lhs - rhs", OpSemantics::subtract);
    public static final Op MULTIPLY = binary("multiply", "lhs * rhs", OpSemantics::multiply);
    public static final Op DIVIDE = binary("divide", "lhs / rhs (integers: truncating)", OpSemantics::divide);
    public static final Op POWER = binary("power", "lhs ^ rhs", OpSemantics::power);
    public static final Op MAXIMUM = binary("maximum", "max(lhs, rhs)", OpSemantics::maximum);
    public static final Op MINIMUM = binary("minimum", "min(lhs, rhs)", OpSemantics::minimum);

    public static final Op EQUAL = compare("equal", OpSemantics::equal);
    public static final Op NOT_EQUAL = compare("not_equal", OpSemantics::notEqual);
    public static final Op LESS = compare("less", OpSemantics::less);
    public static final Op LESS_EQUAL = compare("less_equal", OpSemantics::lessEqual);
    public static final Op GREATER = compare("greater", OpSemantics::greater);
    public static final Op GREATER_EQUAL = compare("greater_equal", OpSemantics::greaterEqual);

    // ---- unary elementwise ----

    public static final Op NEGATIVE = unary("negative", "-x", false, OpSemantics::negative);
    public static final Op ABS = unary("abs", "|x|", false, OpSemantics::abs);
    public static final Op RELU = unary("nn.relu", "max(x, 0)", false, OpSemantics::relu);
    public static final Op SQRT = unary("sqrt", "square root", true, OpSemantics::sqrt);
    public static final Op RSQRT = unary("rsqrt", "1 / sqrt(x)", true, OpSemantics::rsqrt);
    public static final Op EXP = unary("exp", "e^x", true, OpSemantics::exp);
    public static final Op LOG = unary("log", "natural logarithm", true, OpSemantics::log);
    public static final Op ERF = unary("erf", "error function", true, OpSemantics::erf);
    public static final Op TANH = unary("tanh", "hyperbolic tangent", true, OpSemantics::tanh);
    public static final Op SIGMOID = unary("sigmoid", "1 / (1 + e^-x)", true, OpSemantics::sigmoid);
    public static final Op COS = unary("cos", "cosine", true, OpSemantics::cos);
    public static final Op SIN = unary("sin", "sine", true, OpSemantics::sin);
    public static final Op SILU = unary("nn.silu", "x * sigmoid(x) (SwiGLU in LLaMA)", true, OpSemantics::silu);
    public static final Op GELU = Op.define("nn.gelu").args("data")
            .attrs(GeluAttrs.class, GeluAttrs.ERF).relation(Relations::floatUnary).pattern(ELEMWISE)
            .describe("x * Phi(x); approximate=none (erf, BERT) or tanh (GPT-2)")
            .compute(OpSemantics::gelu).register();
    public static final Op CLIP = Op.define("clip").args("data")
            .attrs(ClipAttrs.class, null).relation(Relations::clip).pattern(ELEMWISE)
            .describe("min(max(x, a_min), a_max)")
            .compute(OpSemantics::clip).register();
    public static final Op CAST = Op.define("cast").args("data")
            .attrs(CastAttrs.class, null).relation(Relations::cast).pattern(ELEMWISE)
            .describe("convert to dtype (float to int truncates toward zero, saturating)")
            .compute(OpSemantics::cast).register();
    public static final Op WHERE = Op.define("where").args("condition", "x", "y")
            .relation(Relations::where).pattern(BROADCAST)
            .describe("condition ? x : y with numpy broadcasting")
            .compute(OpSemantics::where).register();

    // ---- normalization ----

    public static final Op SOFTMAX = Op.define("nn.softmax").args("data")
            .attrs(AxisAttrs.class, AxisAttrs.LAST).relation(Relations::softmax).pattern(COMM_REDUCE)
            .describe("softmax along axis")
            .compute(OpSemantics::softmax).register();
    public static final Op LOG_SOFTMAX = Op.define("nn.log_softmax").args("data")
            .attrs(AxisAttrs.class, AxisAttrs.LAST).relation(Relations::softmax).pattern(COMM_REDUCE)
            .describe("log of softmax along axis")
            .compute(OpSemantics::logSoftmax).register();
    public static final Op LAYER_NORM = Op.define("nn.layer_norm").args("data", "gamma", "beta")
            .attrs(LayerNormAttrs.class, LayerNormAttrs.DEFAULT).relation(Relations::layerNorm).pattern(COMM_REDUCE)
            .describe("(x - mean) / sqrt(var + epsilon) * gamma + beta along axis")
            .compute(OpSemantics::layerNorm).register();
    public static final Op RMS_NORM = Op.define("nn.rms_norm").args("data", "gamma")
            .attrs(RmsNormAttrs.class, RmsNormAttrs.DEFAULT).relation(Relations::rmsNorm).pattern(COMM_REDUCE)
            .describe("x / sqrt(mean(x^2) + epsilon) * gamma along axis (LLaMA)")
            .compute(OpSemantics::rmsNorm).register();

    // ---- reductions ----

    public static final Op SUM = reduce("sum", "sum over axes", Relations::reduce, OpSemantics::sum);
    public static final Op MEAN = reduce("mean", "mean over axes (floats)", Relations::mean, OpSemantics::mean);
    public static final Op MAX = reduce("max", "maximum over axes", Relations::reduce, OpSemantics::max);
    public static final Op MIN = reduce("min", "minimum over axes", Relations::reduce, OpSemantics::min);
    public static final Op ARGMAX = Op.define("argmax").args("data")
            .attrs(ArgReduceAttrs.class, ArgReduceAttrs.DEFAULT).relation(Relations::argReduce).pattern(COMM_REDUCE)
            .describe("index of the largest element along axis (int64)")
            .compute(OpSemantics::argmax).register();

    // ---- shape manipulation ----

    public static final Op RESHAPE = Op.define("reshape").args("data")
            .attrs(ShapeAttrs.class, null).relation(Relations::reshape).pattern(INJECTIVE)
            .describe("same elements, new shape (-1 inferred, 0 copies the input dimension)")
            .compute(OpSemantics::reshape).register();
    public static final Op TRANSPOSE = Op.define("transpose").args("data")
            .attrs(AxesAttrs.class, AxesAttrs.DEFAULT).relation(Relations::transpose).pattern(INJECTIVE)
            .describe("permute axes (no axes: reverse them)")
            .compute(OpSemantics::transpose).register();
    public static final Op CONCATENATE = Op.define("concatenate").variadicArgs(1, "data")
            .attrs(AxisAttrs.class, AxisAttrs.FIRST).relation(Relations::concatenate).pattern(INJECTIVE)
            .describe("join tensors along axis")
            .compute(OpSemantics::concatenate).register();
    public static final Op SPLIT = Op.define("split").args("data")
            .attrs(SplitAttrs.class, null).relation(Relations::split).pattern(INJECTIVE)
            .describe("split along axis into equal sections or at indices; returns a tuple")
            .compute(OpSemantics::split).register();
    public static final Op STRIDED_SLICE = Op.define("strided_slice").args("data")
            .attrs(StridedSliceAttrs.class, null).relation(Relations::stridedSlice).pattern(INJECTIVE)
            .describe("numpy slicing begin:end:stride on the given axes")
            .compute(OpSemantics::stridedSlice).register();
    public static final Op TAKE = Op.define("take").args("data", "indices")
            .attrs(AxisAttrs.class, AxisAttrs.FIRST).relation(Relations::take).pattern(INJECTIVE)
            .describe("gather along axis (embedding lookup: take(table, ids, axis=0))")
            .compute(OpSemantics::take).register();
    public static final Op BROADCAST_TO = Op.define("broadcast_to").args("data")
            .attrs(ShapeAttrs.class, null).relation(Relations::broadcastTo).pattern(BROADCAST)
            .describe("numpy broadcast to shape (ONNX Expand)")
            .compute(OpSemantics::broadcastTo).register();
    public static final Op EXPAND_DIMS = Op.define("expand_dims").args("data")
            .attrs(ExpandDimsAttrs.class, ExpandDimsAttrs.at(0)).relation(Relations::expandDims).pattern(INJECTIVE)
            .describe("insert num_newaxis size-1 axes at axis (ONNX Unsqueeze)")
            .compute(OpSemantics::reshape).register();
    public static final Op SQUEEZE = Op.define("squeeze").args("data")
            .attrs(AxesAttrs.class, AxesAttrs.DEFAULT).relation(Relations::squeeze).pattern(INJECTIVE)
            .describe("drop size-1 axes (no axes: all of them)")
            .compute(OpSemantics::reshape).register();
    public static final Op ARANGE = Op.define("arange").args()
            .attrs(ArangeAttrs.class, null).relation(Relations::arange).pattern(INJECTIVE)
            .describe("start, start+step, ... before stop (position ids)")
            .compute(OpSemantics::arange).register();

    // ---- transformer-specific ----

    public static final Op ROTARY_EMBEDDING = Op.define("nn.rotary_embedding").args("data")
            .attrs(RopeAttrs.class, RopeAttrs.DEFAULT).relation(Relations::rotaryEmbedding).pattern(INJECTIVE)
            .describe("rotary position embedding (RoPE) of queries/keys, positions from the seq axis")
            .compute(OpSemantics::rotaryEmbedding).register();
    public static final Op CAUSAL_MASK = Op.define("nn.causal_mask").args("data")
            .attrs(MaskAttrs.class, MaskAttrs.DEFAULT).relation(Relations::causalMask).pattern(INJECTIVE)
            .describe("scores[..., i, j] = fill_value where j > i + offset")
            .compute(OpSemantics::causalMask).register();
    public static final Op ATTENTION_MASK = Op.define("nn.attention_mask").args("data", "mask")
            .attrs(MaskAttrs.class, MaskAttrs.DEFAULT).relation(Relations::attentionMask).pattern(BROADCAST)
            .describe("scores = fill_value where the broadcast mask is 0 (padding masks)")
            .compute(OpSemantics::attentionMask).register();

    // ---- quantization (TVM QNN style) ----

    public static final Op QUANTIZE = Op.define("qnn.quantize").args("data", "scale", "zero_point")
            .attrs(QuantizeAttrs.class, QuantizeAttrs.INT8).relation(Relations::quantize).pattern(ELEMWISE)
            .describe("saturate(round(x / scale) + zero_point) as out_dtype; per-channel along axis")
            .compute(OpSemantics::quantize).register();
    public static final Op DEQUANTIZE = Op.define("qnn.dequantize").args("data", "scale", "zero_point")
            .attrs(AxisAttrs.class, AxisAttrs.LAST).relation(Relations::dequantize).pattern(ELEMWISE)
            .describe("(q - zero_point) * scale as float32; per-channel along axis")
            .compute(OpSemantics::dequantize).register();
    public static final Op REQUANTIZE = Op.define("qnn.requantize")
            .args("data", "input_scale", "input_zero_point", "output_scale", "output_zero_point")
            .attrs(RequantizeAttrs.class, RequantizeAttrs.INT8).relation(Relations::requantize).pattern(ELEMWISE)
            .describe("rescale int32 accumulators to out_dtype")
            .compute(OpSemantics::requantize).register();
    public static final Op QNN_DENSE = Op.define("qnn.dense").args("data", "weight", "data_zero_point", "weight_zero_point")
            .attrs(DenseAttrs.class, DenseAttrs.INT32_OUT).relation(Relations::qnnDense).pattern(OUT_ELEMWISE_FUSABLE)
            .describe("(data - data_zp) x (weight - weight_zp)^T for uint8/int8 operands, int32 output (ONNX MatMulInteger)")
            .compute(OpSemantics::qnnDense)
            .register();
    public static final Op DYNAMIC_QUANTIZE = Op.define("qnn.dynamic_quantize").args("data")
            .relation(Relations::dynamicQuantize).pattern(OPAQUE)
            .describe("ONNX DynamicQuantizeLinear: (uint8 data, float32 scale, uint8 zero_point) from the data's range")
            .compute(OpSemantics::dynamicQuantize)
            .register();

    private static final List<Op> ALL = List.of(DENSE, MATMUL, BATCH_MATMUL, ADD, SUBTRACT, MULTIPLY, DIVIDE, POWER,
            MAXIMUM, MINIMUM, EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL, NEGATIVE, ABS, RELU, SQRT, RSQRT,
            EXP, LOG, ERF, TANH, SIGMOID, COS, SIN, SILU, GELU, CLIP, CAST, WHERE, SOFTMAX, LOG_SOFTMAX, LAYER_NORM,
            RMS_NORM, SUM, MEAN, MAX, MIN, ARGMAX, RESHAPE, TRANSPOSE, CONCATENATE, SPLIT, STRIDED_SLICE, TAKE,
            BROADCAST_TO, EXPAND_DIMS, SQUEEZE, ARANGE, ROTARY_EMBEDDING, CAUSAL_MASK, ATTENTION_MASK, QUANTIZE,
            DEQUANTIZE, REQUANTIZE, QNN_DENSE, DYNAMIC_QUANTIZE);

    /** The built-in ops. */
    public static List<Op> all() { return ALL; }

    private static Op binary(String name, String doc, Compute compute) {
        return Op.define(name).args("lhs", "rhs").relation(Relations::broadcastBinary).pattern(BROADCAST)
                .describe(doc + " with numpy broadcasting").compute(compute).register();
    }

    private static Op compare(String name, Compute compute) {
        return Op.define(name).args("lhs", "rhs").relation(Relations::compare).pattern(BROADCAST)
                .describe("elementwise comparison with numpy broadcasting; bool output").compute(compute).register();
    }

    private static Op unary(String name, String doc, boolean floatOnly, Compute compute) {
        Op.Definition<NoAttrs> d = Op.define(name).args("data").pattern(ELEMWISE).describe(doc).compute(compute);
        return (floatOnly ? d.relation(Relations::floatUnary) : d.relation(Relations::identity)).register();
    }

    private static Op reduce(String name, String doc, TypeRelation<ReduceAttrs> rel, Compute compute) {
        return Op.define(name).args("data").attrs(ReduceAttrs.class, ReduceAttrs.DEFAULT).relation(rel)
                .pattern(COMM_REDUCE).describe(doc).compute(compute).register();
    }
}
