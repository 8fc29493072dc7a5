package org.pimllm.ir.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.IntPredicate;
import java.util.function.LongBinaryOperator;
import java.util.function.LongUnaryOperator;
import org.apache.commons.numbers.gamma.Erf;
import org.pimllm.ir.Call;
import org.pimllm.ir.DType;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.TensorType;
import org.pimllm.ir.TupleType;
import org.pimllm.ir.attrs.ArangeAttrs;
import org.pimllm.ir.attrs.ArgReduceAttrs;
import org.pimllm.ir.attrs.AxesAttrs;
import org.pimllm.ir.attrs.AxisAttrs;
import org.pimllm.ir.attrs.ClipAttrs;
import org.pimllm.ir.attrs.GeluAttrs;
import org.pimllm.ir.attrs.LayerNormAttrs;
import org.pimllm.ir.attrs.MaskAttrs;
import org.pimllm.ir.attrs.MatmulAttrs;
import org.pimllm.ir.attrs.QuantizeAttrs;
import org.pimllm.ir.attrs.ReduceAttrs;
import org.pimllm.ir.attrs.RequantizeAttrs;
import org.pimllm.ir.attrs.RmsNormAttrs;
import org.pimllm.ir.attrs.RopeAttrs;
import org.pimllm.ir.attrs.SplitAttrs;
import org.pimllm.ir.attrs.StridedSliceAttrs;

/**
 * The compute function ({@link Compute}) of every built-in op: the one definition of what each op computes, attached
 * to the op in {@link org.pimllm.ir.Ops} and used by constant folding, the reference interpreter and the runtime.
 * The hot parts (GEMMs, softmax, norms) go through {@link HostKernels}, so the runtime's Vector API kernels plug in
 * and give the same bits as {@link ScalarKernels}.
 *
 * <p>Numeric policy (docs/ir.md, "Numeric policy"): float arithmetic is IEEE float32 per op (+ - * / and sqrt
 * computed in double and rounded once, which equals float arithmetic); transcendental functions are
 * {@link StrictMath} in double, rounded to float; erf is commons-math3's. Sums of the GEMM and norm kernels use the
 * fixed eight-lane order of {@link HostKernels}. Integer arithmetic wraps around in the result dtype (two's
 * complement, as C and TVM); integer division truncates, and division by zero is an error. {@code cast} from float
 * to integer truncates toward zero and saturates (NaN gives 0); between integers it wraps; to bool is "non-zero".
 * Quantization rounds half to even (ONNX QuantizeLinear) and saturates.
 */
public final class OpSemantics {

    private OpSemantics() {
    }

    // ---- helpers ----

    private static TensorType outType(Call call) {
        if (call.type() instanceof TensorType t) return t;
        throw new IllegalStateException(call.op().name() + " does not produce a tensor");
    }

    private static Tensor newOut(Call call) {
        return Tensor.zeros(outType(call));
    }

    private static Value done(Tensor t) {
        return Value.of(t);
    }

    private static long intDivide(long a, long b) {
        if (b == 0) throw new ArithmeticException("integer division by zero in 'divide'");
        return a / b;
    }

    /** a^b with wrap-around (square and multiply); a negative exponent gives the truncated 1 / a^|b|. */
    static long intPow(long a, long b) {
        if (b < 0) return a == 1 ? 1 : a == -1 ? (b % 2 == 0 ? 1 : -1) : 0;
        long r = 1;
        long base = a;
        for (long e = b; e > 0; e >>= 1) {
            if ((e & 1) != 0) r *= base;
            base *= base;
        }
        return r;
    }

    private static boolean sameShape(Tensor t, int[] shape) {
        return Arrays.equals(t.shape(), shape);
    }

    private static void copyElement(Tensor src, int j, Tensor dst, int i) {
        switch (dst.storage()) {
            case float[] f -> f[i] = ((float[]) src.storage())[j];
            case byte[] b -> b[i] = ((byte[]) src.storage())[j];
            case short[] s -> s[i] = ((short[]) src.storage())[j];
            case int[] v -> v[i] = ((int[]) src.storage())[j];
            case long[] l -> l[i] = ((long[]) src.storage())[j];
            default -> throw new IllegalStateException("unexpected storage");
        }
    }

    // ---- binary elementwise (numpy broadcasting) ----

    public static Value add(Call c, List<Tensor> a, HostKernels k) {
        Value fast = arithmeticF32(c, a, Arithmetic.ADD);
        return fast != null ? fast : binary(c, a, (x, y) -> x + y, Long::sum);
    }

    public static Value subtract(Call c, List<Tensor> a, HostKernels k) {
        Value fast = arithmeticF32(c, a, Arithmetic.SUBTRACT);
        return fast != null ? fast : binary(c, a, (x, y) -> x - y, (x, y) -> x - y);
    }

    public static Value multiply(Call c, List<Tensor> a, HostKernels k) {
        Value fast = arithmeticF32(c, a, Arithmetic.MULTIPLY);
        return fast != null ? fast : binary(c, a, (x, y) -> x * y, (x, y) -> x * y);
    }

    public static Value divide(Call c, List<Tensor> a, HostKernels k) {
        Value fast = arithmeticF32(c, a, Arithmetic.DIVIDE);
        return fast != null ? fast : binary(c, a, (x, y) -> x / y, OpSemantics::intDivide);
    }

    private enum Arithmetic { ADD, SUBTRACT, MULTIPLY, DIVIDE }

    /**
     * The fast path of the four arithmetic ops on fp32 when the first operand has the output's shape and the second
     * has it too or repeats over its leading axes (a bias row): one loop per op instead of {@link #binary}'s lambda
     * and broadcast index per element. Float arithmetic equals the double one rounded once (53 >= 2 x 24 + 2 bits),
     * so the result is bit-identical to {@link #binary}, the reference (tested). Null when it does not apply.
     */
    private static Value arithmeticF32(Call call, List<Tensor> args, Arithmetic op) {
        Tensor a = args.get(0), b = args.get(1);
        if (!(call.type() instanceof TensorType t) || t.dtype() != DType.FP32
                || a.dtype() != DType.FP32 || b.dtype() != DType.FP32 || !sameShape(a, t.shapeArray())) {
            return null;
        }
        int n = a.size();
        int m = b.size(); // the repeated row: b's shape must be a suffix of the output's, leading 1s aside
        if (m == 0 || n % m != 0 || !isTrailingRow(b.shape(), t.shapeArray())) return null;
        Tensor out = newOut(call);
        float[] x = a.floats(), y = b.floats(), o = out.floats();
        for (int base = 0; base < n; base += m) {
            switch (op) {
                case ADD -> { for (int j = 0; j < m; j++) o[base + j] = x[base + j] + y[j]; }
                case SUBTRACT -> { for (int j = 0; j < m; j++) o[base + j] = x[base + j] - y[j]; }
                case MULTIPLY -> { for (int j = 0; j < m; j++) o[base + j] = x[base + j] * y[j]; }
                case DIVIDE -> { for (int j = 0; j < m; j++) o[base + j] = x[base + j] / y[j]; }
            }
        }
        return done(out);
    }

    /** Whether a tensor of shape b, broadcast to out, repeats one contiguous row: b = (1, ..., 1, out's last dims). */
    private static boolean isTrailingRow(int[] b, int[] out) {
        if (b.length > out.length) return false;
        int lead = 0;
        while (lead < b.length && b[lead] == 1) lead++;
        for (int i = b.length - 1, j = out.length - 1; i >= lead; i--, j--) {
            if (b[i] != out[j]) return false;
        }
        return true;
    }

    public static Value power(Call c, List<Tensor> a, HostKernels k) { return binary(c, a, StrictMath::pow, OpSemantics::intPow); }

    public static Value maximum(Call c, List<Tensor> a, HostKernels k) { return binary(c, a, Math::max, Math::max); }

    public static Value minimum(Call c, List<Tensor> a, HostKernels k) { return binary(c, a, Math::min, Math::min); }

    /** f on float operands (rounded to the output dtype), g on integers (wrapped into it). */
    private static Value binary(Call call, List<Tensor> args, DoubleBinaryOperator f, LongBinaryOperator g) {
        Tensor a = args.get(0);
        Tensor b = args.get(1);
        Tensor out = newOut(call);
        int[] shape = out.shape();
        int n = out.size();
        int[] ia = sameShape(a, shape) ? null : Shapes.broadcastIndex(a.shape(), shape);
        int[] ib = sameShape(b, shape) ? null : Shapes.broadcastIndex(b.shape(), shape);
        if (out.dtype() == DType.FP32) {
            float[] x = a.floats(), y = b.floats(), o = out.floats();
            for (int i = 0; i < n; i++) {
                o[i] = (float) f.applyAsDouble(x[ia == null ? i : ia[i]], y[ib == null ? i : ib[i]]);
            }
        } else if (out.dtype().isFloat()) {
            for (int i = 0; i < n; i++) {
                float r = (float) f.applyAsDouble((float) a.getDouble(ia == null ? i : ia[i]), (float) b.getDouble(ib == null ? i : ib[i]));
                out.setDouble(i, r);
            }
        } else {
            for (int i = 0; i < n; i++) {
                Elems.setWrapped(out, i, g.applyAsLong(a.getLong(ia == null ? i : ia[i]), b.getLong(ib == null ? i : ib[i])));
            }
        }
        return done(out);
    }

    public static Value equal(Call c, List<Tensor> a, HostKernels k) { return compare(c, a, r -> r == 0); }

    public static Value notEqual(Call c, List<Tensor> a, HostKernels k) { return compare(c, a, r -> r != 0); }

    public static Value less(Call c, List<Tensor> a, HostKernels k) { return compare(c, a, r -> r < 0); }

    public static Value lessEqual(Call c, List<Tensor> a, HostKernels k) { return compare(c, a, r -> r <= 0); }

    public static Value greater(Call c, List<Tensor> a, HostKernels k) { return compare(c, a, r -> r > 0); }

    public static Value greaterEqual(Call c, List<Tensor> a, HostKernels k) { return compare(c, a, r -> r >= 0); }

    /** IEEE comparison: -0 equals 0, and every comparison with NaN is false except not_equal. */
    private static Value compare(Call call, List<Tensor> args, IntPredicate test) {
        Tensor a = args.get(0);
        Tensor b = args.get(1);
        Tensor out = newOut(call);
        int[] shape = out.shape();
        int[] ia = Shapes.broadcastIndex(a.shape(), shape);
        int[] ib = Shapes.broadcastIndex(b.shape(), shape);
        byte[] o = out.bytes();
        boolean fl = a.dtype().isFloat();
        for (int i = 0; i < o.length; i++) {
            int c;
            if (fl) {
                double x = a.getDouble(ia[i]), y = b.getDouble(ib[i]);
                if (Double.isNaN(x) || Double.isNaN(y)) {
                    o[i] = (byte) (test.test(1) && test.test(-1) ? 1 : 0); // NaN: only not_equal holds
                    continue;
                }
                c = Double.compare(x == 0 ? 0.0 : x, y == 0 ? 0.0 : y);
            } else {
                c = Long.compare(a.getLong(ia[i]), b.getLong(ib[i]));
            }
            o[i] = (byte) (test.test(c) ? 1 : 0);
        }
        return done(out);
    }

    // ---- unary elementwise ----

    public static Value negative(Call c, List<Tensor> a, HostKernels k) { return unary(c, a.get(0), x -> -x, x -> -x); }

    public static Value abs(Call c, List<Tensor> a, HostKernels k) { return unary(c, a.get(0), Math::abs, Math::abs); }

    public static Value relu(Call c, List<Tensor> a, HostKernels k) { return unary(c, a.get(0), x -> Math.max(x, 0.0), x -> Math.max(x, 0)); }

    public static Value sqrt(Call c, List<Tensor> a, HostKernels k) { return unary(c, a.get(0), Math::sqrt, null); }

    public static Value rsqrt(Call c, List<Tensor> a, HostKernels k) { return unary(c, a.get(0), x -> 1.0 / StrictMath.sqrt(x), null); }

    public static Value exp(Call c, List<Tensor> a, HostKernels k) { return unary(c, a.get(0), StrictMath::exp, null); }

    public static Value log(Call c, List<Tensor> a, HostKernels k) { return unary(c, a.get(0), StrictMath::log, null); }

    public static Value erf(Call c, List<Tensor> a, HostKernels k) { return unary(c, a.get(0), Erf::value, null); }

    public static Value tanh(Call c, List<Tensor> a, HostKernels k) { return unary(c, a.get(0), StrictMath::tanh, null); }

    public static Value sigmoid(Call c, List<Tensor> a, HostKernels k) {
        return unary(c, a.get(0), x -> 1.0 / (1.0 + StrictMath.exp(-x)), null);
    }

    public static Value cos(Call c, List<Tensor> a, HostKernels k) { return unary(c, a.get(0), StrictMath::cos, null); }

    public static Value sin(Call c, List<Tensor> a, HostKernels k) { return unary(c, a.get(0), StrictMath::sin, null); }

    public static Value silu(Call c, List<Tensor> a, HostKernels k) {
        return unary(c, a.get(0), x -> x / (1.0 + StrictMath.exp(-x)), null);
    }

    /** Exact (erf) GELU or its tanh approximation, each computed in double and rounded once. */
    public static Value gelu(Call c, List<Tensor> a, HostKernels k) {
        DoubleUnaryOperator f;
        if (c.attrs(GeluAttrs.class).approximate() == GeluAttrs.Approximation.TANH) {
            double s = Math.sqrt(2 / Math.PI);
            f = x -> 0.5 * x * (1 + StrictMath.tanh(s * (x + 0.044715 * x * x * x)));
        } else {
            double inv = 1 / Math.sqrt(2);
            f = x -> 0.5 * x * (1 + Erf.value(x * inv));
        }
        return unary(c, a.get(0), f, null);
    }

    /** f in double on float data, rounded to the output dtype; g on integers, wrapped (null: floats only). */
    private static Value unary(Call call, Tensor x, DoubleUnaryOperator f, LongUnaryOperator g) {
        Tensor out = newOut(call);
        int n = out.size();
        if (out.dtype() == DType.FP32) {
            float[] xi = x.floats(), o = out.floats();
            for (int i = 0; i < n; i++) o[i] = (float) f.applyAsDouble(xi[i]);
        } else if (out.dtype().isFloat()) {
            for (int i = 0; i < n; i++) out.setDouble(i, (float) f.applyAsDouble((float) x.getDouble(i)));
        } else {
            if (g == null) throw new IllegalArgumentException(call.op().name() + " is defined on floats only, got " + x.dtype());
            for (int i = 0; i < n; i++) Elems.setWrapped(out, i, g.applyAsLong(x.getLong(i)));
        }
        return done(out);
    }

    /** Floats clamp to [a_min, a_max]; integers to [ceil(a_min), floor(a_max)]. */
    public static Value clip(Call call, List<Tensor> args, HostKernels k) {
        ClipAttrs a = call.attrs(ClipAttrs.class);
        Tensor x = args.get(0);
        Tensor out = newOut(call);
        for (int i = 0; i < out.size(); i++) {
            if (x.dtype().isFloat()) {
                out.setDouble(i, Math.min(Math.max(x.getDouble(i), a.aMin()), a.aMax()));
            } else {
                long lo = (long) Math.ceil(a.aMin()), hi = (long) Math.floor(a.aMax());
                Elems.setWrapped(out, i, Math.min(Math.max(x.getLong(i), lo), hi));
            }
        }
        return done(out);
    }

    /** Float to integer truncates toward zero and saturates (NaN: 0); integer to integer wraps; to bool: non-zero. */
    public static Value cast(Call call, List<Tensor> args, HostKernels k) {
        Tensor x = args.get(0);
        Tensor out = newOut(call);
        for (int i = 0; i < out.size(); i++) {
            if (x.dtype().isFloat()) Elems.setTruncated(out, i, x.getDouble(i));
            else if (out.dtype().isFloat()) out.setDouble(i, x.getLong(i));
            else Elems.setWrapped(out, i, x.getLong(i));
        }
        return done(out);
    }

    public static Value where(Call call, List<Tensor> args, HostKernels k) {
        Tensor c = args.get(0), x = args.get(1), y = args.get(2);
        Tensor out = newOut(call);
        int[] shape = out.shape();
        int[] ic = Shapes.broadcastIndex(c.shape(), shape);
        int[] ix = Shapes.broadcastIndex(x.shape(), shape);
        int[] iy = Shapes.broadcastIndex(y.shape(), shape);
        byte[] cb = c.bytes();
        for (int i = 0; i < out.size(); i++) {
            boolean pick = cb[ic[i]] != 0;
            copyElement(pick ? x : y, pick ? ix[i] : iy[i], out, i);
        }
        return done(out);
    }

    // ---- GEMMs ----

    /** nn.dense: out[m][n] = sum_k x[m][k] * w[n][k]. */
    public static Value dense(Call call, List<Tensor> args, HostKernels kernels) {
        Tensor x = args.get(0), w = args.get(1);
        Tensor out = newOut(call);
        int k = x.dim(-1);
        int n = w.dim(0);
        int m = k == 0 ? out.size() / Math.max(n, 1) : x.size() / k;
        gemm(kernels, x, 0, w, 0, out, 0, m, k, n);
        return done(out);
    }

    /**
     * One GEMM of row-major A (M, K) and W (N, K): int8 x int8 -> int32 and float32 on the kernels, anything else
     * by {@link #genericGemm}.
     */
    private static void gemm(HostKernels kernels, Tensor x, int xOff, Tensor w, int wOff, Tensor out, int oOff, int m, int k, int n) {
        if (x.dtype() == DType.INT8 && w.dtype() == DType.INT8 && out.dtype() == DType.INT32) {
            kernels.gemmInt8(x.bytes(), xOff, w.bytes(), wOff, out.ints(), oOff, m, k, n);
        } else if (x.dtype() == DType.FP32 && out.dtype() == DType.FP32) {
            kernels.gemmFp32(x.floats(), xOff, w.floats(), wOff, out.floats(), oOff, m, k, n);
        } else {
            genericGemm(x, xOff, w, wOff, out, oOff, m, k, n);
        }
    }

    /**
     * out[i][j] = sum_p x[i][p] * w[j][p]: integers exactly in long, wrapped into out's dtype; other floats with
     * each product rounded to float32 and the sum kept in double, rounded once.
     */
    private static void genericGemm(Tensor x, int xOff, Tensor w, int wOff, Tensor out, int oOff, int m, int k, int n) {
        boolean fl = out.dtype().isFloat();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                if (fl) {
                    double s = 0;
                    for (int p = 0; p < k; p++) s += (float) (x.getDouble(xOff + i * k + p) * w.getDouble(wOff + j * k + p));
                    out.setDouble(oOff + i * n + j, s);
                } else {
                    long s = 0;
                    for (int p = 0; p < k; p++) s += x.getLong(xOff + i * k + p) * w.getLong(wOff + j * k + p);
                    Elems.setWrapped(out, oOff + i * n + j, s);
                }
            }
        }
    }

    /** qnn.dense: sum_k (x[m][k] - x_zp) * (w[n][k] - w_zp[n]), exact with int32 (or int64) wrap-around. */
    public static Value qnnDense(Call call, List<Tensor> args, HostKernels kernels) {
        Tensor x = args.get(0), w = args.get(1), xzp = args.get(2), wzp = args.get(3);
        Tensor out = newOut(call);
        int k = x.dim(-1);
        int n = w.dim(0);
        int m = k == 0 ? out.size() / Math.max(n, 1) : x.size() / k;
        if (w.dtype() == DType.INT8 && out.dtype() == DType.INT32) {
            zeroPointGemm(kernels, x, w, xzp, wzp, out.ints(), m, k, n);
        } else {
            qnnDenseReference(x, w, xzp, wzp, out, m, k, n);
        }
        return done(out);
    }

    /**
     * {@code out[i][j] = sum_p (x[i][p] - xz) * (w[j][p] - wz_j)} for int8 or uint8 x and int8 w, on the int8 GEMM
     * kernel: x is shifted to int8 ({@code xs = x - 128} for uint8, x itself for int8, so {@code x - xz = xs + c} with
     * {@code c = 128 - xz} or {@code -xz}) and the sum expanded to
     * {@code xs.w - wz_j * rowSum(xs) + c * colSum(w_j) - K * c * wz_j}. Every term is computed in wrapping int
     * arithmetic, so the result equals {@link #qnnDenseReference}'s wrapped sum bit for bit.
     */
    private static void zeroPointGemm(HostKernels kernels, Tensor x, Tensor w, Tensor xzp, Tensor wzp, int[] out, int m, int k, int n) {
        boolean unsigned = x.dtype() == DType.UINT8;
        int c = (unsigned ? 128 : 0) - (int) xzp.getLong(0);
        byte[] xs = x.bytes();
        if (unsigned) {
            xs = xs.clone();
            for (int i = 0; i < xs.length; i++) xs[i] ^= (byte) 0x80;   // u - 128 as a signed byte
        }
        byte[] wb = w.bytes();
        if (c == 0 && wzp.size() == 1 && wzp.getLong(0) == 0) {
            kernels.gemmInt8(xs, 0, wb, 0, out, 0, m, k, n);
            return;
        }
        int[] acc = new int[m * n];
        kernels.gemmInt8(xs, 0, wb, 0, acc, 0, m, k, n);
        int[] rowSum = new int[m];
        for (int i = 0; i < m; i++) {
            int s = 0;
            for (int p = 0; p < k; p++) s += xs[i * k + p];
            rowSum[i] = s;
        }
        for (int j = 0; j < n; j++) {
            int colSum = 0;
            for (int p = 0; p < k; p++) colSum += wb[j * k + p];
            int wz = (int) wzp.getLong(wzp.size() > 1 ? j : 0);
            int constant = c * colSum - k * c * wz;
            for (int i = 0; i < m; i++) out[i * n + j] = acc[i * n + j] - wz * rowSum[i] + constant;
        }
    }

    /** The readable scalar qnn.dense: the zero-point-corrected sum in long, wrapped into out's dtype. */
    static void qnnDenseReference(Tensor x, Tensor w, Tensor xzp, Tensor wzp, Tensor out, int m, int k, int n) {
        long xz = xzp.getLong(0);
        boolean perRow = wzp.size() > 1;
        for (int j = 0; j < n; j++) {
            long wz = wzp.getLong(perRow ? j : 0);
            for (int i = 0; i < m; i++) {
                long s = 0;
                for (int p = 0; p < k; p++) s += (x.getLong(i * k + p) - xz) * (w.getLong(j * k + p) - wz);
                Elems.setWrapped(out, i * n + j, s);
            }
        }
    }

    /** nn.matmul / nn.batch_matmul: numpy matmul with broadcast batch dims, optional transposes, rank-1 operands. */
    public static Value matmul(Call call, List<Tensor> args, HostKernels kernels) {
        MatmulAttrs attrs = call.attrs(MatmulAttrs.class);
        Tensor a = args.get(0), b = args.get(1);
        Tensor out = newOut(call);
        int[] as = a.rank() == 1 ? new int[] {1, a.dim(0)} : a.shape();
        int[] bs = b.rank() == 1 ? new int[] {b.dim(0), 1} : b.shape();
        int m = attrs.transposeA() ? as[as.length - 1] : as[as.length - 2];
        int k = attrs.transposeA() ? as[as.length - 2] : as[as.length - 1];
        int n = attrs.transposeB() ? bs[bs.length - 2] : bs[bs.length - 1];
        int[] aBatch = Arrays.copyOf(as, as.length - 2);
        int[] bBatch = Arrays.copyOf(bs, bs.length - 2);
        int rank = Math.max(aBatch.length, bBatch.length);
        int[] batch = new int[rank];
        for (int d = 0; d < rank; d++) {
            int da = d - (rank - aBatch.length) < 0 ? 1 : aBatch[d - (rank - aBatch.length)];
            int db = d - (rank - bBatch.length) < 0 ? 1 : bBatch[d - (rank - bBatch.length)];
            batch[d] = Math.max(da, db);
        }
        int[] mapA = Shapes.broadcastIndex(aBatch, batch);
        int[] mapB = Shapes.broadcastIndex(bBatch, batch);
        int nb = Shapes.size(batch);
        Tensor am = a.reshape(Shapes.size(aBatch), as[as.length - 2], as[as.length - 1]);
        Tensor bm = b.reshape(Shapes.size(bBatch), bs[bs.length - 2], bs[bs.length - 1]);
        // bring A to (M, K) and B to (N, K) row-major per batch entry: the layout the kernels read
        Tensor aRows = attrs.transposeA() ? swapLast(am) : am;
        Tensor bRows = attrs.transposeB() ? bm : kernels.weightRows(bm, OpSemantics::swapLast);
        Tensor o3 = out.reshape(nb, m, n);
        for (int bi = 0; bi < nb; bi++) {
            gemm(kernels, aRows, mapA[bi] * m * k, bRows, mapB[bi] * n * k, o3, bi * m * n, m, k, n);
        }
        return done(out);
    }

    /** (B, R, C) -> (B, C, R). */
    private static Tensor swapLast(Tensor t) {
        int b = t.dim(0), r = t.dim(1), c = t.dim(2);
        Tensor out = Tensor.zeros(t.dtype(), b, c, r);
        // typed loops for the two storages GEMMs use (the same moves as the generic loop below, without its dispatch)
        if (t.storage() instanceof byte[] src && out.storage() instanceof byte[] dst) {
            for (int bi = 0; bi < b; bi++) {
                for (int i = 0; i < r; i++) {
                    for (int j = 0; j < c; j++) dst[(bi * c + j) * r + i] = src[(bi * r + i) * c + j];
                }
            }
            return out;
        }
        if (t.storage() instanceof float[] src && out.storage() instanceof float[] dst) {
            for (int bi = 0; bi < b; bi++) {
                for (int i = 0; i < r; i++) {
                    for (int j = 0; j < c; j++) dst[(bi * c + j) * r + i] = src[(bi * r + i) * c + j];
                }
            }
            return out;
        }
        for (int bi = 0; bi < b; bi++) {
            for (int i = 0; i < r; i++) {
                for (int j = 0; j < c; j++) copyElement(t, (bi * r + i) * c + j, out, (bi * c + j) * r + i);
            }
        }
        return out;
    }

    // ---- normalization ----

    /** A kernel over contiguous rows of length n. */
    private interface RowKernel {
        void apply(float[] x, float[] y, int rows, int n);
    }

    /** Runs a contiguous-row kernel along any axis by gathering rows (the last axis needs no gather). */
    private static Value alongAxis(Call call, Tensor x, int axis, RowKernel kernel) {
        int rank = x.rank();
        int ax = Shapes.axis(axis, rank);
        int[] shape = x.shape();
        int n = shape[ax];
        int inner = Shapes.prod(shape, ax + 1, rank);
        int outer = Shapes.prod(shape, 0, ax);
        float[] in = Elems.floats(x);
        float[] res = new float[in.length];
        if (inner == 1) {
            kernel.apply(in, res, outer, n);
        } else {
            float[] row = new float[n], o = new float[n];
            for (int a = 0; a < outer; a++) {
                for (int c = 0; c < inner; c++) {
                    int base = a * n * inner + c;
                    for (int i = 0; i < n; i++) row[i] = in[base + i * inner];
                    kernel.apply(row, o, 1, n);
                    for (int i = 0; i < n; i++) res[base + i * inner] = o[i];
                }
            }
        }
        return done(fromFloats(call, res));
    }

    private static Tensor fromFloats(Call call, float[] v) {
        TensorType t = outType(call);
        if (t.dtype() == DType.FP32) return Tensor.ofFloats(v, t.shapeArray());
        Tensor out = Tensor.zeros(t);
        for (int i = 0; i < v.length; i++) out.setDouble(i, v[i]);
        return out;
    }

    public static Value softmax(Call call, List<Tensor> args, HostKernels kernels) {
        return alongAxis(call, args.get(0), call.attrs(AxisAttrs.class).axis(), kernels::softmaxRows);
    }

    /** The log of the float32 softmax, element by element. */
    public static Value logSoftmax(Call call, List<Tensor> args, HostKernels kernels) {
        return alongAxis(call, args.get(0), call.attrs(AxisAttrs.class).axis(), (in, out, rows, n) -> {
            kernels.softmaxRows(in, out, rows, n);
            for (int i = 0; i < rows * n; i++) out[i] = (float) StrictMath.log(out[i]);
        });
    }

    public static Value layerNorm(Call call, List<Tensor> args, HostKernels kernels) {
        LayerNormAttrs a = call.attrs(LayerNormAttrs.class);
        Tensor x = args.get(0);
        int n = x.dim(a.axis());
        float[] g = a.scale() ? Elems.floats(args.get(1)) : filled(n, 1f);
        float[] b = a.center() ? Elems.floats(args.get(2)) : new float[n];
        float eps = (float) a.epsilon();
        return alongAxis(call, x, a.axis(), (in, out, rows, len) -> kernels.layerNormRows(in, out, rows, len, g, b, eps));
    }

    public static Value rmsNorm(Call call, List<Tensor> args, HostKernels kernels) {
        RmsNormAttrs a = call.attrs(RmsNormAttrs.class);
        float[] g = Elems.floats(args.get(1));
        float eps = (float) a.epsilon();
        return alongAxis(call, args.get(0), a.axis(), (in, out, rows, len) -> kernels.rmsNormRows(in, out, rows, len, g, eps));
    }

    private static float[] filled(int n, float v) {
        float[] f = new float[n];
        Arrays.fill(f, v);
        return f;
    }

    // ---- reductions ----

    private enum Reduction { SUM, MEAN, MAX, MIN }

    public static Value sum(Call c, List<Tensor> a, HostKernels k) { return reduce(c, a.get(0), Reduction.SUM); }

    public static Value mean(Call c, List<Tensor> a, HostKernels k) { return reduce(c, a.get(0), Reduction.MEAN); }

    public static Value max(Call c, List<Tensor> a, HostKernels k) { return reduce(c, a.get(0), Reduction.MAX); }

    public static Value min(Call c, List<Tensor> a, HostKernels k) { return reduce(c, a.get(0), Reduction.MIN); }

    /** Float sums accumulate in double in row-major order and are rounded once; integers wrap into the dtype. */
    private static Value reduce(Call call, Tensor x, Reduction kind) {
        ReduceAttrs a = call.attrs(ReduceAttrs.class);
        int rank = x.rank();
        boolean[] red = new boolean[rank];
        if (a.axes() == null) Arrays.fill(red, true);
        else for (int ax : a.axes()) red[Shapes.axis(ax, rank)] = true;
        int[] shape = x.shape();
        int[] keptShape = shape.clone();
        for (int d = 0; d < rank; d++) if (red[d]) keptShape[d] = 1;
        int outN = Shapes.size(keptShape);
        int[] outStrides = Shapes.strides(keptShape);
        boolean fl = x.dtype().isFloat();
        double[] accD = new double[outN];
        long[] accL = new long[outN];
        boolean isMax = kind == Reduction.MAX, isMin = kind == Reduction.MIN;
        if (isMax || isMin) {
            Arrays.fill(accD, isMax ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
            Arrays.fill(accL, isMax ? Long.MIN_VALUE : Long.MAX_VALUE);
        }
        int[] idx = new int[rank];
        int count = x.size() / Math.max(outN, 1);
        for (int i = 0; i < x.size(); i++) {
            int o = 0;
            for (int d = 0; d < rank; d++) if (!red[d]) o += idx[d] * outStrides[d];
            if (fl) {
                double v = x.getDouble(i);
                accD[o] = isMax ? Math.max(accD[o], v) : isMin ? Math.min(accD[o], v) : accD[o] + v;
            } else {
                long v = x.getLong(i);
                accL[o] = isMax ? Math.max(accL[o], v) : isMin ? Math.min(accL[o], v) : accL[o] + v;
            }
            for (int d = rank - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) break;
                idx[d] = 0;
            }
        }
        Tensor out = newOut(call);
        for (int i = 0; i < outN; i++) {
            if (fl) out.setDouble(i, kind == Reduction.MEAN ? accD[i] / count : accD[i]);
            else Elems.setWrapped(out, i, accL[i]);
        }
        return done(out);
    }

    /** Index of the first largest element along the axis (NaNs never compare larger). */
    public static Value argmax(Call call, List<Tensor> args, HostKernels k) {
        Tensor x = args.get(0);
        int ax = Shapes.axis(call.attrs(ArgReduceAttrs.class).axis(), x.rank());
        int[] shape = x.shape();
        int n = shape[ax];
        int inner = Shapes.prod(shape, ax + 1, shape.length);
        int outer = Shapes.prod(shape, 0, ax);
        Tensor out = newOut(call);
        long[] o = out.longs();
        for (int p = 0; p < outer; p++) {
            for (int c = 0; c < inner; c++) {
                int best = 0;
                double bv = x.getDouble(p * n * inner + c);
                for (int i = 1; i < n; i++) {
                    double v = x.getDouble((p * n + i) * inner + c);
                    if (v > bv) {
                        bv = v;
                        best = i;
                    }
                }
                o[p * inner + c] = best;
            }
        }
        return done(out);
    }

    // ---- shape manipulation ----

    /** reshape, expand_dims and squeeze: the same elements under the call's shape (storage is shared, never mutated). */
    public static Value reshape(Call call, List<Tensor> args, HostKernels k) {
        return done(args.get(0).reshape(outType(call).shapeArray()));
    }

    public static Value transpose(Call call, List<Tensor> args, HostKernels k) {
        Tensor x = args.get(0);
        AxesAttrs a = call.attrs(AxesAttrs.class);
        int rank = x.rank();
        int[] perm = new int[rank];
        for (int i = 0; i < rank; i++) perm[i] = a.axes() == null ? rank - 1 - i : Shapes.axis(a.axes().get(i), rank);
        Tensor out = newOut(call);
        int[] inStrides = Shapes.strides(x.shape());
        int[] outShape = out.shape();
        int[] idx = new int[rank];
        for (int i = 0; i < out.size(); i++) {
            int src = 0;
            for (int d = 0; d < rank; d++) src += idx[d] * inStrides[perm[d]];
            copyElement(x, src, out, i);
            for (int d = rank - 1; d >= 0; d--) {
                if (++idx[d] < outShape[d]) break;
                idx[d] = 0;
            }
        }
        return done(out);
    }

    public static Value concatenate(Call call, List<Tensor> args, HostKernels k) {
        Tensor out = newOut(call);
        int ax = Shapes.axis(call.attrs(AxisAttrs.class).axis(), out.rank());
        int[] os = out.shape();
        int outer = Shapes.prod(os, 0, ax);
        int inner = Shapes.prod(os, ax + 1, os.length);
        int outRow = os[ax] * inner;
        int at = 0;
        for (Tensor x : args) {
            int chunk = x.dim(ax) * inner;
            for (int p = 0; p < outer; p++) {
                System.arraycopy(x.storage(), p * chunk, out.storage(), p * outRow + at, chunk);
            }
            at += chunk;
        }
        return done(out);
    }

    public static Value split(Call call, List<Tensor> args, HostKernels k) {
        Tensor x = args.get(0);
        TupleType tt = (TupleType) call.type();
        int ax = Shapes.axis(call.attrs(SplitAttrs.class).axis(), x.rank());
        int[] xs = x.shape();
        int outer = Shapes.prod(xs, 0, ax);
        int inner = Shapes.prod(xs, ax + 1, xs.length);
        int inRow = xs[ax] * inner;
        List<Tensor> parts = new ArrayList<>();
        int at = 0;
        for (int f = 0; f < tt.size(); f++) {
            TensorType pt = (TensorType) tt.field(f);
            Tensor part = Tensor.zeros(pt);
            int chunk = pt.dim(ax) * inner;
            for (int p = 0; p < outer; p++) {
                System.arraycopy(x.storage(), p * inRow + at, part.storage(), p * chunk, chunk);
            }
            at += chunk;
            parts.add(part);
        }
        return Value.tuple(parts);
    }

    public static Value stridedSlice(Call call, List<Tensor> args, HostKernels k) {
        Tensor x = args.get(0);
        StridedSliceAttrs a = call.attrs(StridedSliceAttrs.class);
        int rank = x.rank();
        int[] xs = x.shape();
        int[] begin = new int[rank];
        int[] step = new int[rank];
        Arrays.fill(step, 1);
        for (int i = 0; i < a.begin().size(); i++) {
            int ax = a.axes() == null ? i : Shapes.axis(a.axes().get(i), rank);
            long s = a.strides() == null ? 1 : a.strides().get(i);
            long b = a.begin().get(i);
            int dim = xs[ax];
            b = b < 0 ? b + dim : b;
            b = s > 0 ? Math.clamp(b, 0, dim) : Math.clamp(b, -1, dim - 1);
            begin[ax] = (int) b;
            step[ax] = (int) s;
        }
        Tensor out = newOut(call);
        int[] os = out.shape();
        int[] inStrides = Shapes.strides(xs);
        int[] idx = new int[rank];
        for (int i = 0; i < out.size(); i++) {
            int src = 0;
            for (int d = 0; d < rank; d++) src += (begin[d] + idx[d] * step[d]) * inStrides[d];
            copyElement(x, src, out, i);
            for (int d = rank - 1; d >= 0; d--) {
                if (++idx[d] < os[d]) break;
                idx[d] = 0;
            }
        }
        return done(out);
    }

    /** Gather along axis; negative indices count from the end, out-of-range ones are an error. */
    public static Value take(Call call, List<Tensor> args, HostKernels k) {
        Tensor data = args.get(0), indices = args.get(1);
        int ax = Shapes.axis(call.attrs(AxisAttrs.class).axis(), data.rank());
        int[] ds = data.shape();
        int outer = Shapes.prod(ds, 0, ax);
        int inner = Shapes.prod(ds, ax + 1, ds.length);
        int dim = ds[ax];
        Tensor out = newOut(call);
        int ni = indices.size();
        for (int p = 0; p < outer; p++) {
            for (int j = 0; j < ni; j++) {
                long id = indices.getLong(j);
                if (id < -dim || id >= dim) {
                    throw new IllegalArgumentException("take: index " + id + " is out of range for axis " + ax
                            + " of size " + dim + " (e.g. a token id beyond the vocabulary)");
                }
                int i = (int) (id < 0 ? id + dim : id);
                System.arraycopy(data.storage(), (p * dim + i) * inner, out.storage(), (p * ni + j) * inner, inner);
            }
        }
        return done(out);
    }

    public static Value broadcastTo(Call call, List<Tensor> args, HostKernels k) {
        Tensor x = args.get(0);
        Tensor out = newOut(call);
        int[] map = Shapes.broadcastIndex(x.shape(), out.shape());
        for (int i = 0; i < out.size(); i++) copyElement(x, map[i], out, i);
        return done(out);
    }

    public static Value arange(Call call, List<Tensor> args, HostKernels k) {
        ArangeAttrs a = call.attrs(ArangeAttrs.class);
        Tensor out = newOut(call);
        for (int i = 0; i < out.size(); i++) out.setDouble(i, a.start() + i * a.step());
        return done(out);
    }

    // ---- transformer-specific ----

    /** Rotary embedding: angles and rotations in double (StrictMath), each output rounded once. */
    public static Value rotaryEmbedding(Call call, List<Tensor> args, HostKernels k) {
        Tensor x = args.get(0);
        RopeAttrs a = call.attrs(RopeAttrs.class);
        int rank = x.rank();
        int[] xs = x.shape();
        int seqAx = Shapes.axis(a.seqAxis(), rank);
        int d = xs[rank - 1];
        int rot = a.rotaryDim() == null ? d : a.rotaryDim();
        int half = rot / 2;
        int[] strides = Shapes.strides(xs);
        float[] in = Elems.floats(x);
        float[] res = in.clone();
        int rows = d == 0 ? 0 : x.size() / d;
        double[] invFreq = new double[half];
        for (int i = 0; i < half; i++) invFreq[i] = StrictMath.pow(a.theta(), -2.0 * i / rot);
        for (int r = 0; r < rows; r++) {
            int base = r * d;
            long pos = a.positionOffset() + (base / strides[seqAx]) % xs[seqAx];
            for (int i = 0; i < half; i++) {
                double ang = pos * invFreq[i];
                double c = StrictMath.cos(ang), s = StrictMath.sin(ang);
                int i0 = a.style() == RopeAttrs.Style.HALF ? i : 2 * i;
                int i1 = a.style() == RopeAttrs.Style.HALF ? i + half : 2 * i + 1;
                double x0 = in[base + i0], x1 = in[base + i1];
                res[base + i0] = (float) (x0 * c - x1 * s);
                res[base + i1] = (float) (x1 * c + x0 * s);
            }
        }
        return done(fromFloats(call, res));
    }

    public static Value causalMask(Call call, List<Tensor> args, HostKernels k) {
        Tensor x = args.get(0);
        MaskAttrs a = call.attrs(MaskAttrs.class);
        Tensor out = x.copy();
        int q = x.dim(-2), kk = x.dim(-1);
        int mats = q * kk == 0 ? 0 : x.size() / (q * kk);
        for (int b = 0; b < mats; b++) {
            for (int i = 0; i < q; i++) {
                for (int j = 0; j < kk; j++) {
                    if (j > (long) i + a.offset()) out.setDouble((b * q + i) * kk + j, a.fillValue());
                }
            }
        }
        return done(out);
    }

    public static Value attentionMask(Call call, List<Tensor> args, HostKernels k) {
        Tensor x = args.get(0), mask = args.get(1);
        MaskAttrs a = call.attrs(MaskAttrs.class);
        Tensor out = x.copy();
        int[] map = Shapes.broadcastIndex(mask.shape(), x.shape());
        for (int i = 0; i < out.size(); i++) {
            if (mask.getLong(map[i]) == 0) out.setDouble(i, a.fillValue());
        }
        return done(out);
    }

    // ---- quantization ----

    /**
     * Which channel of a per-axis parameter element i uses: (i / inner) % size along the axis (inner = the product
     * of the dimensions after it, computed once per op), or 0 for a per-tensor parameter.
     */
    private record Channels(int inner, int size) {
        static Channels of(int[] shape, int axis) {
            return shape.length == 0 ? new Channels(1, 1) : new Channels(Shapes.prod(shape, axis + 1, shape.length), shape[axis]);
        }

        int of(Tensor param, int i) {
            return param.size() == 1 ? 0 : (i / inner) % size;
        }
    }

    /** q = saturate(round_half_even(x / scale) + zero_point), the division in float32 as ONNX QuantizeLinear. */
    public static Value quantize(Call call, List<Tensor> args, HostKernels k) {
        Tensor x = args.get(0), scale = args.get(1), zp = args.get(2);
        Tensor out = newOut(call);
        int[] xs = x.shape();
        int ax = x.rank() == 0 ? 0 : Shapes.axis(call.attrs(QuantizeAttrs.class).axis(), x.rank());
        float[] scales = scale.floats();
        int[] zps = zp.ints();
        if (scales.length == 1 && zps.length == 1 && x.dtype() == DType.FP32) {
            // per-tensor fast path: the loop below with the channel lookups and the dtype dispatch hoisted
            float[] xf = x.floats();
            float s = scales[0];
            int z = zps[0];
            for (int i = 0; i < xf.length; i++) out.setDouble(i, Math.rint((float) (xf[i] / (double) s)) + z);
            return done(out);
        }
        Channels ch = Channels.of(xs, ax);
        for (int i = 0; i < out.size(); i++) {
            float s = scales[ch.of(scale, i)];
            float q = (float) (x.getDouble(i) / s);
            out.setDouble(i, Math.rint(q) + zps[ch.of(zp, i)]); // setDouble saturates (NaN: 0)
        }
        return done(out);
    }

    /** (q - zero_point) * scale in float32. */
    public static Value dequantize(Call call, List<Tensor> args, HostKernels k) {
        Tensor q = args.get(0), scale = args.get(1), zp = args.get(2);
        Tensor out = newOut(call);
        int[] xs = q.shape();
        int ax = q.rank() == 0 ? 0 : Shapes.axis(call.attrs(AxisAttrs.class).axis(), q.rank());
        float[] o = out.floats();
        float[] scales = scale.floats();
        int[] zps = zp.ints();
        if (scales.length == 1 && zps.length == 1 && q.dtype() == DType.INT8) {
            // per-tensor int8 fast path: the loop below with the channel lookups and the dtype dispatch hoisted
            byte[] qb = q.bytes();
            float s = scales[0];
            int z = zps[0];
            for (int i = 0; i < o.length; i++) o[i] = (float) (qb[i] - z) * s;
            return done(out);
        }
        Channels ch = Channels.of(xs, ax);
        int[] qi = q.dtype() == DType.INT32 ? q.ints() : null; // GEMM outputs: read without the dtype dispatch
        for (int i = 0; i < o.length; i++) {
            float v = (float) ((qi != null ? (long) qi[i] : q.getLong(i)) - zps[ch.of(zp, i)]);
            o[i] = v * scales[ch.of(scale, i)];
        }
        return done(out);
    }

    /**
     * saturate(round((q - in_zp) * (in_scale / out_scale)) + out_zp) with the multiplier and product in double (TVM
     * computes a fixed-point approximation of the same value); rounding half away from zero, or upward.
     */
    public static Value requantize(Call call, List<Tensor> args, HostKernels k) {
        RequantizeAttrs a = call.attrs(RequantizeAttrs.class);
        Tensor q = args.get(0), inScale = args.get(1), inZp = args.get(2), outScale = args.get(3), outZp = args.get(4);
        Tensor out = newOut(call);
        int[] xs = q.shape();
        int ax = q.rank() == 0 ? 0 : Shapes.axis(a.axis(), q.rank());
        Channels ch = Channels.of(xs, ax);
        for (int i = 0; i < out.size(); i++) {
            double mult = (double) inScale.floats()[ch.of(inScale, i)] / outScale.floats()[ch.of(outScale, i)];
            double v = (q.getLong(i) - inZp.ints()[ch.of(inZp, i)]) * mult;
            double r = a.rounding() == RequantizeAttrs.Rounding.UPWARD ? Math.floor(v + 0.5)
                    : Math.signum(v) * Math.floor(Math.abs(v) + 0.5);
            out.setDouble(i, r + outZp.ints()[ch.of(outZp, i)]);
        }
        return done(out);
    }

    /**
     * ONNX DynamicQuantizeLinear: uint8 with the range [min(0, x), max(0, x)] mapped onto [0, 255] in float32,
     * rounding half to even and saturating; an all-zero input gives scale 0, zero point 0 and zeros.
     */
    public static Value dynamicQuantize(Call call, List<Tensor> args, HostKernels k) {
        Tensor x = args.get(0);
        float[] v = x.floats();
        float lo = 0, hi = 0;
        for (float f : v) {
            lo = Math.min(lo, f);
            hi = Math.max(hi, f);
        }
        float scale = (hi - lo) / 255f;
        Tensor q = Tensor.zeros(DType.UINT8, x.shape());
        Tensor zpT = Tensor.zeros(DType.UINT8);
        if (scale > 0) {
            double zp = Math.min(255, Math.max(0, Math.rint(0 - lo / scale)));
            zpT.setDouble(0, zp);
            // saturate like ONNX DynamicQuantizeLinear: rint(hi / scale) + zp can reach 256, which must not wrap to 0
            for (int i = 0; i < v.length; i++) q.setDouble(i, Math.min(255, Math.max(0, Math.rint((float) (v[i] / scale)) + zp)));
        }
        return Value.tuple(List.of(q, Tensor.ofFloats(new float[] {scale}), zpT));
    }
}
