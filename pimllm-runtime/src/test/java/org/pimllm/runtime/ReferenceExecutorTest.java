package org.pimllm.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pimllm.ir.Builder;
import org.pimllm.ir.Call;
import org.pimllm.ir.DType;
import org.pimllm.ir.Expr;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.Var;
import org.pimllm.ir.attrs.RopeAttrs;

/** Each op on small inputs whose results are worked out by hand. */
class ReferenceExecutorTest {

    private final Builder b = new Builder(1);
    private final ReferenceExecutor ref = new ReferenceExecutor();

    private Tensor run(Expr body, Var x, Tensor in) {
        return ref.runTensor(b.module(b.function(body, x)), Map.of(x.name(), in));
    }

    private static Tensor f(float[] v, int... shape) { return Tensor.ofFloats(v, shape); }

    @Test
    void int8DenseAccumulatesInInt32() {
        Var x = b.var("x", DType.INT8, 1, 3);
        Tensor w = Tensor.ofBytes(DType.INT8, new byte[] {127, 127, 127, -128, -128, -128}, 2, 3);
        Tensor y = run(b.denseInt8(x, b.constant(w)), x, Tensor.ofBytes(DType.INT8, new byte[] {127, 127, 127}, 1, 3));
        assertArrayEquals(new int[] {3 * 127 * 127, -3 * 128 * 127}, y.ints());
    }

    @Test
    void fp32DenseAndBiasBroadcast() {
        Var x = b.var("x", DType.FP32, 2, 2);
        Call d = b.linear(x, b.constant(f(new float[] {1, 0, 1, 1, 0, 2}, 3, 2)), b.constant(f(new float[] {10, 20, 30}, 3)));
        Tensor y = run(d, x, f(new float[] {1, 2, 3, 4}, 2, 2));
        assertArrayEquals(new float[] {11, 23, 34, 13, 27, 38}, y.floats());
    }

    @Test
    void batchMatmulTransposesBAndMatmulBroadcastsBatch() {
        Var x = b.var("x", DType.FP32, 2, 1, 2);
        Tensor in = f(new float[] {1, 2, 3, 4}, 2, 1, 2);
        // batch_matmul: x[b] (1x2) times y[b]^T with y = x -> [[5]], [[25]]
        assertArrayEquals(new float[] {5, 25}, run(b.batchMatmul(x, x), x, in).floats());
        // matmul with a (2, 3) B shared by both batch entries
        Call mm = b.matmul(x, b.constant(f(new float[] {1, 0, 1, 0, 1, 1}, 2, 3)));
        assertArrayEquals(new float[] {1, 2, 3, 3, 4, 7}, run(mm, x, in).floats());
    }

    @Test
    void integerArithmeticWrapsAndDivisionTruncates() {
        Var x = b.var("x", DType.INT8, 3);
        Tensor in = Tensor.ofBytes(DType.INT8, new byte[] {100, -7, 7}, 3);
        assertArrayEquals(new byte[] {-56, -14, 14}, run(b.add(x, x), x, in).bytes());
        Call div = b.divide(x, b.constant(Tensor.ofBytes(DType.INT8, new byte[] {2}, 1)));
        assertArrayEquals(new byte[] {50, -3, 3}, run(div, x, in).bytes());
    }

    @Test
    void quantizeRoundsHalfToEvenAndSaturates() {
        Var x = b.var("x", DType.FP32, 5);
        Call q = b.quantize(x, b.scalar(0.5f), b.scalar(DType.INT32, 1), DType.INT8, -1);
        Tensor y = run(q, x, f(new float[] {0.25f, 0.75f, -1f, 100f, -100f}, 5));
        // x / 0.5 = 0.5, 1.5, -2, 200, -200 -> rint 0, 2, -2 -> +1 -> 1, 3, -1, saturated 127, -128
        assertArrayEquals(new byte[] {1, 3, -1, 127, -128}, y.bytes());
    }

    @Test
    void dequantizeAndRequantize() {
        Var x = b.var("x", DType.INT32, 3);
        Tensor in = Tensor.ofInts(new int[] {10, -5, 1000}, 3);
        Call dq = b.dequantize(x, b.scalar(0.25f), b.scalar(DType.INT32, 2), -1);
        assertArrayEquals(new float[] {2f, -1.75f, 249.5f}, run(dq, x, in).floats());
        Call rq = b.requantize(x, b.scalar(1f), b.scalar(DType.INT32, 0), b.scalar(4f), b.scalar(DType.INT32, 0), DType.INT8, -1);
        // 10/4 = 2.5 -> 3 (half away from zero), -5/4 = -1.25 -> -1, 250 -> saturates at 127
        assertArrayEquals(new byte[] {3, -1, 127}, run(rq, x, in).bytes());
    }

    @Test
    void shapeOps() {
        Var x = b.var("x", DType.FP32, 2, 3);
        Tensor in = f(new float[] {0, 1, 2, 3, 4, 5}, 2, 3);
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, run(b.transpose(x, 1, 0), x, in).floats());
        assertArrayEquals(new float[] {1, 2, 4, 5}, run(b.slice(x, 1, 1, 3), x, in).floats());
        assertArrayEquals(new float[] {0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5}, run(b.concatenate(1, x, x), x, in).floats());
        List<Expr> parts = b.unpack(b.splitAt(x, List.of(1), 1));
        assertArrayEquals(new float[] {1, 2, 4, 5}, run(parts.get(1), x, in).floats());
        assertArrayEquals(new float[] {3, 12}, run(b.sum(x, false, 1), x, in).floats());
        assertArrayEquals(new float[] {1.5f, 2.5f, 3.5f}, run(b.mean(x, false, 0), x, in).floats());
        assertArrayEquals(new long[] {2, 2}, run(b.argmax(x, 1), x, in).longs());
    }

    @Test
    void embeddingLookupAndBadTokenId() {
        Var ids = b.var("ids", DType.INT32, 2);
        Call emb = b.embedding(b.constant(f(new float[] {0, 0, 1, 1, 2, 2}, 3, 2)), ids);
        assertArrayEquals(new float[] {2, 2, 1, 1}, run(emb, ids, Tensor.ofInts(new int[] {2, 1}, 2)).floats());
        var e = assertThrows(IllegalArgumentException.class, () -> run(emb, ids, Tensor.ofInts(new int[] {3, 0}, 2)));
        assertTrue(e.getMessage().contains("out of range"), e.getMessage());
    }

    @Test
    void causalMaskAndSoftmax() {
        Var x = b.var("x", DType.FP32, 2, 2);
        Tensor y = run(b.softmax(b.causalMask(x), -1), x, f(new float[] {0, 0, 0, 0}, 2, 2));
        assertArrayEquals(new float[] {1, 0, 0.5f, 0.5f}, y.floats());
    }

    @Test
    void geluSiluAndRope() {
        Var x = b.var("x", DType.FP32, 1);
        assertEquals(0.8413447f, run(b.gelu(x), x, f(new float[] {1}, 1)).floats()[0], 1e-6);
        assertEquals(0.7310586f, run(b.silu(x), x, f(new float[] {1}, 1)).floats()[0], 1e-6);
        // (seq 2, heads 1, head_dim 2): position 1 rotates (1, 0) by 1 radian
        Var q = b.var("q", DType.FP32, 2, 1, 2);
        Tensor r = run(b.rotaryEmbedding(q, RopeAttrs.DEFAULT), q, f(new float[] {1, 0, 1, 0}, 2, 1, 2));
        assertArrayEquals(new float[] {1, 0, (float) Math.cos(1), (float) Math.sin(1)}, r.floats(), 1e-6f);
    }

    @Test
    void missingOrMistypedInputIsAClearError() {
        Var x = b.var("x", DType.FP32, 2);
        var mod = b.module(b.function(b.exp(x), x));
        var e = assertThrows(IllegalArgumentException.class, () -> ref.run(mod, Map.of()));
        assertTrue(e.getMessage().contains("missing input 'x'"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> ref.run(mod, Map.of("x", f(new float[] {1, 2, 3}, 3))));
        assertTrue(e2.getMessage().contains("expects"), e2.getMessage());
    }
}
