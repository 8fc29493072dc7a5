package org.pimllm.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.pimllm.ir.Builder;
import org.pimllm.ir.Call;
import org.pimllm.ir.Constant;
import org.pimllm.ir.DType;
import org.pimllm.ir.Expr;
import org.pimllm.ir.ExprVisitor;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Ops;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.Var;
import org.pimllm.ir.attrs.AxisAttrs;
import org.pimllm.ir.attrs.DenseAttrs;
import org.pimllm.ir.attrs.QuantizeAttrs;

class QuantizeInt8Test {

    static Tensor random(SplittableRandom r, double scale, int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextGaussian() * scale);
        return Tensor.ofFloats(v, shape);
    }

    /** max |W[n,:]| / 127 per output channel of {@link #tinyDense}'s weight. */
    static final float[] SW = {(float) (1.0 / 127.0), (float) (2.0 / 127.0)};
    /** round(W / SW) per channel, half to even. */
    static final byte[] WQ = {64, -127, 32, 127, 6, -25};

    /** x (4, 3) times a (2, 3) weight with known per-channel scales {@link #SW} and int8 values {@link #WQ}. */
    static IRModule tinyDense(Builder b) {
        Var x = b.var("x", DType.FP32, 4, 3);
        Tensor w = Tensor.ofFloats(new float[] {0.5f, -1.0f, 0.25f, 2.0f, 0.1f, -0.4f}, 2, 3);
        return b.module(b.function(b.dense(x, b.constant(w, "w")), x));
    }

    @Test
    void denseGetsPerChannelWeightScalesAndAPerTensorActivationScale() {
        Builder b = new Builder();
        IRModule before = tinyDense(b);

        float sa = (float) (1.27 / 127.0);          // given range |x| <= 1.27
        Var x2 = b.var("x", DType.FP32, 4, 3);
        Call qx = b.call(Ops.QUANTIZE, QuantizeAttrs.INT8, x2, b.scalar(sa), b.scalar(DType.INT32, 0));
        Call acc = b.call(Ops.DENSE, new DenseAttrs(null, DType.INT32), qx, b.constant(Tensor.ofBytes(DType.INT8, WQ, 2, 3)));
        Tensor scale = Tensor.ofFloats(new float[] {(float) ((double) sa * SW[0]), (float) ((double) sa * SW[1])}, 2);
        Call y = b.call(Ops.DEQUANTIZE, new AxisAttrs(-1), acc, b.constant(scale), b.scalar(DType.INT32, 0));
        IRModule expected = b.module(b.function(y, x2));

        IRModule after = Sequential.of(QuantizeInt8.pass(QuantizeInt8.Config.ranges(1.27))).run(before, PassContext.defaults());
        GraphPassesTest.assertStructEq(expected, after);
    }

    /** A small LLaMA-like block: bias-free Q/K/V, attention, output projection, SwiGLU MLP, residuals. */
    static IRModule block(Builder b, int seq, int hidden, int heads, SplittableRandom r) {
        int hd = hidden / heads;
        Var x = b.var("x", DType.FP32, seq, hidden);
        Expr h = b.rmsNorm(x, b.ones("n1", hidden), 1e-6);
        Expr q = b.dense(h, b.constant(random(r, 0.2, hidden, hidden), "wq"));
        Expr k = b.dense(h, b.constant(random(r, 0.2, hidden, hidden), "wk"));
        Expr v = b.dense(h, b.constant(random(r, 0.2, hidden, hidden), "wv"));
        Expr qh = b.transpose(b.reshape(q, seq, heads, hd), 1, 0, 2);
        Expr kh = b.transpose(b.reshape(k, seq, heads, hd), 1, 0, 2);
        Expr vh = b.transpose(b.reshape(v, seq, heads, hd), 1, 0, 2);
        Expr probs = b.softmax(b.divide(b.batchMatmul(qh, kh), b.scalar((float) Math.sqrt(hd))), -1);
        Expr ctx = b.reshape(b.transpose(b.batchMatmul(probs, vh, false, false), 1, 0, 2), seq, hidden);
        Expr x1 = b.add(x, b.dense(ctx, b.constant(random(r, 0.2, hidden, hidden), "wo")));
        Expr h2 = b.rmsNorm(x1, b.ones("n2", hidden), 1e-6);
        Expr gate = b.dense(h2, b.constant(random(r, 0.2, 2 * hidden, hidden), "w_gate"));
        Expr up = b.dense(h2, b.constant(random(r, 0.2, 2 * hidden, hidden), "w_up"));
        Expr down = b.dense(b.multiply(b.silu(gate), up), b.constant(random(r, 0.2, hidden, 2 * hidden), "w_down"));
        return b.module(b.function(b.add(x1, down), x));
    }

    static double relativeError(Tensor ref, Tensor got) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < ref.size(); i++) {
            double d = ref.getDouble(i) - got.getDouble(i);
            num += d * d;
            den += ref.getDouble(i) * ref.getDouble(i);
        }
        return Math.sqrt(num / den);
    }

    @Test
    void calibratedInt8ModelStaysCloseToTheFloatModel() {
        SplittableRandom r = new SplittableRandom(2024);
        IRModule fp32 = block(new Builder(1), 8, 32, 2, r);
        List<Map<String, Tensor>> samples = new ArrayList<>();
        for (int i = 0; i < 3; i++) samples.add(Map.of("x", random(r, 1.0, 8, 32)));
        QuantizeInt8.Config cfg = QuantizeInt8.Config.calibrate(new GraphInterpreter(), samples);
        IRModule int8 = Sequential.of(QuantizeInt8.pass(cfg), CommonSubexpressionElimination.pass())
                .run(fp32, PassContext.defaults());

        int int8Gemms = 0;
        int requantize = 0;
        for (Expr e : ExprVisitor.postOrder(int8.main())) {
            if (e instanceof Call c && (c.is(Ops.DENSE) || c.is(Ops.BATCH_MATMUL))) {
                assertEquals(DType.INT8, c.arg(0).dtype(), "every GEMM multiplies int8");
                assertEquals(DType.INT32, c.dtype(), "and accumulates in int32");
                int8Gemms++;
            }
            if (e instanceof Call c && c.is(Ops.REQUANTIZE)) requantize++;
        }
        assertEquals(9, int8Gemms);
        assertTrue(requantize >= 1, "the V projection feeds the second attention GEMM through requantize");

        Tensor fresh = random(r, 1.0, 8, 32);
        Tensor yf = GraphInterpreter.run(fp32.main(), Map.of("x", fresh));
        Tensor yq = GraphInterpreter.run(int8.main(), Map.of("x", fresh));
        double err = relativeError(yf, yq);
        // measured: 3.7% (2.2% when calibrated on the same input); int8 noise of 9 chained GEMMs
        assertTrue(err < 0.05, "relative L2 error of the int8 model " + err);
        assertTrue(err > 0, "the int8 model really is quantized");
    }

    @Test
    void weightScalesOfAThreeDimensionalWeightTakeEachChannelsMaximumOverTheOtherAxes() {
        // w[b][c][k], shape (2, 2, 3); |w| per middle channel: c=0 up to 2.54, c=1 up to 1.27
        Tensor w = Tensor.ofFloats(new float[] {1, -2.54f, 0, 0.5f, 1.27f, -1, 2, 0, -1, -0.2f, 0.1f, 0}, 2, 2, 3);
        Tensor middle = org.pimllm.passes.eval.WeightScales.of(w, 1);
        assertEquals(List.of(2), middle.shapeList());
        assertEquals((float) (2.54 / 127.0), middle.floats()[0]);
        assertEquals((float) (1.27 / 127.0), middle.floats()[1]);
        Tensor last = org.pimllm.passes.eval.WeightScales.of(w, 2); // k: max over (b, c) of |w[b][c][k]|
        assertEquals((float) (2.0 / 127.0), last.floats()[0]);
        assertEquals((float) (2.54 / 127.0), last.floats()[1]);
        assertEquals((float) (1.0 / 127.0), last.floats()[2]);
    }

    @Test
    void aBatchMatmulWithAConstantThreeDimensionalWeightIsQuantizedPerOutputChannel() {
        SplittableRandom r = new SplittableRandom(5);
        Builder b = new Builder();
        Var x = b.var("x", DType.FP32, 2, 4, 8);
        Constant w = b.constant(random(r, 0.5, 2, 8, 5), "w");
        IRModule fp32 = b.module(b.function(b.batchMatmul(x, w, false, false), x));
        IRModule int8 = Sequential.of(QuantizeInt8.pass(QuantizeInt8.Config.ranges(4.0))).run(fp32, PassContext.defaults());
        Tensor in = random(r, 1.0, 2, 4, 8);
        double err = relativeError(GraphInterpreter.run(fp32.main(), Map.of("x", in)), GraphInterpreter.run(int8.main(), Map.of("x", in)));
        assertTrue(err < 0.05, "relative L2 error of the int8 batch matmul " + err);
        assertTrue(err > 0, "the int8 batch matmul really is quantized");
    }

    @Test
    void syntheticWeightsAreQuantizedLazily() {
        Builder b = new Builder(3);
        Var x = b.var("x", DType.FP32, 2, 16);
        IRModule m = b.module(b.function(b.dense(x, b.weight("big", 8, 16)), x));
        IRModule q = Sequential.of(QuantizeInt8.pass(QuantizeInt8.Config.ranges(4.0))).run(m, PassContext.defaults());
        Call deq = (Call) q.main().body();
        Constant wq = (Constant) ((Call) deq.arg(0)).arg(1);
        assertTrue(wq.source() instanceof org.pimllm.ir.TensorSource.Lazy, wq.toString());
        assertEquals(DType.INT8, wq.dtype());
        Tensor data = wq.data();
        long max = 0;
        for (int i = 0; i < data.size(); i++) max = Math.max(max, Math.abs(data.getLong(i)));
        assertEquals(127, max, "the largest weight of some channel maps to 127");
    }

    @Test
    void missingRangesAreAnError() {
        Builder b = new Builder(3);
        Var x = b.var("x", DType.FP32, 2, 16);
        IRModule m = b.module(b.function(b.dense(x, b.weight("w", 8, 16)), x));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                Sequential.of(QuantizeInt8.pass()).run(m, PassContext.defaults()));
        assertTrue(e.getMessage().contains("QuantizeInt8.abs_max"), e.getMessage());
    }

    // ---- dynamic scheme ----

    @Test
    void dynamicDenseQuantizesTheActivationAtRunTimeWithAZeroPoint() {
        Builder b = new Builder();
        IRModule before = tinyDense(b);

        Var x2 = b.var("x", DType.FP32, 4, 3);
        Call dq = b.call(Ops.DYNAMIC_QUANTIZE, x2);
        Call acc = b.call(Ops.QNN_DENSE, DenseAttrs.INT32_OUT, b.get(dq, 0), b.constant(Tensor.ofBytes(DType.INT8, WQ, 2, 3)),
                b.cast(b.get(dq, 2), DType.INT32), b.scalar(DType.INT32, 0));
        Call y = b.call(Ops.DEQUANTIZE, new AxisAttrs(-1), acc, b.multiply(b.get(dq, 1), b.constant(Tensor.ofFloats(SW, 2))),
                b.scalar(DType.INT32, 0));
        IRModule expected = b.module(b.function(y, x2));

        IRModule after = Sequential.of(QuantizeInt8.pass(QuantizeInt8.Config.dynamic(QuantizeInt8.ActivationGemms.FP32)))
                .run(before, PassContext.defaults());
        GraphPassesTest.assertStructEq(expected, after);
    }

    @Test
    void dynamicMatmulWithARowMajorWeightGetsItTransposedForQnnDense() {
        Builder b = new Builder();
        Var x = b.var("x", DType.FP32, 2, 4, 3);
        Tensor w = Tensor.ofFloats(new float[] {0.5f, 2.0f, -1.0f, 0.1f, 0.25f, -0.4f}, 3, 2);   // (K, N): nn.matmul
        IRModule before = b.module(b.function(b.matmul(x, b.constant(w, "w")), x));

        IRModule after = Sequential.of(QuantizeInt8.pass(QuantizeInt8.Config.dynamic(QuantizeInt8.ActivationGemms.FP32)))
                .run(before, PassContext.defaults());
        Call deq = (Call) after.main().body();
        Call dense = (Call) deq.arg(0);
        assertEquals(Ops.QNN_DENSE, dense.op());
        Constant wq = (Constant) dense.arg(1);
        assertEquals(List.of(2, 3), List.of(wq.type().dim(0), wq.type().dim(1)), "qnn.dense takes the weight as (N, K)");
        // W^T is tinyDense's weight: the same int8 values
        for (int i = 0; i < WQ.length; i++) assertEquals(WQ[i], wq.data().getLong(i), "element " + i);
        assertEquals(List.of(2, 4, 2), List.of(after.main().body().tensorType().dim(0),
                after.main().body().tensorType().dim(1), after.main().body().tensorType().dim(2)));
    }

    @Test
    void dynamicActivationGemmsUseSymmetricRunTimeScalesOrStayFp32() {
        Builder b = new Builder();
        Var q = b.var("q", DType.FP32, 2, 4, 8);
        Var k = b.var("k", DType.FP32, 2, 4, 8);
        IRModule before = b.module(b.function(b.batchMatmul(q, k), q, k));

        IRModule fp32 = Sequential.of(QuantizeInt8.pass(QuantizeInt8.Config.dynamic(QuantizeInt8.ActivationGemms.FP32)))
                .run(before, PassContext.defaults());
        GraphPassesTest.assertStructEq(before, fp32);

        Var q2 = b.var("q", DType.FP32, 2, 4, 8);
        Var k2 = b.var("k", DType.FP32, 2, 4, 8);
        Expr sq = b.divide(b.maximum(b.max(b.abs(q2), false), b.scalar(Float.MIN_NORMAL)), b.scalar(127f));
        Expr sk = b.divide(b.maximum(b.max(b.abs(k2), false), b.scalar(Float.MIN_NORMAL)), b.scalar(127f));
        Call acc = b.call(Ops.BATCH_MATMUL, new org.pimllm.ir.attrs.MatmulAttrs(false, true, DType.INT32),
                b.call(Ops.QUANTIZE, QuantizeAttrs.INT8, q2, sq, b.scalar(DType.INT32, 0)),
                b.call(Ops.QUANTIZE, QuantizeAttrs.INT8, k2, sk, b.scalar(DType.INT32, 0)));
        Call y = b.call(Ops.DEQUANTIZE, new AxisAttrs(-1), acc, b.multiply(sq, sk), b.scalar(DType.INT32, 0));
        IRModule expected = b.module(b.function(y, q2, k2));
        IRModule int8 = Sequential.of(QuantizeInt8.pass(QuantizeInt8.Config.dynamic(QuantizeInt8.ActivationGemms.QUANTIZED)))
                .run(before, PassContext.defaults());
        GraphPassesTest.assertStructEq(expected, int8);
    }

    @Test
    void staticSchemeCanLeaveActivationGemmsInFp32() {
        SplittableRandom r = new SplittableRandom(7);
        IRModule fp32 = block(new Builder(1), 8, 32, 2, r);
        IRModule q = Sequential.of(QuantizeInt8.pass(QuantizeInt8.Config.ranges(4.0)
                .withActivationGemms(QuantizeInt8.ActivationGemms.FP32))).run(fp32, PassContext.defaults());
        int int8Dense = 0;
        int fp32Bmm = 0;
        for (Expr e : ExprVisitor.postOrder(q.main())) {
            if (e instanceof Call c && c.is(Ops.DENSE) && c.arg(0).dtype() == DType.INT8) int8Dense++;
            if (e instanceof Call c && c.is(Ops.BATCH_MATMUL) && c.dtype() == DType.FP32) fp32Bmm++;
        }
        assertEquals(7, int8Dense, "the seven projections with constant weights are int8");
        assertEquals(2, fp32Bmm, "both attention batch matmuls stay fp32");
    }

    @Test
    void dynamicInt8ModelStaysCloseToTheFloatModelWithoutCalibration() {
        SplittableRandom r = new SplittableRandom(2024);
        IRModule fp32 = block(new Builder(1), 8, 32, 2, r);
        Tensor fresh = random(r, 1.0, 8, 32);
        Tensor yf = GraphInterpreter.run(fp32.main(), Map.of("x", fresh));
        for (QuantizeInt8.ActivationGemms g : QuantizeInt8.ActivationGemms.values()) {
            IRModule int8 = Sequential.of(QuantizeInt8.pass(QuantizeInt8.Config.dynamic(g)), CommonSubexpressionElimination.pass())
                    .run(fp32, PassContext.defaults());
            int qnnDense = 0;
            for (Expr e : ExprVisitor.postOrder(int8.main())) {
                if (e instanceof Call c && c.is(Ops.QNN_DENSE)) {
                    assertEquals(DType.UINT8, c.arg(0).dtype(), "activations are uint8 with a zero point");
                    qnnDense++;
                }
            }
            assertEquals(7, qnnDense);
            double err = relativeError(yf, GraphInterpreter.run(int8.main(), Map.of("x", fresh)));
            // measured: 1.7% with fp32 attention, 2.0% with int8 attention (static scheme, test above: 3.7%)
            assertTrue(err < 0.03, g + ": relative L2 error of the int8 model " + err);
            assertTrue(err > 0, "the int8 model really is quantized");
        }
    }

    @Test
    void dynamicSchemeTakesNoStaticRanges() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new QuantizeInt8.Config(
                QuantizeInt8.Scheme.DYNAMIC, QuantizeInt8.ActivationGemms.FP32, 8.0, Map.of(), null, List.of()));
        assertTrue(e.getMessage().contains("run time"), e.getMessage());
    }
}
