package org.pimllm.ir.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.LongBinaryOperator;
import org.apache.commons.numbers.gamma.Erf;
import org.junit.jupiter.api.Test;
import org.pimllm.ir.Builder;
import org.pimllm.ir.Constant;
import org.pimllm.ir.DType;
import org.pimllm.ir.Expr;
import org.pimllm.ir.Op;
import org.pimllm.ir.Ops;
import org.pimllm.ir.Tensor;

/**
 * The numeric policy of docs/ir.md, element by element: every elementwise op on random and special values
 * (NaN, infinities, -0, extremes) against the formula the policy states, written out here in plain Java. These are
 * the semantics the runtime's executor had before the evaluators were merged (float32 per op, StrictMath, integer
 * wrap-around), so this also pins that nothing moved.
 */
class NumericPolicyTest {

    private static final int N = 512;
    private final Builder b = new Builder(1);

    private static float[] floats(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 1f, -1f,
            Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 0.5f, 88.8f, -104f, 1e-30f};
        float[] v = new float[N];
        for (int i = 0; i < N; i++) {
            v[i] = i < special.length ? special[i] : switch (i % 3) {
                case 0 -> (float) (r.nextDouble() * 20 - 10);
                case 1 -> (float) (r.nextGaussian() * 1e3);
                default -> Float.intBitsToFloat(r.nextInt());
            };
        }
        return v;
    }

    private static long[] longs(long seed, DType d) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] v = new long[N];
        for (int i = 0; i < N; i++) {
            long x = i < 4 ? new long[] {d.minValue(), d.maxValue(), 0, -1}[i] : r.nextLong();
            v[i] = switch (d) {
                case INT8 -> (byte) x;
                case INT16 -> (short) x;
                case INT32 -> (int) x;
                default -> x;
            };
        }
        return v;
    }

    private static Constant fp32(float[] v) { return Constant.of(Tensor.ofFloats(v, v.length)); }

    private static Constant ints(DType d, long[] v) {
        Tensor t = Tensor.zeros(d, v.length);
        for (int i = 0; i < v.length; i++) t.setLong(i, v[i]);
        return Constant.of(t);
    }

    private static Tensor run(Expr e) { return Interpreter.eval(e, Map.of()).tensor(); }

    private static void sameBits(float want, float got, String what) {
        assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(got), what + ": want " + want + ", got " + got);
    }

    private void unary(Op op, DoubleUnaryOperator formula) {
        float[] x = floats(op.name().hashCode());
        Tensor y = run(b.call(op, fp32(x)));
        for (int i = 0; i < N; i++) sameBits((float) formula.applyAsDouble(x[i]), y.floats()[i], op.name() + "(" + x[i] + ")");
    }

    @Test
    void unaryFloatOpsAreStrictMathRoundedOnce() {
        unary(Ops.NEGATIVE, x -> -x);
        unary(Ops.ABS, Math::abs);
        unary(Ops.RELU, x -> Math.max(x, 0.0));
        unary(Ops.SQRT, Math::sqrt);
        unary(Ops.RSQRT, x -> 1.0 / StrictMath.sqrt(x));
        unary(Ops.EXP, StrictMath::exp);
        unary(Ops.LOG, StrictMath::log);
        unary(Ops.ERF, Erf::value);
        unary(Ops.TANH, StrictMath::tanh);
        unary(Ops.SIGMOID, x -> 1.0 / (1.0 + StrictMath.exp(-x)));
        unary(Ops.COS, StrictMath::cos);
        unary(Ops.SIN, StrictMath::sin);
        unary(Ops.SILU, x -> x / (1.0 + StrictMath.exp(-x)));
        unary(Ops.GELU, x -> 0.5 * x * (1 + Erf.value(x * (1 / Math.sqrt(2)))));
    }

    /**
     * The erf the kernels use (commons-numbers, Boost's rational approximations) against an independent one
     * (commons-math3's series, which stops at a relative 1e-15): equal to 1e-14, far below a float's 6e-8.
     */
    @Test
    void erfAgreesWithAnIndependentImplementation() {
        for (int i = -6000; i <= 6000; i++) {
            double x = i / 1000.0;
            double want = org.apache.commons.math3.special.Erf.erf(x);
            assertEquals(want, Erf.value(x), 1e-14 * Math.abs(want) + 1e-300, "erf(" + x + ")");
        }
    }

    private void binary(Op op, DoubleBinaryOperator formula) {
        float[] x = floats(op.name().hashCode());
        float[] y = floats(op.name().hashCode() + 1);
        Tensor z = run(b.call(op, fp32(x), fp32(y)));
        for (int i = 0; i < N; i++) {
            sameBits((float) formula.applyAsDouble(x[i], y[i]), z.floats()[i], op.name() + "(" + x[i] + ", " + y[i] + ")");
        }
    }

    @Test
    void binaryFloatOpsAreFloat32PerOp() {
        binary(Ops.ADD, (x, y) -> (float) x + (float) y);
        binary(Ops.SUBTRACT, (x, y) -> (float) x - (float) y);
        binary(Ops.MULTIPLY, (x, y) -> (float) x * (float) y);
        binary(Ops.DIVIDE, (x, y) -> (float) x / (float) y);
        binary(Ops.POWER, StrictMath::pow);
        binary(Ops.MAXIMUM, Math::max);
        binary(Ops.MINIMUM, Math::min);
    }

    /**
     * The fp32 arithmetic fast path (same shape, or a row repeated over the leading axes) and the broadcasting
     * reference it falls back to (a column) both give the double result rounded once, bit for bit.
     */
    @Test
    void broadcastArithmeticIsTheDoubleResultRoundedOnce() {
        int rows = 16, cols = N / rows;
        float[] x = floats(7);
        float[] row = java.util.Arrays.copyOf(floats(8), cols);
        float[] col = java.util.Arrays.copyOf(floats(9), rows);
        List<DoubleBinaryOperator> fs = List.of((p, q) -> p + q, (p, q) -> p - q, (p, q) -> p * q, (p, q) -> p / q);
        List<Op> ops = List.of(Ops.ADD, Ops.SUBTRACT, Ops.MULTIPLY, Ops.DIVIDE);
        for (int o = 0; o < ops.size(); o++) {
            Constant a = Constant.of(Tensor.ofFloats(x, rows, cols));
            Tensor byRow = run(b.call(ops.get(o), a, Constant.of(Tensor.ofFloats(row, 1, cols))));
            Tensor byCol = run(b.call(ops.get(o), a, Constant.of(Tensor.ofFloats(col, rows, 1))));
            for (int i = 0; i < N; i++) {
                String what = ops.get(o).name() + " element " + i;
                sameBits((float) fs.get(o).applyAsDouble(x[i], row[i % cols]), byRow.floats()[i], what + " (row)");
                sameBits((float) fs.get(o).applyAsDouble(x[i], col[i / cols]), byCol.floats()[i], what + " (column)");
            }
        }
    }

    /**
     * Per-tensor quantize and dequantize (a fast path) equal the per-channel reference loop given the same scale and
     * zero point in every channel, bit for bit, over NaN, infinities, saturation and ties.
     */
    @Test
    void perTensorQuantizationEqualsThePerChannelLoop() {
        int rows = 16, cols = N / rows;
        float[] x = floats(11);
        for (int i = 0; i < 32; i++) x[i] = (i - 16) * 0.5f * 0.037f; // exact ties of x / s at s = 0.037
        float s = 0.037f;
        int zp = 3;
        float[] sc = new float[cols];
        int[] zc = new int[cols];
        java.util.Arrays.fill(sc, s);
        java.util.Arrays.fill(zc, zp);
        Constant data = Constant.of(Tensor.ofFloats(x, rows, cols));
        Tensor perTensor = run(b.quantize(data, fp32(new float[] {s}), Constant.of(Tensor.ofInts(new int[] {zp}, 1)), DType.INT8, -1));
        Tensor perChannel = run(b.quantize(data, fp32(sc), Constant.of(Tensor.ofInts(zc, cols)), DType.INT8, -1));
        assertTrue(perTensor.contentEquals(perChannel));
        Constant q = Constant.of(perTensor);
        Tensor back = run(b.dequantize(q, fp32(new float[] {s}), Constant.of(Tensor.ofInts(new int[] {zp}, 1)), -1));
        Tensor backPerChannel = run(b.dequantize(q, fp32(sc), Constant.of(Tensor.ofInts(zc, cols)), -1));
        for (int i = 0; i < N; i++) sameBits(backPerChannel.floats()[i], back.floats()[i], "dequantize element " + i);
    }

    private void intBinary(Op op, DType d, LongBinaryOperator formula) {
        long[] x = longs(op.name().hashCode(), d);
        long[] y = longs(op.name().hashCode() + 7, d);
        if (op.equals(Ops.DIVIDE)) for (int i = 0; i < N; i++) if (y[i] == 0) y[i] = 3;
        if (op.equals(Ops.POWER)) for (int i = 0; i < N; i++) y[i] = Math.floorMod(y[i], 70) - 5; // small exponents, some negative
        Tensor z = run(b.call(op, ints(d, x), ints(d, y)));
        for (int i = 0; i < N; i++) {
            long want = formula.applyAsLong(x[i], y[i]);
            long wrapped = switch (d) {
                case INT8 -> (byte) want;
                case INT16 -> (short) want;
                case INT32 -> (int) want;
                default -> want;
            };
            assertEquals(wrapped, z.getLong(i), op.name() + " " + d + "(" + x[i] + ", " + y[i] + ")");
        }
    }

    /** a^b by repeated multiplication (wrapping in long); 1 / a^|b| truncated for negative b. */
    private static long powLoop(long a, long b) {
        if (b < 0) return a == 1 ? 1 : a == -1 ? (b % 2 == 0 ? 1 : -1) : 0;
        long r = 1;
        for (long i = 0; i < b; i++) r *= a;
        return r;
    }

    @Test
    void integerOpsWrapAroundInTheirDtype() {
        for (DType d : List.of(DType.INT8, DType.INT16, DType.INT32, DType.INT64)) {
            intBinary(Ops.ADD, d, (x, y) -> x + y);
            intBinary(Ops.SUBTRACT, d, (x, y) -> x - y);
            intBinary(Ops.MULTIPLY, d, (x, y) -> x * y);
            intBinary(Ops.DIVIDE, d, (x, y) -> x / y);
            intBinary(Ops.POWER, d, NumericPolicyTest::powLoop);
            intBinary(Ops.MAXIMUM, d, Math::max);
            intBinary(Ops.MINIMUM, d, Math::min);
        }
        ArithmeticException e = assertThrows(ArithmeticException.class,
                () -> run(b.divide(ints(DType.INT32, new long[] {5}), ints(DType.INT32, new long[] {0}))));
        assertTrue(e.getMessage().contains("integer division by zero"), e.getMessage());
    }

    @Test
    void comparisonsTreatNegativeZeroAsZeroAndNaNAsUnordered() {
        float[] x = {Float.NaN, 1, -0f, 0f, 2};
        float[] y = {Float.NaN, Float.NaN, 0f, -0f, 1};
        assertEquals(List.of(0L, 0L, 1L, 1L, 0L), longsOf(run(b.equal(fp32(x), fp32(y)))));
        assertEquals(List.of(1L, 1L, 0L, 0L, 1L), longsOf(run(b.call(Ops.NOT_EQUAL, fp32(x), fp32(y)))));
        assertEquals(List.of(0L, 0L, 0L, 0L, 1L), longsOf(run(b.greater(fp32(x), fp32(y)))));
        assertEquals(List.of(0L, 0L, 1L, 1L, 0L), longsOf(run(b.call(Ops.LESS_EQUAL, fp32(x), fp32(y)))));
    }

    @Test
    void castsTruncateAndSaturateFromFloatAndWrapBetweenIntegers() {
        float[] x = floats(5);
        for (DType d : List.of(DType.INT8, DType.UINT8, DType.INT32, DType.INT64)) {
            Tensor y = run(b.cast(fp32(x), d));
            for (int i = 0; i < N; i++) {
                double v = x[i];
                long want = Double.isNaN(v) ? 0 : (long) Math.max(d.minValue(), Math.min(d.maxValue(), v < 0 ? Math.ceil(v) : Math.floor(v)));
                assertEquals(want, y.getLong(i), "cast " + v + " to " + d);
            }
        }
        long[] w = longs(9, DType.INT64);
        Tensor y = run(b.cast(ints(DType.INT64, w), DType.INT8));
        for (int i = 0; i < N; i++) assertEquals((byte) w[i], y.getLong(i), "cast " + w[i] + " to int8");
    }

    @Test
    void quantizeRoundsHalfToEvenInFloat32AndSaturates() {
        float[] x = floats(3);
        float scale = 0.37f;
        Tensor q = run(b.quantize(fp32(x), b.scalar(scale), b.scalar(DType.INT32, 5), DType.INT8, -1));
        for (int i = 0; i < N; i++) {
            float div = x[i] / scale;
            long want = Float.isNaN(div) ? 0 : (long) Math.max(-128, Math.min(127, Math.rint(div) + 5));
            assertEquals(want, q.getLong(i), "quantize " + x[i]);
        }
    }

    private static List<Long> longsOf(Tensor t) {
        Long[] v = new Long[t.size()];
        for (int i = 0; i < v.length; i++) v[i] = t.getLong(i);
        return List.of(v);
    }
}
