package org.pimllm.runtime.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.LongBinaryOperator;
import java.util.function.LongUnaryOperator;
import org.apache.commons.math3.special.Erf;
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
import org.pimllm.runtime.kernels.HostKernels;

/**
 * The semantics of every built-in IR op on the host CPU: given a call and its argument values (a {@link Tensor},
 * or a {@code List} of values for tuples), computes its value. The hot parts (GEMMs, norms, softmax) go
 * through {@link HostKernels}; with {@link org.pimllm.runtime.kernels.ScalarKernels} this is the reference
 * executor, with {@link org.pimllm.runtime.kernels.VectorKernels} the compiled run's host path; both give the
 * same bits.
 *
 * <p>Semantics: float arithmetic is IEEE float32 (+ - * / and sqrt computed in double and rounded, which equals
 * float arithmetic); transcendental functions are {@link StrictMath} in double, rounded to float; erf is
 * commons-math3's. Integer arithmetic wraps around in the result dtype (two's complement, as C and TVM), integer
 * division truncates (division by zero is an error). {@code cast} from float to integer truncates toward zero and
 * saturates; between integers it wraps. Quantization rounds half to even (ONNX QuantizeLinear) and saturates.
 */
public final class OpEvaluator {

    private final HostKernels kernels;

    public OpEvaluator(HostKernels kernels) {
        this.kernels = kernels;
    }

    /** The value of {@code call} given its argument values. */
    public Object eval(Call call, List<Object> args) {
        String op = call.op().name();
        return switch (op) {
            case "nn.dense" -> dense(call, t(args, 0), t(args, 1));
            case "nn.matmul", "nn.batch_matmul" -> matmul(call, t(args, 0), t(args, 1), call.attrs(MatmulAttrs.class));
            case "qnn.dense" -> qnnDense(call, t(args, 0), t(args, 1), t(args, 2), t(args, 3));
            case "add" -> binary(call, args, (a, b) -> a + b, Long::sum);
            case "subtract" -> binary(call, args, (a, b) -> a - b, (a, b) -> a - b);
            case "multiply" -> binary(call, args, (a, b) -> a * b, (a, b) -> a * b);
            case "divide" -> binary(call, args, (a, b) -> a / b, OpEvaluator::intDivide);
            case "power" -> binary(call, args, StrictMath::pow, OpEvaluator::intPow);
            case "maximum" -> binary(call, args, Math::max, Math::max);
            case "minimum" -> binary(call, args, Math::min, Math::min);
            case "equal" -> compare(call, args, c -> c == 0);
            case "not_equal" -> compare(call, args, c -> c != 0);
            case "less" -> compare(call, args, c -> c < 0);
            case "less_equal" -> compare(call, args, c -> c <= 0);
            case "greater" -> compare(call, args, c -> c > 0);
            case "greater_equal" -> compare(call, args, c -> c >= 0);
            case "negative" -> unary(call, t(args, 0), x -> -x, x -> -x);
            case "abs" -> unary(call, t(args, 0), Math::abs, Math::abs);
            case "nn.relu" -> unary(call, t(args, 0), x -> Math.max(x, 0.0), x -> Math.max(x, 0));
            case "sqrt" -> unary(call, t(args, 0), Math::sqrt, null);
            case "rsqrt" -> unary(call, t(args, 0), x -> 1.0 / StrictMath.sqrt(x), null);
            case "exp" -> unary(call, t(args, 0), StrictMath::exp, null);
            case "log" -> unary(call, t(args, 0), StrictMath::log, null);
            case "erf" -> unary(call, t(args, 0), Erf::erf, null);
            case "tanh" -> unary(call, t(args, 0), StrictMath::tanh, null);
            case "sigmoid" -> unary(call, t(args, 0), x -> 1.0 / (1.0 + StrictMath.exp(-x)), null);
            case "cos" -> unary(call, t(args, 0), StrictMath::cos, null);
            case "sin" -> unary(call, t(args, 0), StrictMath::sin, null);
            case "nn.silu" -> unary(call, t(args, 0), x -> x / (1.0 + StrictMath.exp(-x)), null);
            case "nn.gelu" -> unary(call, t(args, 0), gelu(call.attrs(GeluAttrs.class)), null);
            case "clip" -> clip(call, t(args, 0), call.attrs(ClipAttrs.class));
            case "cast" -> cast(call, t(args, 0));
            case "where" -> where(call, t(args, 0), t(args, 1), t(args, 2));
            case "nn.softmax" -> softmax(call, t(args, 0), call.attrs(AxisAttrs.class).axis(), false);
            case "nn.log_softmax" -> softmax(call, t(args, 0), call.attrs(AxisAttrs.class).axis(), true);
            case "nn.layer_norm" -> layerNorm(call, t(args, 0), t(args, 1), t(args, 2), call.attrs(LayerNormAttrs.class));
            case "nn.rms_norm" -> rmsNorm(call, t(args, 0), t(args, 1), call.attrs(RmsNormAttrs.class));
            case "sum", "mean", "max", "min" -> reduce(call, t(args, 0), call.attrs(ReduceAttrs.class), op);
            case "argmax" -> argmax(call, t(args, 0), call.attrs(ArgReduceAttrs.class));
            case "reshape", "expand_dims", "squeeze" -> t(args, 0).reshape(outShape(call));
            case "transpose" -> transpose(call, t(args, 0), call.attrs(AxesAttrs.class));
            case "concatenate" -> concatenate(call, args, call.attrs(AxisAttrs.class).axis());
            case "split" -> split(call, t(args, 0), call.attrs(SplitAttrs.class));
            case "strided_slice" -> stridedSlice(call, t(args, 0), call.attrs(StridedSliceAttrs.class));
            case "take" -> take(call, t(args, 0), t(args, 1), call.attrs(AxisAttrs.class).axis());
            case "broadcast_to" -> broadcastTo(t(args, 0), outType(call));
            case "arange" -> arange(call, call.attrs(ArangeAttrs.class));
            case "nn.rotary_embedding" -> rope(call, t(args, 0), call.attrs(RopeAttrs.class));
            case "nn.causal_mask" -> causalMask(call, t(args, 0), call.attrs(MaskAttrs.class));
            case "nn.attention_mask" -> attentionMask(call, t(args, 0), t(args, 1), call.attrs(MaskAttrs.class));
            case "qnn.quantize" -> quantize(call, t(args, 0), t(args, 1), t(args, 2), call.attrs(QuantizeAttrs.class));
            case "qnn.dequantize" -> dequantize(call, t(args, 0), t(args, 1), t(args, 2), call.attrs(AxisAttrs.class).axis());
            case "qnn.requantize" -> requantize(call, args, call.attrs(RequantizeAttrs.class));
            case "qnn.dynamic_quantize" -> dynamicQuantize(t(args, 0));
            default -> throw new IllegalArgumentException("the host executor has no implementation of op '" + op
                    + "'; lower it first (pim.* ops run through the compiled module) or add it to OpEvaluator");
        };
    }

    // ---- helpers ----

    private static Tensor t(List<Object> args, int i) {
        Object v = args.get(i);
        if (v instanceof Tensor t) return t;
        throw new IllegalStateException("argument " + i + " is a tuple, expected a tensor");
    }

    private static TensorType outType(Call call) {
        if (call.type() instanceof TensorType t) return t;
        throw new IllegalStateException(call.op().name() + " does not produce a tensor");
    }

    private static int[] outShape(Call call) {
        return outType(call).shapeArray();
    }

    private static Tensor newOut(Call call) {
        return Tensor.zeros(outType(call));
    }

    private static long intDivide(long a, long b) {
        if (b == 0) throw new ArithmeticException("integer division by zero in 'divide'");
        return a / b;
    }

    private static long intPow(long a, long b) {
        if (b < 0) return a == 1 ? 1 : a == -1 ? (b % 2 == 0 ? 1 : -1) : 0;
        long r = 1;
        for (long i = 0; i < b; i++) r *= a;
        return r;
    }

    // ---- elementwise ----

    private Tensor binary(Call call, List<Object> args, DoubleBinaryOperator f, LongBinaryOperator g) {
        Tensor a = t(args, 0);
        Tensor b = t(args, 1);
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
        return out;
    }

    private static boolean sameShape(Tensor t, int[] shape) {
        return java.util.Arrays.equals(t.shape(), shape);
    }

    private interface CmpTest {
        boolean test(int cmp);
    }

    private Tensor compare(Call call, List<Object> args, CmpTest test) {
        Tensor a = t(args, 0);
        Tensor b = t(args, 1);
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
                c = Double.isNaN(x) || Double.isNaN(y) ? 2 : Double.compare(x == 0 ? 0.0 : x, y == 0 ? 0.0 : y);
                if (c == 2) {
                    o[i] = (byte) (test.test(1) && test.test(-1) ? 1 : 0); // NaN: only not_equal holds
                    continue;
                }
            } else {
                c = Long.compare(a.getLong(ia[i]), b.getLong(ib[i]));
            }
            o[i] = (byte) (test.test(c) ? 1 : 0);
        }
        return out;
    }

    private Tensor unary(Call call, Tensor x, DoubleUnaryOperator f, LongUnaryOperator g) {
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
        return out;
    }

    private static DoubleUnaryOperator gelu(GeluAttrs a) {
        if (a.approximate() == GeluAttrs.Approximation.TANH) {
            double c = Math.sqrt(2 / Math.PI);
            return x -> 0.5 * x * (1 + StrictMath.tanh(c * (x + 0.044715 * x * x * x)));
        }
        double inv = 1 / Math.sqrt(2);
        return x -> 0.5 * x * (1 + Erf.erf(x * inv));
    }

    private Tensor clip(Call call, Tensor x, ClipAttrs a) {
        Tensor out = newOut(call);
        for (int i = 0; i < out.size(); i++) {
            if (x.dtype().isFloat()) {
                out.setDouble(i, Math.min(Math.max(x.getDouble(i), a.aMin()), a.aMax()));
            } else {
                long lo = (long) Math.ceil(a.aMin()), hi = (long) Math.floor(a.aMax());
                Elems.setWrapped(out, i, Math.min(Math.max(x.getLong(i), lo), hi));
            }
        }
        return out;
    }

    private Tensor cast(Call call, Tensor x) {
        Tensor out = newOut(call);
        for (int i = 0; i < out.size(); i++) {
            if (x.dtype().isFloat()) Elems.setTruncated(out, i, x.getDouble(i));
            else if (out.dtype().isFloat()) out.setDouble(i, x.getLong(i));
            else Elems.setWrapped(out, i, x.getLong(i));
        }
        return out;
    }

    private Tensor where(Call call, Tensor c, Tensor x, Tensor y) {
        Tensor out = newOut(call);
        int[] shape = out.shape();
        int[] ic = Shapes.broadcastIndex(c.shape(), shape);
        int[] ix = Shapes.broadcastIndex(x.shape(), shape);
        int[] iy = Shapes.broadcastIndex(y.shape(), shape);
        byte[] cb = c.bytes();
        for (int i = 0; i < out.size(); i++) {
            Tensor src = cb[ic[i]] != 0 ? x : y;
            int j = cb[ic[i]] != 0 ? ix[i] : iy[i];
            copyElement(src, j, out, i);
        }
        return out;
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

    // ---- GEMMs ----

    private Tensor dense(Call call, Tensor x, Tensor w) {
        Tensor out = newOut(call);
        int k = x.dim(-1);
        int n = w.dim(0);
        int m = x.size() / k;
        if (x.dtype() == DType.INT8 && out.dtype() == DType.INT32) {
            kernels.gemmInt8(x.bytes(), 0, w.bytes(), 0, out.ints(), 0, m, k, n);
        } else if (x.dtype() == DType.FP32 && out.dtype() == DType.FP32) {
            kernels.gemmFp32(x.floats(), 0, w.floats(), 0, out.floats(), 0, m, k, n);
        } else {
            genericGemm(x, 0, w, 0, out, 0, m, k, n);
        }
        return out;
    }

    /** out[i][j] = sum_p x[i][p] * w[j][p] in long, wrapped into out's integer dtype (or float). */
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

    private Tensor qnnDense(Call call, Tensor x, Tensor w, Tensor xzp, Tensor wzp) {
        Tensor out = newOut(call);
        int k = x.dim(-1);
        int n = w.dim(0);
        int m = x.size() / k;
        if (w.dtype() == DType.INT8 && out.dtype() == DType.INT32) {
            zeroPointGemm(x, w, xzp, wzp, out.ints(), m, k, n);
        } else {
            qnnDenseReference(x, w, xzp, wzp, out, m, k, n);
        }
        return out;
    }

    /**
     * {@code out[i][j] = sum_p (x[i][p] - xz) * (w[j][p] - wz_j)} for int8 or uint8 x and int8 w, on the int8 GEMM
     * kernel: x is shifted to int8 ({@code xs = x - 128} for uint8, x itself for int8, so {@code x - xz = xs + c} with
     * {@code c = 128 - xz} or {@code -xz}) and the sum expanded to
     * {@code xs.w - wz_j * rowSum(xs) + c * colSum(w_j) - K * c * wz_j}. Every term is computed in wrapping int
     * arithmetic, so the result equals {@link #qnnDenseReference}'s wrapped sum bit for bit.
     */
    private void zeroPointGemm(Tensor x, Tensor w, Tensor xzp, Tensor wzp, int[] out, int m, int k, int n) {
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

    /** Numpy matmul with broadcast batch dims and optional transposes; B is brought to (N, K) per batch entry. */
    private Tensor matmul(Call call, Tensor a, Tensor b, MatmulAttrs attrs) {
        Tensor out = newOut(call);
        int[] as = a.rank() == 1 ? new int[] {1, a.dim(0)} : a.shape();
        int[] bs = b.rank() == 1 ? new int[] {b.dim(0), 1} : b.shape();
        int m = attrs.transposeA() ? as[as.length - 1] : as[as.length - 2];
        int k = attrs.transposeA() ? as[as.length - 2] : as[as.length - 1];
        int n = attrs.transposeB() ? bs[bs.length - 2] : bs[bs.length - 1];
        int[] aBatch = java.util.Arrays.copyOf(as, as.length - 2);
        int[] bBatch = java.util.Arrays.copyOf(bs, bs.length - 2);
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
        Tensor am = a.reshape(prepend(Shapes.size(aBatch), as[as.length - 2], as[as.length - 1]));
        Tensor bm = b.reshape(prepend(Shapes.size(bBatch), bs[bs.length - 2], bs[bs.length - 1]));
        // bring A to (M, K) and B to (N, K) row-major per batch entry: the layout the kernels read
        Tensor aRows = attrs.transposeA() ? swapLast(am) : am;
        Tensor bRows = attrs.transposeB() ? bm : swapLast(bm);
        Tensor o3 = out.reshape(nb, m, n);
        boolean int8 = a.dtype() == DType.INT8 && out.dtype() == DType.INT32;
        boolean fp32 = a.dtype() == DType.FP32 && out.dtype() == DType.FP32;
        for (int bi = 0; bi < nb; bi++) {
            int aOff = mapA[bi] * m * k;
            int bOff = mapB[bi] * n * k;
            int oOff = bi * m * n;
            if (int8) kernels.gemmInt8(aRows.bytes(), aOff, bRows.bytes(), bOff, o3.ints(), oOff, m, k, n);
            else if (fp32) kernels.gemmFp32(aRows.floats(), aOff, bRows.floats(), bOff, o3.floats(), oOff, m, k, n);
            else genericGemm(aRows, aOff, bRows, bOff, o3, oOff, m, k, n);
        }
        return out;
    }

    private static int[] prepend(int b, int r, int c) {
        return new int[] {b, r, c};
    }

    /** (B, R, C) -> (B, C, R). */
    static Tensor swapLast(Tensor t) {
        int b = t.dim(0), r = t.dim(1), c = t.dim(2);
        Tensor out = Tensor.zeros(t.dtype(), b, c, r);
        for (int bi = 0; bi < b; bi++) {
            for (int i = 0; i < r; i++) {
                for (int j = 0; j < c; j++) copyElement(t, (bi * r + i) * c + j, out, (bi * c + j) * r + i);
            }
        }
        return out;
    }

    // ---- normalization ----

    /** Runs a contiguous-row kernel along any axis by gathering rows (the last axis needs no gather). */
    private interface RowKernel {
        void apply(float[] x, float[] y, int rows, int n);
    }

    private Tensor alongAxis(Call call, Tensor x, int axis, RowKernel kernel) {
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
        return fromFloats(call, res);
    }

    private static Tensor fromFloats(Call call, float[] v) {
        TensorType t = outType(call);
        if (t.dtype() == DType.FP32) return Tensor.ofFloats(v, t.shapeArray());
        Tensor out = Tensor.zeros(t);
        for (int i = 0; i < v.length; i++) out.setDouble(i, v[i]);
        return out;
    }

    private Tensor softmax(Call call, Tensor x, int axis, boolean log) {
        return alongAxis(call, x, axis, (in, out, rows, n) -> {
            kernels.softmaxRows(in, out, rows, n);
            if (log) {
                for (int i = 0; i < rows * n; i++) out[i] = (float) StrictMath.log(out[i]);
            }
        });
    }

    private Tensor layerNorm(Call call, Tensor x, Tensor gamma, Tensor beta, LayerNormAttrs a) {
        int n = x.dim(a.axis());
        float[] g = a.scale() ? Elems.floats(gamma) : filled(n, 1f);
        float[] b = a.center() ? Elems.floats(beta) : new float[n];
        float eps = (float) a.epsilon();
        return alongAxis(call, x, a.axis(), (in, out, rows, len) -> kernels.layerNormRows(in, out, rows, len, g, b, eps));
    }

    private Tensor rmsNorm(Call call, Tensor x, Tensor gamma, RmsNormAttrs a) {
        float[] g = Elems.floats(gamma);
        float eps = (float) a.epsilon();
        return alongAxis(call, x, a.axis(), (in, out, rows, len) -> kernels.rmsNormRows(in, out, rows, len, g, eps));
    }

    private static float[] filled(int n, float v) {
        float[] f = new float[n];
        java.util.Arrays.fill(f, v);
        return f;
    }

    // ---- reductions ----

    private Tensor reduce(Call call, Tensor x, ReduceAttrs a, String op) {
        int rank = x.rank();
        boolean[] red = new boolean[rank];
        if (a.axes() == null) java.util.Arrays.fill(red, true);
        else for (int ax : a.axes()) red[Shapes.axis(ax, rank)] = true;
        int[] shape = x.shape();
        int[] keptShape = shape.clone();
        for (int d = 0; d < rank; d++) if (red[d]) keptShape[d] = 1;
        int outN = Shapes.size(keptShape);
        int[] outStrides = Shapes.strides(keptShape);
        boolean fl = x.dtype().isFloat();
        double[] accD = new double[outN];
        long[] accL = new long[outN];
        boolean isMax = op.equals("max"), isMin = op.equals("min");
        if (isMax || isMin) {
            java.util.Arrays.fill(accD, isMax ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
            java.util.Arrays.fill(accL, isMax ? Long.MIN_VALUE : Long.MAX_VALUE);
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
            if (fl) out.setDouble(i, op.equals("mean") ? accD[i] / count : accD[i]);
            else Elems.setWrapped(out, i, accL[i]);
        }
        return out;
    }

    private Tensor argmax(Call call, Tensor x, ArgReduceAttrs a) {
        int ax = Shapes.axis(a.axis(), x.rank());
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
        return out;
    }

    // ---- shape manipulation ----

    private Tensor transpose(Call call, Tensor x, AxesAttrs a) {
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
        return out;
    }

    private Tensor concatenate(Call call, List<Object> args, int axis) {
        Tensor out = newOut(call);
        int ax = Shapes.axis(axis, out.rank());
        int[] os = out.shape();
        int outer = Shapes.prod(os, 0, ax);
        int inner = Shapes.prod(os, ax + 1, os.length);
        int outRow = os[ax] * inner;
        int at = 0;
        for (int i = 0; i < args.size(); i++) {
            Tensor x = t(args, i);
            int chunk = x.dim(ax) * inner;
            for (int p = 0; p < outer; p++) {
                System.arraycopy(x.storage(), p * chunk, out.storage(), p * outRow + at, chunk);
            }
            at += chunk;
        }
        return out;
    }

    private List<Object> split(Call call, Tensor x, SplitAttrs a) {
        TupleType tt = (TupleType) call.type();
        int ax = Shapes.axis(a.axis(), x.rank());
        int[] xs = x.shape();
        int outer = Shapes.prod(xs, 0, ax);
        int inner = Shapes.prod(xs, ax + 1, xs.length);
        int inRow = xs[ax] * inner;
        List<Object> parts = new ArrayList<>();
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
        return parts;
    }

    private Tensor stridedSlice(Call call, Tensor x, StridedSliceAttrs a) {
        int rank = x.rank();
        int[] xs = x.shape();
        int[] begin = new int[rank];
        int[] step = new int[rank];
        java.util.Arrays.fill(step, 1);
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
        return out;
    }

    private Tensor take(Call call, Tensor data, Tensor indices, int axis) {
        int ax = Shapes.axis(axis, data.rank());
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
                    throw new IndexOutOfBoundsException("take: index " + id + " is out of range for axis " + ax
                            + " of size " + dim + " (e.g. a token id beyond the vocabulary)");
                }
                int i = (int) (id < 0 ? id + dim : id);
                System.arraycopy(data.storage(), (p * dim + i) * inner, out.storage(), (p * ni + j) * inner, inner);
            }
        }
        return out;
    }

    private static Tensor broadcastTo(Tensor x, TensorType t) {
        Tensor out = Tensor.zeros(t);
        int[] map = Shapes.broadcastIndex(x.shape(), t.shapeArray());
        for (int i = 0; i < out.size(); i++) copyElement(x, map[i], out, i);
        return out;
    }

    private Tensor arange(Call call, ArangeAttrs a) {
        Tensor out = newOut(call);
        for (int i = 0; i < out.size(); i++) out.setDouble(i, a.start() + i * a.step());
        return out;
    }

    // ---- transformer-specific ----

    private Tensor rope(Call call, Tensor x, RopeAttrs a) {
        int rank = x.rank();
        int[] xs = x.shape();
        int seqAx = Shapes.axis(a.seqAxis(), rank);
        int d = xs[rank - 1];
        int rot = a.rotaryDim() == null ? d : a.rotaryDim();
        int half = rot / 2;
        int[] strides = Shapes.strides(xs);
        float[] in = Elems.floats(x);
        float[] res = in.clone();
        int rows = x.size() / d;
        double[] invFreq = new double[half];
        for (int i = 0; i < half; i++) invFreq[i] = StrictMath.pow(a.theta(), -2.0 * i / rot);
        for (int r = 0; r < rows; r++) {
            int base = r * d;
            int pos = a.positionOffset() + (base / strides[seqAx]) % xs[seqAx];
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
        return fromFloats(call, res);
    }

    private Tensor causalMask(Call call, Tensor x, MaskAttrs a) {
        Tensor out = x.copy();
        int q = x.dim(-2), k = x.dim(-1);
        int mats = x.size() / (q * k);
        for (int b = 0; b < mats; b++) {
            for (int i = 0; i < q; i++) {
                for (int j = 0; j < k; j++) {
                    if (j > i + a.offset()) out.setDouble((b * q + i) * k + j, a.fillValue());
                }
            }
        }
        return out;
    }

    private Tensor attentionMask(Call call, Tensor x, Tensor mask, MaskAttrs a) {
        Tensor out = x.copy();
        int[] map = Shapes.broadcastIndex(mask.shape(), x.shape());
        for (int i = 0; i < out.size(); i++) {
            if (mask.getLong(map[i]) == 0) out.setDouble(i, a.fillValue());
        }
        return out;
    }

    // ---- quantization ----

    /** Index into a scalar or per-channel parameter for flat element i. */
    private static int channel(Tensor param, int i, int[] shape, int axis) {
        if (param.size() == 1) return 0;
        int inner = Shapes.prod(shape, axis + 1, shape.length);
        return (i / inner) % shape[axis];
    }

    private Tensor quantize(Call call, Tensor x, Tensor scale, Tensor zp, QuantizeAttrs a) {
        Tensor out = newOut(call);
        int[] xs = x.shape();
        int ax = x.rank() == 0 ? 0 : Shapes.axis(a.axis(), x.rank());
        float[] scales = scale.floats();
        int[] zps = zp.ints();
        for (int i = 0; i < out.size(); i++) {
            float s = scales[channel(scale, i, xs, ax)];
            float q = (float) (x.getDouble(i) / s);
            out.setDouble(i, Math.rint(q) + zps[channel(zp, i, xs, ax)]);
        }
        return out;
    }

    private Tensor dequantize(Call call, Tensor q, Tensor scale, Tensor zp, int axis) {
        Tensor out = newOut(call);
        int[] xs = q.shape();
        int ax = q.rank() == 0 ? 0 : Shapes.axis(axis, q.rank());
        float[] o = out.floats();
        float[] scales = scale.floats();
        int[] zps = zp.ints();
        for (int i = 0; i < o.length; i++) {
            float v = (float) (q.getLong(i) - zps[channel(zp, i, xs, ax)]);
            o[i] = v * scales[channel(scale, i, xs, ax)];
        }
        return out;
    }

    private Tensor requantize(Call call, List<Object> args, RequantizeAttrs a) {
        Tensor q = t(args, 0), inScale = t(args, 1), inZp = t(args, 2), outScale = t(args, 3), outZp = t(args, 4);
        Tensor out = newOut(call);
        int[] xs = q.shape();
        int ax = q.rank() == 0 ? 0 : Shapes.axis(a.axis(), q.rank());
        for (int i = 0; i < out.size(); i++) {
            double mult = (double) inScale.floats()[channel(inScale, i, xs, ax)] / outScale.floats()[channel(outScale, i, xs, ax)];
            double v = (q.getLong(i) - inZp.ints()[channel(inZp, i, xs, ax)]) * mult;
            double r = a.rounding() == RequantizeAttrs.Rounding.UPWARD ? Math.floor(v + 0.5)
                    : Math.signum(v) * Math.floor(Math.abs(v) + 0.5);
            out.setDouble(i, r + outZp.ints()[channel(outZp, i, xs, ax)]);
        }
        return out;
    }

    /** ONNX DynamicQuantizeLinear: uint8 with the range [min(0, x), max(0, x)] mapped onto [0, 255]. */
    private static List<Object> dynamicQuantize(Tensor x) {
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
        return List.of(q, Tensor.ofFloats(new float[] {scale}), zpT);
    }
}
