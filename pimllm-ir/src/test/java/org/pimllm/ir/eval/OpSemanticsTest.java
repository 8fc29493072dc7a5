package org.pimllm.ir.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pimllm.ir.Builder;
import org.pimllm.ir.Constant;
import org.pimllm.ir.DType;
import org.pimllm.ir.Expr;
import org.pimllm.ir.Function;
import org.pimllm.ir.Op;
import org.pimllm.ir.Ops;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.TestModels;
import org.pimllm.ir.attrs.RequantizeAttrs;
import org.pimllm.ir.attrs.RopeAttrs;

/** Each op's compute function on small inputs whose results were worked out by hand. */
class OpSemanticsTest {

    private final Builder b = new Builder(3);

    private static Constant f(float[] v, int... shape) { return Constant.of(Tensor.ofFloats(v, shape)); }

    private static Constant i8(int[] v, int... shape) {
        byte[] x = new byte[v.length];
        for (int i = 0; i < v.length; i++) x[i] = (byte) v[i];
        return Constant.of(Tensor.ofBytes(DType.INT8, x, shape));
    }

    private static Tensor run(Expr e) { return Interpreter.eval(e, Map.of()).tensor(); }

    private static float[] floats(Expr e) { return run(e).toFloatArray(); }

    private static long[] longs(Expr e) {
        Tensor t = run(e);
        long[] out = new long[t.size()];
        for (int i = 0; i < out.length; i++) out[i] = t.getLong(i);
        return out;
    }

    private static void close(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual[i], 1e-5, "element " + i);
    }

    @Test
    void everyBuiltinOpHasAComputeFunction() {
        for (Op op : Ops.all()) assertTrue(op.hasCompute(), op.name());
    }

    @Test
    void gemms() {
        Constant x = f(new float[] {1, 2, 3, 4}, 2, 2);
        Constant w = f(new float[] {1, 0, 0, 1, 1, 1}, 3, 2);
        assertArrayEquals(new float[] {1, 2, 3, 3, 4, 7}, floats(b.dense(x, w)));
        // matmul (2,2)x(2,3) with w^T: same numbers
        assertArrayEquals(new float[] {1, 2, 3, 3, 4, 7}, floats(b.matmul(x, w, false, true)));
        // batch of two 1x2 times broadcast 2x1
        Constant bx = f(new float[] {1, 2, 3, 4}, 2, 1, 2);
        Constant by = f(new float[] {10, 1}, 2, 1);
        assertArrayEquals(new float[] {12, 34}, floats(b.matmul(bx, by)));
        // vector x matrix
        assertArrayEquals(new float[] {7, 10}, floats(b.matmul(f(new float[] {1, 2}, 2), x)));
        // batch_matmul default transpose_b
        assertArrayEquals(new float[] {5, 11, 11, 25}, floats(b.batchMatmul(f(new float[] {1, 2, 3, 4}, 1, 2, 2), f(new float[] {1, 2, 3, 4}, 1, 2, 2))));
        // int8 x int8 -> int32 exactly: 127*127 + 127*127 = 32258; -128*127*2 = -32512
        Constant xi = i8(new int[] {127, 127, -128, -128}, 2, 2);
        Constant wi = i8(new int[] {127, 127}, 1, 2);
        assertArrayEquals(new long[] {32258, -32512}, longs(b.denseInt8(xi, wi)));
        // uint8 x int8 with zero points: (130-128)*1 + (120-128)*(-1) = 10
        Constant xu = Constant.of(Tensor.ofBytes(DType.UINT8, new byte[] {(byte) 130, 120}, 1, 2));
        assertArrayEquals(new long[] {10}, longs(b.qnnDense(xu, i8(new int[] {1, -1}, 1, 2), b.scalar(DType.INT32, 128), b.scalar(DType.INT32, 0))));
    }

    @Test
    void elementwiseWithBroadcasting() {
        Constant m = f(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Constant row = f(new float[] {10, 20, 30}, 3);
        assertArrayEquals(new float[] {11, 22, 33, 14, 25, 36}, floats(b.add(m, row)));
        assertArrayEquals(new float[] {0.5f, 1, 1.5f, 2, 2.5f, 3}, floats(b.divide(m, b.scalar(2f))));
        assertArrayEquals(new long[] {0, 0, 1, 0, 0, 1}, longs(b.equal(m, f(new float[] {9, 9, 3, 9, 9, 6}, 2, 3))));
        // m > 2 picks m * (0,0,1,0,0,1), else 1
        assertArrayEquals(new float[] {1, 1, 3, 0, 0, 6}, floats(b.where(b.greater(m, f(new float[] {2}, 1)), b.multiply(m, f(new float[] {0, 0, 1, 0, 0, 1}, 2, 3)), b.scalar(1f))));
        assertArrayEquals(new long[] {-3, 3}, longs(b.divide(Constant.of(Tensor.ofInts(new int[] {-7, 7}, 2)), b.scalar(DType.INT32, 2))));
        assertArrayEquals(new long[] {-128}, longs(b.add(i8(new int[] {127}, 1), i8(new int[] {1}, 1)))); // int8 wraps
        ArithmeticException e = assertThrows(ArithmeticException.class,
                () -> run(b.divide(Constant.of(Tensor.ofInts(new int[] {1}, 1)), b.scalar(DType.INT32, 0))));
        assertTrue(e.getMessage().contains("division by zero"));
    }

    @Test
    void activations() {
        Constant one = f(new float[] {1}, 1);
        close(new float[] {0.8413447f}, floats(b.gelu(one)));
        close(new float[] {0.8411920f}, floats(b.geluTanh(one)));
        close(new float[] {0.7310586f}, floats(b.silu(one)));
        close(new float[] {0.8427008f}, floats(b.erf(one)));
        close(new float[] {0.5f}, floats(b.rsqrt(f(new float[] {4}, 1))));
        assertArrayEquals(new float[] {0, 2}, floats(b.relu(f(new float[] {-1, 2}, 2))));
        assertArrayEquals(new float[] {-1, 3}, floats(b.clip(f(new float[] {-5, 3}, 2), -1, 4)));
    }

    @Test
    void casts() {
        Constant x = f(new float[] {-1.7f, 1.7f, 300f, Float.NaN}, 4);
        assertArrayEquals(new long[] {-1, 1, 127, 0}, longs(b.cast(x, DType.INT8)));
        assertArrayEquals(new long[] {44}, longs(b.cast(Constant.of(Tensor.ofInts(new int[] {300}, 1)), DType.UINT8)));
        assertArrayEquals(new float[] {1, 0}, floats(b.cast(b.cast(f(new float[] {0.5f, 0}, 2), DType.BOOL), DType.FP32)));
    }

    @Test
    void normalization() {
        close(new float[] {0.25f, 0.75f}, floats(b.softmax(f(new float[] {0, (float) Math.log(3)}, 2), -1)));
        close(new float[] {(float) Math.log(0.25), (float) Math.log(0.75)}, floats(b.logSoftmax(f(new float[] {0, (float) Math.log(3)}, 2), 0)));
        float r = (float) Math.sqrt(1.5);
        close(new float[] {-r, 0, r}, floats(b.layerNorm(f(new float[] {1, 2, 3}, 3), f(new float[] {1, 1, 1}, 3), f(new float[] {0, 0, 0}, 3), 0)));
        close(new float[] {-2 * r + 1, 1, 2 * r + 1}, floats(b.layerNorm(f(new float[] {1, 2, 3}, 3), f(new float[] {2, 2, 2}, 3), f(new float[] {1, 1, 1}, 3), 0)));
        // rms of (3, 4) = sqrt(12.5)
        close(new float[] {(float) (3 / Math.sqrt(12.5)), (float) (8 / Math.sqrt(12.5))}, floats(b.rmsNorm(f(new float[] {3, 4}, 2), f(new float[] {1, 2}, 2), 0)));
        // softmax over axis 0 of a 2x2
        close(new float[] {0.5f, 0.25f, 0.5f, 0.75f}, floats(b.softmax(f(new float[] {0, 0, 0, (float) Math.log(3)}, 2, 2), 0)));
    }

    @Test
    void reductions() {
        Constant m = f(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertArrayEquals(new float[] {5, 7, 9}, floats(b.sum(m, false, 0)));
        assertArrayEquals(new float[] {2, 5}, floats(b.mean(m, true, 1)));
        assertEquals(List.of(2, 1), run(b.mean(m, true, 1)).shapeList());
        assertArrayEquals(new float[] {21}, floats(b.sum(m, false)));
        assertArrayEquals(new float[] {3, 6}, floats(b.max(m, false, -1)));
        assertArrayEquals(new float[] {1, 2, 3}, floats(b.min(m, false, 0)));
        assertArrayEquals(new long[] {2, 2}, longs(b.argmax(m, 1)));
    }

    @Test
    void dataMovement() {
        Constant m = f(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, floats(b.transpose(m)));
        assertArrayEquals(new float[] {1, 2, 3, 7, 8, 4, 5, 6, 9, 10}, floats(b.concatenate(1, m, f(new float[] {7, 8, 9, 10}, 2, 2))));
        Value parts = Interpreter.eval(b.splitAt(m, List.of(1), 1), Map.of());
        assertArrayEquals(new float[] {1, 4}, ((Value.TupleValue) parts).fields().get(0).tensor().floats());
        assertArrayEquals(new float[] {2, 3, 5, 6}, ((Value.TupleValue) parts).fields().get(1).tensor().floats());
        Constant ten = f(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 10);
        assertArrayEquals(new float[] {8, 5, 2}, floats(b.stridedSlice(ten, List.of(8), List.of(1), List.of(-3), null)));
        assertArrayEquals(new float[] {7, 8, 9}, floats(b.slice(ten, 0, -3, 100)));
        assertArrayEquals(new float[] {2, 3, 5, 6}, floats(b.stridedSlice(m, List.of(0, 1), List.of(2, 3), List.of(1, 1), null)));
        Constant table = f(new float[] {0, 1, 10, 11, 20, 21}, 3, 2);
        assertArrayEquals(new float[] {20, 21, 0, 1, 20, 21}, floats(b.embedding(table, Constant.of(Tensor.ofLongs(new long[] {2, 0, -1}, 3)))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(b.embedding(table, Constant.of(Tensor.ofLongs(new long[] {3}, 1)))));
        assertTrue(e.getMessage().contains("index 3 is out of range"), e.getMessage());
        assertArrayEquals(new float[] {1, 2, 3, 1, 2, 3}, floats(b.broadcastTo(f(new float[] {1, 2, 3}, 3), 2, 3)));
        assertArrayEquals(new long[] {0, 2, 4}, longs(b.arange(0, 5, 2, DType.INT64)));
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, floats(b.reshape(b.expandDims(m, 0), 3, 2)));
    }

    @Test
    void rotaryEmbeddingRotatesPairsByPosition() {
        // (seq=2, heads=1, head_dim=2): position 0 unchanged, position 1 rotated by 1 radian
        Constant x = f(new float[] {1, 0, 1, 0}, 2, 1, 2);
        float c = (float) Math.cos(1);
        float s = (float) Math.sin(1);
        close(new float[] {1, 0, c, s}, floats(b.rotaryEmbedding(x)));
        // head_dim 4, half style: pairs (0,2), (1,3); pair 1 has frequency theta^(-2/4) = 1/100
        Constant y = f(new float[] {1, 1, 0, 0}, 1, 1, 4);
        RopeAttrs at = new RopeAttrs(10000, 1, -3, RopeAttrs.Style.HALF, null);
        close(new float[] {c, (float) Math.cos(0.01), s, (float) Math.sin(0.01)}, floats(b.rotaryEmbedding(y, at)));
        // interleaved: pairs (0,1), (2,3)
        RopeAttrs il = new RopeAttrs(10000, 1, -3, RopeAttrs.Style.INTERLEAVED, null);
        close(new float[] {c, s, (float) Math.cos(0.01), (float) Math.sin(0.01)}, floats(b.rotaryEmbedding(f(new float[] {1, 0, 1, 0}, 1, 1, 4), il)));
    }

    @Test
    void masks() {
        Constant s = f(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 3, 3);
        assertArrayEquals(new float[] {1, -9, -9, 4, 5, -9, 7, 8, 9}, floats(b.causalMask(s, -9, 0)));
        assertArrayEquals(new float[] {1, 2, -9, 4, 5, 6, 7, 8, 9}, floats(b.causalMask(s, -9, 1)));
        Constant mask = Constant.of(Tensor.ofLongs(new long[] {1, 1, 0}, 1, 3));
        assertArrayEquals(new float[] {1, 2, -1e9f, 4, 5, -1e9f, 7, 8, -1e9f}, floats(b.attentionMask(s, mask)));
    }

    @Test
    void quantization() {
        Constant x = f(new float[] {0.26f, -1.0f, 100f, 0.25f}, 4);
        assertArrayEquals(new long[] {3, -10, 127, 2}, longs(b.quantize(x, b.scalar(0.1f), b.scalar(DType.INT32, 0), DType.INT8, -1)));
        // 0.26/0.05 = 5.2 -> 5, +3; -1/0.05 = -20 + 3 saturates at 0; 0.25/0.05 = 5 (in float32) + 3
        assertArrayEquals(new long[] {8, 0, 255, 8}, longs(b.quantize(x, b.scalar(0.05f), b.scalar(DType.INT32, 3), DType.UINT8, -1)));
        close(new float[] {0.2f, -1.2f}, floats(b.dequantize(i8(new int[] {3, -11}, 2), b.scalar(0.1f), b.scalar(DType.INT32, 1), -1)));
        // per channel: scales (1, 10) along axis 1
        close(new float[] {1, 20, 3, 40}, floats(b.dequantize(i8(new int[] {1, 2, 3, 4}, 2, 2), f(new float[] {1, 10}, 2), b.scalar(DType.INT32, 0), 1)));
        Constant acc = Constant.of(Tensor.ofInts(new int[] {15, -15, 1000}, 3));
        assertArrayEquals(new long[] {8, -8, 127}, longs(b.requantize(acc, b.scalar(0.5f), b.scalar(DType.INT32, 0), b.scalar(1f), b.scalar(DType.INT32, 0), DType.INT8, -1)));
        Expr upward = b.call(Ops.REQUANTIZE, new RequantizeAttrs(-1, DType.INT8, RequantizeAttrs.Rounding.UPWARD),
                acc, b.scalar(0.5f), b.scalar(DType.INT32, 0), b.scalar(1f), b.scalar(DType.INT32, 0));
        assertArrayEquals(new long[] {8, -7, 127}, longs(upward));
        Value dq = Interpreter.eval(b.dynamicQuantize(f(new float[] {0, 2.55f, 1.0f}, 3)), Map.of());
        List<Value> fs = ((Value.TupleValue) dq).fields();
        assertEquals(0.01f, fs.get(1).tensor().floats()[0], 1e-9);
        assertArrayEquals(new long[] {0, 255, 100}, new long[] {fs.get(0).tensor().getLong(0), fs.get(0).tensor().getLong(1), fs.get(0).tensor().getLong(2)});
        assertEquals(0, fs.get(2).tensor().getLong(0));
    }

    @Test
    void interpreterRunsAWholeLayerAndChecksInputs() {
        Function layer = TestModels.bertLayer(b, 4, 8, 2);
        Tensor x = new org.pimllm.ir.TensorSource.Synthetic(1, org.pimllm.ir.TensorSource.Distribution.NORMAL, 1).materialize(layer.params().get(0).tensorType());
        Tensor y = Interpreter.run(layer, List.of(x)).tensor();
        assertEquals(List.of(4, 8), y.shapeList());
        // layer norm output (gamma 1, beta 0): every row has mean 0 and variance 1
        for (int r = 0; r < 4; r++) {
            double mean = 0;
            double sq = 0;
            for (int c = 0; c < 8; c++) {
                mean += y.floats()[r * 8 + c] / 8.0;
                sq += y.floats()[r * 8 + c] * y.floats()[r * 8 + c] / 8.0;
            }
            assertEquals(0, mean, 1e-5);
            assertEquals(1, sq - mean * mean, 1e-3);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Interpreter.run(layer, List.of(Tensor.zeros(DType.FP32, 4, 7))));
        assertTrue(e.getMessage().contains("must be Tensor[(4, 8), float32]"), e.getMessage());
    }
}
