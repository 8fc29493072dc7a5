package org.pimllm.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pimllm.ir.attrs.DenseAttrs;
import org.pimllm.ir.attrs.LayerNormAttrs;
import org.pimllm.ir.attrs.MaskAttrs;
import org.pimllm.ir.attrs.RopeAttrs;
import org.pimllm.ir.attrs.SplitAttrs;

/** One block per op: the inferred type of a valid call, then the errors of invalid ones. */
class TypeRelationTest {

    private final Builder b = new Builder(1);

    private static TensorType f32(int... s) { return TensorType.of(DType.FP32, s); }

    private static TensorType t(DType d, int... s) { return TensorType.of(d, s); }

    private Var v(String name, TensorType t) { return b.var(name, t); }

    private Var v(TensorType t) { return b.var("x", t); }

    /** Asserts a type error whose message contains all fragments. */
    private static void fails(Runnable r, String... fragments) {
        TypeCheckException e = assertThrows(TypeCheckException.class, r::run);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should contain '" + f + "'");
        }
    }

    @Test
    void dense() {
        assertEquals(f32(128, 3072), b.dense(v(f32(128, 768)), v(f32(3072, 768))).type());
        assertEquals(f32(2, 128, 64), b.dense(v(f32(2, 128, 768)), v(f32(64, 768))).type());
        assertEquals(t(DType.INT32, 128, 64), b.denseInt8(v(t(DType.INT8, 128, 768)), v(t(DType.INT8, 64, 768))).type());
        fails(() -> b.dense(v(f32(128, 768)), v(f32(3072, 512))), "nn.dense", "768", "512", "Tensor[(3072, 512), float32]");
        fails(() -> b.dense(v(f32(128, 768)), v(f32(768))), "nn.dense", "weight must have rank 2");
        fails(() -> b.dense(v(f32(128, 768)), v(t(DType.INT8, 64, 768))), "nn.dense", "dtypes differ", "cast");
        fails(() -> b.dense(v(f32(128, 768)), v(f32(64, 768)), new DenseAttrs(32, null)), "units=32", "64");
        fails(() -> b.dense(v(f32(128, 768)), v(f32(64, 768)), DType.INT32), "out_dtype=int32");
        fails(() -> b.call(Ops.DENSE, v(f32(128, 768))), "nn.dense", "expected 2 argument(s)", "got 1");
    }

    @Test
    void matmulAndBatchMatmul() {
        assertEquals(f32(12, 128, 128), b.matmul(v(f32(12, 128, 64)), v(f32(12, 64, 128))).type());
        assertEquals(f32(2, 12, 128, 64), b.matmul(v(f32(2, 12, 128, 128)), v(f32(12, 128, 64))).type());
        assertEquals(f32(128, 768), b.matmul(v(f32(128, 64)), v(f32(64, 768))).type());
        assertEquals(f32(128), b.matmul(v(f32(128, 64)), v(f32(64))).type());
        assertEquals(f32(64), b.matmul(v(f32(128)), v(f32(128, 64))).type());
        assertEquals(f32(5, 3), b.matmul(v(f32(4, 5)), v(f32(3, 4)), true, true).type());
        assertEquals(f32(12, 128, 128), b.batchMatmul(v(f32(12, 128, 64)), v(f32(12, 128, 64))).type());
        assertEquals(f32(12, 128, 64), b.batchMatmul(v(f32(12, 128, 128)), v(f32(12, 128, 64)), false, false).type());
        assertEquals(f32(12, 128, 16), b.batchMatmul(v(f32(1, 128, 64)), v(f32(12, 16, 64))).type());
        fails(() -> b.matmul(v(f32(128, 64)), v(f32(32, 768))), "nn.matmul", "K=64", "K=32");
        fails(() -> b.batchMatmul(v(f32(12, 128, 64)), v(f32(8, 128, 64))), "nn.batch_matmul", "batch dimensions");
    }

    @Test
    void elementwiseBroadcasting() {
        assertEquals(f32(128, 768), b.add(v(f32(128, 768)), v(f32(768))).type());
        assertEquals(f32(2, 12, 128, 128), b.multiply(v(f32(2, 1, 128, 128)), v(f32(12, 1, 128))).type());
        assertEquals(f32(128, 768), b.divide(v(f32(128, 768)), b.scalar(8f)).type());
        assertEquals(f32(3, 4), b.power(v(f32(3, 1)), v(f32(1, 4))).type());
        assertEquals(f32(4), b.subtract(v(f32(4)), v(f32(4))).type());
        assertEquals(t(DType.BOOL, 4, 4), b.less(v(f32(4, 1)), v(f32(4))).type());
        fails(() -> b.add(v(f32(128, 768)), v(f32(512))), "add", "do not broadcast", "(128, 768)", "(512)");
        fails(() -> b.add(v(f32(4)), v(t(DType.INT8, 4))), "add", "dtypes differ");
    }

    @Test
    void unaryOps() {
        TensorType x = f32(2, 3);
        for (Op op : List.of(Ops.NEGATIVE, Ops.SQRT, Ops.RSQRT, Ops.EXP, Ops.ERF, Ops.TANH, Ops.SIGMOID, Ops.SILU,
                Ops.GELU, Ops.ABS, Ops.RELU, Ops.LOG, Ops.COS, Ops.SIN)) {
            assertEquals(x, b.call(op, v(x)).type(), op.name());
        }
        assertEquals(x, b.geluTanh(v(x)).type());
        assertEquals(t(DType.INT8, 3), b.negative(v(t(DType.INT8, 3))).type());
        fails(() -> b.exp(v(t(DType.INT32, 3))), "exp", "floating-point");
        fails(() -> b.sqrt(v(t(DType.INT8, 3))), "sqrt", "floating-point", "int8");
        fails(() -> b.clip(v(x), 1, 0), "clip", "a_min");
        assertEquals(t(DType.INT8, 2, 3), b.cast(v(x), DType.INT8).type());
    }

    @Test
    void where() {
        Var c = v("c", t(DType.BOOL, 1, 128));
        assertEquals(f32(4, 128), b.where(c, v(f32(4, 1)), b.scalar(0f)).type());
        fails(() -> b.where(v(f32(4)), v(f32(4)), v(f32(4))), "where", "condition must be bool");
        fails(() -> b.where(c, v(f32(4, 128)), v(f32(3, 128))), "where", "do not broadcast");
    }

    @Test
    void normalization() {
        Var x = v(f32(128, 768));
        assertEquals(f32(128, 768), b.layerNorm(x, v(f32(768)), v(f32(768)), 1e-12).type());
        assertEquals(f32(128, 768), b.rmsNorm(x, v(f32(768)), 1e-6).type());
        assertEquals(f32(128, 768), b.softmax(x, -1).type());
        assertEquals(f32(128, 768), b.layerNorm(v(f32(128, 768)), v(f32(128)), v(f32(128)), new LayerNormAttrs(0, 1e-5, true, true)).type());
        fails(() -> b.layerNorm(x, v(f32(512)), v(f32(768)), 1e-5), "nn.layer_norm", "gamma must have shape (768)", "(512)");
        fails(() -> b.rmsNorm(x, v(f32(768, 1)), 1e-5), "nn.rms_norm", "gamma");
        fails(() -> b.softmax(x, 2), "nn.softmax", "axis=2 is out of range for rank 2");
        fails(() -> b.softmax(v(t(DType.INT8, 4)), 0), "nn.softmax", "floating-point");
    }

    @Test
    void reductions() {
        Var x = v(f32(2, 3, 4));
        assertEquals(f32(2, 3, 1), b.mean(x, true, -1).type());
        assertEquals(f32(3), b.sum(x, false, 0, 2).type());
        assertEquals(TensorType.scalar(DType.FP32), b.sum(x, false).type());
        assertEquals(f32(2, 4), b.max(x, false, 1).type());
        assertEquals(t(DType.INT64, 2, 3), b.argmax(x, -1).type());
        fails(() -> b.mean(x, false, 0, -3), "mean", "listed twice");
        fails(() -> b.sum(x, false, 3), "sum", "axes=3 is out of range");
        fails(() -> b.mean(v(t(DType.INT32, 4)), false), "mean", "floating-point");
    }

    @Test
    void reshapeTransposeSqueezeExpand() {
        Var x = v(f32(128, 768));
        assertEquals(f32(128, 12, 64), b.reshape(x, 128, 12, 64).type());
        assertEquals(f32(128, 12, 64), b.reshape(x, 0, 12, -1).type());
        assertEquals(f32(98304), b.reshape(x, -1).type());
        fails(() -> b.reshape(x, 128, 12, 32), "reshape", "98304 elements", "49152 elements");
        fails(() -> b.reshape(x, -1, -1), "reshape", "more than one -1");
        fails(() -> b.reshape(x, 7, -1), "reshape", "cannot infer");
        assertEquals(f32(12, 128, 64), b.transpose(v(f32(128, 12, 64)), 1, 0, 2).type());
        assertEquals(f32(768, 128), b.transpose(x).type());
        fails(() -> b.transpose(v(f32(2, 3, 4)), 0, 0, 1), "transpose", "not a permutation");
        fails(() -> b.transpose(v(f32(2, 3, 4)), 0, 1), "transpose", "must list all 3 axes");
        assertEquals(f32(1, 128, 1, 768), b.expandDims(b.expandDims(x, 0), -2).type());
        assertEquals(f32(128, 1, 1, 768), b.expandDims(x, 1, 2).type());
        assertEquals(f32(128, 768), b.squeeze(v(f32(1, 128, 1, 768))).type());
        assertEquals(f32(128, 1, 768), b.squeeze(v(f32(1, 128, 1, 768)), 0).type());
        fails(() -> b.squeeze(v(f32(1, 128)), 1), "squeeze", "size is 128");
        assertEquals(f32(4, 128, 768), b.broadcastTo(v(f32(1, 768)), 4, 128, 768).type());
        assertEquals(f32(4, 3), b.expand(v(f32(4, 1)), 3).type());
        fails(() -> b.broadcastTo(v(f32(2, 768)), 4, 768), "broadcast_to", "cannot broadcast");
        assertEquals(t(DType.INT64, 128), b.arange(0, 128, 1, DType.INT64).type());
        assertEquals(t(DType.INT32, 0), b.arange(5, 0, 1, DType.INT32).type());
        fails(() -> b.arange(0, 10, 0, DType.INT32), "arange", "step non-zero");
    }

    @Test
    void concatenateAndSplit() {
        Var q = v("q", f32(768, 768));
        Var k = v("k", f32(256, 768));
        assertEquals(f32(1024, 768), b.concatenate(0, q, k).type());
        fails(() -> b.concatenate(1, q, k), "concatenate", "dimension 0 differs");
        fails(() -> b.concatenate(0, q, v(f32(768))), "concatenate", "ranks differ");
        Var qkv = v(f32(128, 2304));
        assertEquals(TupleType.of(f32(128, 768), f32(128, 768), f32(128, 768)), b.split(qkv, 3, 1).type());
        assertEquals(TupleType.of(f32(128, 2048), f32(128, 128), f32(128, 128)),
                b.splitAt(qkv, List.of(2048, 2176), -1).type());
        List<Expr> parts = b.unpack(b.split(qkv, 3, 1));
        assertEquals(f32(128, 768), parts.get(2).type());
        fails(() -> b.split(qkv, 5, 1), "split", "sections=5 does not divide");
        fails(() -> b.splitAt(qkv, List.of(800, 700), 1), "split", "ascending");
        assertThrows(IllegalArgumentException.class, () -> new SplitAttrs(2, List.of(1), 0));
        fails(() -> new TupleGetItem(b.split(qkv, 3, 1), 3), "out of range");
        fails(() -> new TupleGetItem(qkv, 0), "not a tuple");
    }

    @Test
    void stridedSliceNumpySemantics() {
        Var x = v(f32(10, 20));
        assertEquals(f32(3, 20), b.slice(x, 0, 2, 5).type());
        assertEquals(f32(10, 5), b.slice(x, 1, -5, Integer.MAX_VALUE).type());
        assertEquals(f32(5, 20), b.stridedSlice(x, List.of(0), List.of(10), List.of(2), null).type());
        assertEquals(f32(10, 20), b.stridedSlice(x, List.of(-1), List.of(-11), List.of(-1), null).type());
        assertEquals(f32(0, 20), b.slice(x, 0, 7, 3).type());
        assertEquals(3, Relations.sliceLength(10, 9, 0, -3));
        assertEquals(4, Relations.sliceLength(10, 9, -11, -3));
        fails(() -> b.stridedSlice(x, List.of(0), List.of(5), List.of(0), null), "strided_slice", "contains 0");
        fails(() -> b.stridedSlice(x, List.of(0, 0), List.of(5), null, null), "different lengths");
        fails(() -> b.stridedSlice(x, List.of(0), List.of(5), null, List.of(2)), "axes=2 is out of range");
    }

    @Test
    void takeIsEmbedding() {
        Var table = v("wte", f32(50257, 768));
        Var ids = v("ids", t(DType.INT64, 1, 128));
        assertEquals(f32(1, 128, 768), b.embedding(table, ids).type());
        assertEquals(f32(50257, 1, 128), b.take(table, ids, 1).type());
        fails(() -> b.embedding(table, v(f32(128))), "take", "indices", "integer");
    }

    @Test
    void rotaryAndMasks() {
        Var q = v(f32(128, 32, 128));
        assertEquals(f32(128, 32, 128), b.rotaryEmbedding(q).type());
        fails(() -> b.rotaryEmbedding(v(f32(128, 32, 127))), "nn.rotary_embedding", "must be even");
        fails(() -> b.rotaryEmbedding(q, new RopeAttrs(10000, 0, -1, RopeAttrs.Style.HALF, null)), "seq_axis=-1", "head dimension");
        fails(() -> b.rotaryEmbedding(q, new RopeAttrs(10000, 0, -3, RopeAttrs.Style.INTERLEAVED, 130)), "rotary dimension 130");
        Var scores = v(f32(12, 128, 128));
        assertEquals(f32(12, 128, 128), b.causalMask(scores).type());
        assertEquals(f32(12, 128, 128), b.causalMask(scores, Double.NEGATIVE_INFINITY, 0).type());
        fails(() -> b.causalMask(v(f32(128))), "nn.causal_mask", "rank >= 2");
        assertEquals(f32(12, 128, 128), b.attentionMask(scores, v("m", t(DType.INT64, 1, 1, 128))).type());
        fails(() -> b.attentionMask(scores, v("m", t(DType.INT64, 2, 1, 128))), "nn.attention_mask", "does not broadcast");
        fails(() -> b.call(Ops.ATTENTION_MASK, MaskAttrs.DEFAULT, scores, v(f32(128))), "mask must be bool or integer");
    }

    @Test
    void quantization() {
        Var x = v(f32(128, 768));
        Constant s = b.scalar(0.05f);
        Constant zp = b.scalar(DType.INT32, 0);
        Expr q = b.quantize(x, s, zp, DType.INT8, -1);
        assertEquals(t(DType.INT8, 128, 768), q.type());
        Var w = v("w", t(DType.INT8, 3072, 768));
        Expr acc = b.denseInt8(q, w);
        assertEquals(t(DType.INT32, 128, 3072), acc.type());
        Var perChannel = v("s", f32(3072));
        assertEquals(t(DType.INT8, 128, 3072), b.requantize(acc, perChannel, zp, s, zp, DType.INT8, -1).type());
        assertEquals(f32(128, 3072), b.dequantize(acc, perChannel, zp, 1).type());
        fails(() -> b.requantize(acc, v("s2", f32(768)), zp, s, zp, DType.INT8, -1), "qnn.requantize", "input_scale", "3072");
        fails(() -> b.quantize(x, b.scalar(DType.INT32, 1), zp, DType.INT8, -1), "qnn.quantize", "scale must be float32");
        fails(() -> b.quantize(x, s, zp, DType.FP16, -1), "qnn.quantize", "out_dtype");
        fails(() -> b.dequantize(x, s, zp, -1), "qnn.dequantize", "integer dtype");
        Var xu = v("xu", t(DType.UINT8, 128, 768));
        assertEquals(t(DType.INT32, 128, 3072), b.qnnDense(xu, w, zp, zp).type());
        assertEquals(t(DType.INT32, 128, 3072), b.qnnDense(xu, w, zp, v("wzp", t(DType.INT32, 3072))).type());
        fails(() -> b.qnnDense(x, w, zp, zp), "qnn.dense", "data must be int8 or uint8");
        fails(() -> b.qnnDense(xu, w, zp, v("wzp", t(DType.INT32, 7))), "qnn.dense", "weight_zero_point");
        assertEquals(TupleType.of(t(DType.UINT8, 128, 768), TensorType.scalar(DType.FP32), TensorType.scalar(DType.UINT8)),
                b.dynamicQuantize(x).type());
    }

    @Test
    void wrongAttrsAndUnknownOps() {
        fails(() -> b.call(Ops.SOFTMAX, new DenseAttrs(null, null), v(f32(4))), "nn.softmax", "expected attributes AxisAttrs");
        fails(() -> b.call(Ops.RESHAPE, v(f32(4))), "reshape", "attributes ShapeAttrs are required");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Op.get("nn.densee"));
        assertTrue(e.getMessage().contains("nn.dense"), e.getMessage());
        fails(() -> b.dense(b.tuple(v(f32(4))), v(f32(4, 4))), "nn.dense", "argument 'data' must be a tensor");
    }

    @Test
    void everyBuiltinOpIsRegisteredAndDescribed() {
        for (Op op : Ops.all()) {
            assertEquals(op, OpRegistry.get(op.name()));
            assertTrue(!op.description().isEmpty(), op.name());
        }
        assertThrows(IllegalStateException.class, () -> Op.define("add").args("a", "b").relation(Relations::broadcastBinary).register());
    }
}
