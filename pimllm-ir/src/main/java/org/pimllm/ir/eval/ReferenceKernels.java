package org.pimllm.ir.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.LongBinaryOperator;
import org.apache.commons.math3.special.Erf;
import org.pimllm.ir.Call;
import org.pimllm.ir.DType;
import org.pimllm.ir.Op;
import org.pimllm.ir.Ops;
import org.pimllm.ir.Relations;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.TensorType;
import org.pimllm.ir.TupleType;
import org.pimllm.ir.Type;
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
 * Plain scalar reference kernels of the built-in ops: the readable specification of each op.
 * Floats are computed in double and rounded once when stored; integer arithmetic is exact in
 * 64 bits and wraps to the output width (int8 x int8 GEMMs accumulate exactly, as on the DPU).
 * Out-of-range gather indices and integer division by zero are errors.
 */
public final class ReferenceKernels {

    private ReferenceKernels() {
    }

    private static volatile boolean registered;

    static void ensureRegistered() {
        if (registered) return;
        synchronized (ReferenceKernels.class) {
            if (registered) return;
            registerAll();
            registered = true;
        }
    }

    private static void registerAll() {
        reg(Ops.DENSE, ReferenceKernels::dense);
        reg(Ops.MATMUL, ReferenceKernels::matmul);
        reg(Ops.BATCH_MATMUL, ReferenceKernels::matmul);
        binary(Ops.ADD, Double::sum, Long::sum);
        binary(Ops.SUBTRACT, (a, b) -> a - b, (a, b) -> a - b);
        binary(Ops.MULTIPLY, (a, b) -> a * b, (a, b) -> a * b);
        binary(Ops.DIVIDE, (a, b) -> a / b, (a, b) -> {
            if (b == 0) throw new IllegalArgumentException("divide: integer division by zero");
            return a / b;
        });
        binary(Ops.POWER, Math::pow, (a, b) -> (long) Math.pow(a, b));
        binary(Ops.MAXIMUM, Math::max, Math::max);
        binary(Ops.MINIMUM, Math::min, Math::min);
        compare(Ops.EQUAL, c -> c == 0);
        compare(Ops.NOT_EQUAL, c -> c != 0);
        compare(Ops.LESS, c -> c < 0);
        compare(Ops.LESS_EQUAL, c -> c <= 0);
        compare(Ops.GREATER, c -> c > 0);
        compare(Ops.GREATER_EQUAL, c -> c >= 0);
        unary(Ops.NEGATIVE, x -> -x);
        unary(Ops.ABS, Math::abs);
        unary(Ops.RELU, x -> x > 0 ? x : (x == x ? 0 : x));
        unary(Ops.SQRT, Math::sqrt);
        unary(Ops.RSQRT, x -> 1 / Math.sqrt(x));
        unary(Ops.EXP, Math::exp);
        unary(Ops.LOG, Math::log);
        unary(Ops.ERF, Erf::erf);
        unary(Ops.TANH, Math::tanh);
        unary(Ops.SIGMOID, ReferenceKernels::sigmoid);
        unary(Ops.COS, Math::cos);
        unary(Ops.SIN, Math::sin);
        unary(Ops.SILU, x -> x * sigmoid(x));
        reg(Ops.GELU, (c, a) -> {
            boolean tanh = c.attrs(GeluAttrs.class).approximate() == GeluAttrs.Approximation.TANH;
            return map(c, a.get(0), tanh ? ReferenceKernels::geluTanh : ReferenceKernels::geluErf);
        });
        reg(Ops.CLIP, (c, a) -> {
            ClipAttrs at = c.attrs(ClipAttrs.class);
            return map(c, a.get(0), x -> Math.min(Math.max(x, at.aMin()), at.aMax()));
        });
        reg(Ops.CAST, ReferenceKernels::cast);
        reg(Ops.WHERE, ReferenceKernels::where);
        reg(Ops.SOFTMAX, (c, a) -> softmax(c, a.get(0), false));
        reg(Ops.LOG_SOFTMAX, (c, a) -> softmax(c, a.get(0), true));
        reg(Ops.LAYER_NORM, ReferenceKernels::layerNorm);
        reg(Ops.RMS_NORM, ReferenceKernels::rmsNorm);
        reg(Ops.SUM, (c, a) -> reduce(c, a.get(0), Reduction.SUM));
        reg(Ops.MEAN, (c, a) -> reduce(c, a.get(0), Reduction.MEAN));
        reg(Ops.MAX, (c, a) -> reduce(c, a.get(0), Reduction.MAX));
        reg(Ops.MIN, (c, a) -> reduce(c, a.get(0), Reduction.MIN));
        reg(Ops.ARGMAX, ReferenceKernels::argmax);
        reg(Ops.RESHAPE, ReferenceKernels::reshape);
        reg(Ops.EXPAND_DIMS, ReferenceKernels::reshape);
        reg(Ops.SQUEEZE, ReferenceKernels::reshape);
        reg(Ops.TRANSPOSE, ReferenceKernels::transpose);
        reg(Ops.CONCATENATE, ReferenceKernels::concatenate);
        reg(Ops.SPLIT, ReferenceKernels::split);
        reg(Ops.STRIDED_SLICE, ReferenceKernels::stridedSlice);
        reg(Ops.TAKE, ReferenceKernels::take);
        reg(Ops.BROADCAST_TO, ReferenceKernels::broadcastTo);
        reg(Ops.ARANGE, ReferenceKernels::arange);
        reg(Ops.ROTARY_EMBEDDING, ReferenceKernels::rope);
        reg(Ops.CAUSAL_MASK, ReferenceKernels::causalMask);
        reg(Ops.ATTENTION_MASK, ReferenceKernels::attentionMask);
        reg(Ops.QUANTIZE, ReferenceKernels::quantize);
        reg(Ops.DEQUANTIZE, ReferenceKernels::dequantize);
        reg(Ops.REQUANTIZE, ReferenceKernels::requantize);
        reg(Ops.QNN_DENSE, ReferenceKernels::qnnDense);
        reg(Ops.DYNAMIC_QUANTIZE, ReferenceKernels::dynamicQuantize);
    }

    private static void reg(Op op, Kernel k) { Kernels.register(op, k); }

    // ---- helpers ----

    private static Tensor out(Call c) { return Tensor.zeros(c.tensorType()); }

    private static Value done(Tensor t) { return Value.of(t); }

    static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = acc;
            acc *= shape[d];
        }
        return s;
    }

    private static int prod(int[] shape, int from, int to) {
        int p = 1;
        for (int d = from; d < to; d++) p *= shape[d];
        return p;
    }

    private static int axis(int axis, int rank) { return axis < 0 ? axis + rank : axis; }

    /** For each element of {@code outShape}, the flat offset of the element of {@code in} it reads under numpy broadcasting. */
    static int[] broadcastOffsets(int[] outShape, int[] in) {
        int n = outShape.length;
        int[] inStr = strides(in);
        int[] bstr = new int[n];
        for (int d = 0; d < n; d++) {
            int id = d - (n - in.length);
            bstr[d] = id < 0 || in[id] == 1 ? 0 : inStr[id];
        }
        int total = prod(outShape, 0, n);
        int[] offsets = new int[total];
        int[] idx = new int[n];
        int off = 0;
        for (int i = 0; i < total; i++) {
            offsets[i] = off;
            for (int d = n - 1; d >= 0; d--) { // odometer
                idx[d]++;
                off += bstr[d];
                if (idx[d] < outShape[d]) break;
                off -= bstr[d] * idx[d];
                idx[d] = 0;
            }
        }
        return offsets;
    }

    /** Stores an integer result with two's-complement wrap-around to the dtype's width (bool: non-zero). */
    static void storeWrapped(Tensor t, int i, long v) {
        switch (t.dtype()) {
            case BOOL -> t.setLong(i, v != 0 ? 1 : 0);
            case INT8 -> t.setLong(i, (byte) v);
            case UINT8 -> t.setLong(i, v & 0xFF);
            case INT16 -> t.setLong(i, (short) v);
            case INT32 -> t.setLong(i, (int) v);
            case INT64 -> t.setLong(i, v);
            default -> t.setDouble(i, v);
        }
    }

    /** Copies element si of src to element di of dst (same dtype), bit for bit. */
    static void move(Tensor src, int si, Tensor dst, int di) {
        switch (src.storage()) {
            case float[] a -> ((float[]) dst.storage())[di] = a[si];
            case byte[] a -> ((byte[]) dst.storage())[di] = a[si];
            case short[] a -> ((short[]) dst.storage())[di] = a[si];
            case int[] a -> ((int[]) dst.storage())[di] = a[si];
            case long[] a -> ((long[]) dst.storage())[di] = a[si];
            default -> throw new IllegalStateException("unexpected storage");
        }
    }

    /** o[idx] = x[offsetOf(idx)] for every multi-index idx of o, in row-major order. */
    private static void gather(Tensor x, Tensor o, java.util.function.ToIntFunction<int[]> offsetOf) {
        int[] os = o.shape();
        int[] idx = new int[os.length];
        for (int i = 0; i < o.size(); i++) {
            move(x, offsetOf.applyAsInt(idx), o, i);
            for (int d = os.length - 1; d >= 0; d--) {
                if (++idx[d] < os[d]) break;
                idx[d] = 0;
            }
        }
    }

    private static double sigmoid(double x) { return 1 / (1 + Math.exp(-x)); }

    private static double geluErf(double x) { return 0.5 * x * (1 + Erf.erf(x / Math.sqrt(2))); }

    private static double geluTanh(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    // ---- elementwise ----

    private static Value map(Call c, Tensor x, DoubleUnaryOperator f) {
        Tensor o = out(c);
        boolean exactInt = o.dtype().isInt();
        for (int i = 0; i < o.size(); i++) {
            if (exactInt) storeWrapped(o, i, (long) f.applyAsDouble(x.getLong(i)));
            else o.setDouble(i, f.applyAsDouble(x.getDouble(i)));
        }
        return done(o);
    }

    private static void unary(Op op, DoubleUnaryOperator f) {
        reg(op, (c, a) -> map(c, a.get(0), f));
    }

    private static void binary(Op op, DoubleBinaryOperator f, LongBinaryOperator g) {
        reg(op, (c, a) -> {
            Tensor o = out(c);
            int[] shape = o.shape();
            int[] ia = broadcastOffsets(shape, a.get(0).shape());
            int[] ib = broadcastOffsets(shape, a.get(1).shape());
            boolean isInt = !o.dtype().isFloat();
            for (int i = 0; i < o.size(); i++) {
                if (isInt) storeWrapped(o, i, g.applyAsLong(a.get(0).getLong(ia[i]), a.get(1).getLong(ib[i])));
                else o.setDouble(i, f.applyAsDouble(a.get(0).getDouble(ia[i]), a.get(1).getDouble(ib[i])));
            }
            return done(o);
        });
    }

    private interface CmpTest {
        boolean test(int cmp);
    }

    private static void compare(Op op, CmpTest t) {
        reg(op, (c, a) -> {
            Tensor o = out(c);
            int[] shape = o.shape();
            int[] ia = broadcastOffsets(shape, a.get(0).shape());
            int[] ib = broadcastOffsets(shape, a.get(1).shape());
            boolean isFloat = a.get(0).dtype().isFloat();
            for (int i = 0; i < o.size(); i++) {
                boolean r;
                if (isFloat) {
                    double x = a.get(0).getDouble(ia[i]);
                    double y = a.get(1).getDouble(ib[i]);
                    // IEEE: every comparison with NaN is false except not_equal
                    r = Double.isNaN(x) || Double.isNaN(y) ? op.equals(Ops.NOT_EQUAL) : t.test(x < y ? -1 : (x > y ? 1 : 0));
                } else {
                    r = t.test(Long.compare(a.get(0).getLong(ia[i]), a.get(1).getLong(ib[i])));
                }
                o.setLong(i, r ? 1 : 0);
            }
            return done(o);
        });
    }

    /** float -> int truncates toward zero and saturates (NaN -> 0); int -> int wraps; -> bool is "non-zero". */
    private static Value cast(Call c, List<Tensor> a) {
        Tensor x = a.get(0);
        Tensor o = out(c);
        DType to = o.dtype();
        for (int i = 0; i < o.size(); i++) {
            if (to == DType.BOOL) {
                o.setLong(i, x.getDouble(i) != 0 ? 1 : 0);
            } else if (to.isFloat()) {
                o.setDouble(i, x.dtype().isFloat() ? x.getDouble(i) : x.getLong(i));
            } else if (x.dtype().isFloat()) {
                double v = x.getDouble(i);
                long t = Double.isNaN(v) ? 0 : (long) Math.max(to.minValue(), Math.min(to.maxValue(), v < 0 ? Math.ceil(v) : Math.floor(v)));
                o.setLong(i, t);
            } else {
                storeWrapped(o, i, x.getLong(i));
            }
        }
        return done(o);
    }

    private static Value where(Call c, List<Tensor> a) {
        Tensor o = out(c);
        int[] shape = o.shape();
        int[] ic = broadcastOffsets(shape, a.get(0).shape());
        int[] ix = broadcastOffsets(shape, a.get(1).shape());
        int[] iy = broadcastOffsets(shape, a.get(2).shape());
        for (int i = 0; i < o.size(); i++) {
            if (a.get(0).getLong(ic[i]) != 0) move(a.get(1), ix[i], o, i); else move(a.get(2), iy[i], o, i);
        }
        return done(o);
    }

    // ---- GEMMs ----

    /** nn.dense: out[m][n] = sum_k x[m][k] * w[n][k]. */
    private static Value dense(Call c, List<Tensor> a) {
        Tensor x = a.get(0);
        Tensor w = a.get(1);
        Tensor o = out(c);
        int k = x.dim(-1);
        int n = w.dim(0);
        int m = x.size() / Math.max(k, 1);
        if (k == 0) m = o.size() / Math.max(n, 1);
        gemm(x, w, o, m, n, k, 0, 0, 0, k, 1, k, 1);
        return done(o);
    }

    /**
     * One GEMM: out[oOff + i*n + j] = sum_p x[xOff + i*xi + p*xp] * y[yOff + j*yj + p*yp]; exact
     * long accumulation for integer outputs, double for floats.
     */
    private static void gemm(Tensor x, Tensor y, Tensor o, int m, int n, int k, int xOff, int yOff, int oOff,
                             int xi, int xp, int yj, int yp) {
        boolean isInt = !o.dtype().isFloat();
        if (!isInt && x.dtype() == DType.FP32 && o.dtype() == DType.FP32) {
            float[] xf = x.floats();
            float[] yf = y.floats();
            float[] of = o.floats();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) s += (double) xf[xOff + i * xi + p * xp] * yf[yOff + j * yj + p * yp];
                    of[oOff + i * n + j] = (float) s;
                }
            }
            return;
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                if (isInt) {
                    long s = 0;
                    for (int p = 0; p < k; p++) s += x.getLong(xOff + i * xi + p * xp) * y.getLong(yOff + j * yj + p * yp);
                    storeWrapped(o, oOff + i * n + j, s);
                } else {
                    double s = 0;
                    for (int p = 0; p < k; p++) s += x.getDouble(xOff + i * xi + p * xp) * y.getDouble(yOff + j * yj + p * yp);
                    o.setDouble(oOff + i * n + j, s);
                }
            }
        }
    }

    /** nn.matmul / nn.batch_matmul with numpy batch broadcasting, transposes and rank-1 operands. */
    private static Value matmul(Call c, List<Tensor> a) {
        MatmulAttrs at = c.attrs(MatmulAttrs.class);
        Tensor x = a.get(0);
        Tensor y = a.get(1);
        Tensor o = out(c);
        int[] xs = x.rank() == 1 ? new int[] {1, x.dim(0)} : x.shape();
        int[] ys = y.rank() == 1 ? new int[] {y.dim(0), 1} : y.shape();
        int xr = xs.length;
        int yr = ys.length;
        int m = at.transposeA() ? xs[xr - 1] : xs[xr - 2];
        int k = at.transposeA() ? xs[xr - 2] : xs[xr - 1];
        int n = at.transposeB() ? ys[yr - 2] : ys[yr - 1];
        // element strides inside one matrix
        int xi = at.transposeA() ? 1 : xs[xr - 1];
        int xp = at.transposeA() ? xs[xr - 1] : 1;
        int yj = at.transposeB() ? ys[yr - 1] : 1;
        int yp = at.transposeB() ? 1 : ys[yr - 1];
        int[] xb = java.util.Arrays.copyOf(xs, xr - 2);
        int[] yb = java.util.Arrays.copyOf(ys, yr - 2);
        List<Integer> batchList = Relations.broadcastOrNull(boxed(xb), boxed(yb));
        int[] batch = batchList.stream().mapToInt(Integer::intValue).toArray();
        int[] bx = broadcastOffsets(batch, xb);
        int[] by = broadcastOffsets(batch, yb);
        int xMat = xs[xr - 1] * xs[xr - 2];
        int yMat = ys[yr - 1] * ys[yr - 2];
        for (int b = 0; b < bx.length; b++) {
            gemm(x, y, o, m, n, k, bx[b] * xMat, by[b] * yMat, b * m * n, xi, xp, yj, yp);
        }
        return done(o);
    }

    private static List<Integer> boxed(int[] a) {
        List<Integer> l = new ArrayList<>(a.length);
        for (int v : a) l.add(v);
        return l;
    }

    // ---- normalization ----

    /** A 1-D slice along an axis: elements base + i * stride for i in [0, len); ordinal counts lanes in row-major order. */
    private record Lane(int ordinal, int base, int len, int stride) {
        int at(int i) { return base + i * stride; }
    }

    /** Calls {@code f} for every lane of a tensor of shape {@code s} along {@code axis}. */
    private static void forEachLane(int[] s, int axis, java.util.function.Consumer<Lane> f) {
        int outer = prod(s, 0, axis);
        int len = s[axis];
        int inner = prod(s, axis + 1, s.length);
        for (int p = 0; p < outer; p++) {
            for (int q = 0; q < inner; q++) f.accept(new Lane(p * inner + q, p * len * inner + q, len, inner));
        }
    }

    private static Value softmax(Call c, Tensor x, boolean log) {
        Tensor o = out(c);
        forEachLane(x.shape(), axis(c.attrs(AxisAttrs.class).axis(), x.rank()), l -> {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < l.len(); i++) max = Math.max(max, x.getDouble(l.at(i)));
            double sum = 0;
            for (int i = 0; i < l.len(); i++) sum += Math.exp(x.getDouble(l.at(i)) - max);
            for (int i = 0; i < l.len(); i++) {
                double v = x.getDouble(l.at(i)) - max;
                o.setDouble(l.at(i), log ? v - Math.log(sum) : Math.exp(v) / sum);
            }
        });
        return done(o);
    }

    private static Value layerNorm(Call c, List<Tensor> a) {
        LayerNormAttrs at = c.attrs(LayerNormAttrs.class);
        Tensor x = a.get(0);
        Tensor o = out(c);
        forEachLane(x.shape(), axis(at.axis(), x.rank()), l -> {
            double mean = 0;
            for (int i = 0; i < l.len(); i++) mean += x.getDouble(l.at(i));
            mean /= l.len();
            double var = 0;
            for (int i = 0; i < l.len(); i++) {
                double d = x.getDouble(l.at(i)) - mean;
                var += d * d;
            }
            var /= l.len();
            double inv = 1 / Math.sqrt(var + at.epsilon());
            for (int i = 0; i < l.len(); i++) {
                double v = (x.getDouble(l.at(i)) - mean) * inv;
                if (at.scale()) v *= a.get(1).getDouble(i);
                if (at.center()) v += a.get(2).getDouble(i);
                o.setDouble(l.at(i), v);
            }
        });
        return done(o);
    }

    private static Value rmsNorm(Call c, List<Tensor> a) {
        RmsNormAttrs at = c.attrs(RmsNormAttrs.class);
        Tensor x = a.get(0);
        Tensor o = out(c);
        forEachLane(x.shape(), axis(at.axis(), x.rank()), l -> {
            double ms = 0;
            for (int i = 0; i < l.len(); i++) ms += x.getDouble(l.at(i)) * x.getDouble(l.at(i));
            double inv = 1 / Math.sqrt(ms / l.len() + at.epsilon());
            for (int i = 0; i < l.len(); i++) o.setDouble(l.at(i), x.getDouble(l.at(i)) * inv * a.get(1).getDouble(i));
        });
        return done(o);
    }

    // ---- reductions ----

    private enum Reduction { SUM, MEAN, MAX, MIN }

    private static Value reduce(Call c, Tensor x, Reduction kind) {
        ReduceAttrs at = c.attrs(ReduceAttrs.class);
        Tensor o = out(c);
        int[] s = x.shape();
        boolean[] reduced = new boolean[s.length];
        if (at.axes() == null) java.util.Arrays.fill(reduced, true);
        else for (int ax : at.axes()) reduced[axis(ax, s.length)] = true;
        // output strides over the kept axes (keepdims does not change flat offsets)
        int[] ostr = new int[s.length];
        int acc = 1;
        for (int d = s.length - 1; d >= 0; d--) {
            if (!reduced[d]) {
                ostr[d] = acc;
                acc *= s[d];
            }
        }
        int n = o.size();
        boolean isInt = !o.dtype().isFloat();
        double[] dacc = new double[n];
        long[] lacc = new long[n];
        boolean[] seen = new boolean[n];
        int[] idx = new int[s.length];
        int off = 0;
        for (int i = 0; i < x.size(); i++) {
            switch (kind) {
                case SUM, MEAN -> {
                    if (isInt) lacc[off] += x.getLong(i); else dacc[off] += x.getDouble(i);
                }
                case MAX, MIN -> {
                    if (isInt) {
                        long v = x.getLong(i);
                        lacc[off] = !seen[off] ? v : (kind == Reduction.MAX ? Math.max(lacc[off], v) : Math.min(lacc[off], v));
                    } else {
                        double v = x.getDouble(i);
                        dacc[off] = !seen[off] ? v : (kind == Reduction.MAX ? Math.max(dacc[off], v) : Math.min(dacc[off], v));
                    }
                    seen[off] = true;
                }
            }
            for (int d = s.length - 1; d >= 0; d--) {
                idx[d]++;
                off += ostr[d];
                if (idx[d] < s[d]) break;
                off -= ostr[d] * idx[d];
                idx[d] = 0;
            }
        }
        int count = n == 0 ? 1 : Math.max(1, x.size() / n);
        for (int j = 0; j < n; j++) {
            if (isInt) storeWrapped(o, j, kind == Reduction.MEAN ? lacc[j] / count : lacc[j]);
            else o.setDouble(j, kind == Reduction.MEAN ? dacc[j] / count : (seen[j] || kind == Reduction.SUM ? dacc[j] : Double.NaN));
        }
        return done(o);
    }

    /** Index of the first largest element (a NaN counts as largest, as in numpy). */
    private static Value argmax(Call c, List<Tensor> a) {
        Tensor x = a.get(0);
        Tensor o = out(c);
        forEachLane(x.shape(), axis(c.attrs(ArgReduceAttrs.class).axis(), x.rank()), l -> {
            int best = 0;
            double bv = x.getDouble(l.at(0));
            for (int i = 1; i < l.len() && !Double.isNaN(bv); i++) {
                double v = x.getDouble(l.at(i));
                if (v > bv || Double.isNaN(v)) {
                    best = i;
                    bv = v;
                }
            }
            o.setLong(l.ordinal(), best);
        });
        return done(o);
    }

    // ---- shape manipulation ----

    private static Value reshape(Call c, List<Tensor> a) {
        return done(a.get(0).copy().reshape(c.tensorType().shapeArray()));
    }

    private static Value transpose(Call c, List<Tensor> a) {
        Tensor x = a.get(0);
        Tensor o = out(c);
        int n = x.rank();
        List<Integer> axes = c.attrs(AxesAttrs.class).axes();
        int[] perm = new int[n];
        for (int d = 0; d < n; d++) perm[d] = axes == null ? n - 1 - d : axis(axes.get(d), n);
        int[] inStr = strides(x.shape());
        gather(x, o, idx -> {
            int off = 0;
            for (int d = 0; d < n; d++) off += idx[d] * inStr[perm[d]];
            return off;
        });
        return done(o);
    }

    private static Value concatenate(Call c, List<Tensor> a) {
        Tensor o = out(c);
        int[] os = o.shape();
        int ax = axis(c.attrs(AxisAttrs.class).axis(), os.length);
        int outer = prod(os, 0, ax);
        int inner = prod(os, ax + 1, os.length);
        int start = 0;
        for (Tensor t : a) {
            int len = t.dim(ax);
            for (int p = 0; p < outer; p++) {
                for (int i = 0; i < len * inner; i++) {
                    move(t, p * len * inner + i, o, p * os[ax] * inner + start * inner + i);
                }
            }
            start += len;
        }
        return done(o);
    }

    private static Value split(Call c, List<Tensor> a) {
        Tensor x = a.get(0);
        int[] s = x.shape();
        SplitAttrs at = c.attrs(SplitAttrs.class);
        int ax = axis(at.axis(), s.length);
        int outer = prod(s, 0, ax);
        int inner = prod(s, ax + 1, s.length);
        List<Tensor> parts = new ArrayList<>();
        int start = 0;
        for (Type ft : ((TupleType) c.type()).fields()) {
            TensorType tt = (TensorType) ft;
            Tensor part = Tensor.zeros(tt);
            int len = tt.dim(ax);
            for (int p = 0; p < outer; p++) {
                for (int i = 0; i < len * inner; i++) move(x, p * s[ax] * inner + start * inner + i, part, p * len * inner + i);
            }
            parts.add(part);
            start += len;
        }
        return Value.tuple(parts);
    }

    private static Value stridedSlice(Call c, List<Tensor> a) {
        Tensor x = a.get(0);
        Tensor o = out(c);
        StridedSliceAttrs at = c.attrs(StridedSliceAttrs.class);
        int n = x.rank();
        int[] s = x.shape();
        int[] begin = new int[n];
        int[] step = new int[n];
        java.util.Arrays.fill(step, 1);
        for (int i = 0; i < at.begin().size(); i++) {
            int ax = at.axes() == null ? i : axis(at.axes().get(i), n);
            long st = at.strides() == null ? 1 : at.strides().get(i);
            long b = at.begin().get(i);
            b = b < 0 ? b + s[ax] : b;
            b = st > 0 ? Math.clamp(b, 0, s[ax]) : Math.clamp(b, -1, s[ax] - 1);
            begin[ax] = (int) b;
            step[ax] = (int) st;
        }
        int[] inStr = strides(s);
        gather(x, o, idx -> {
            int off = 0;
            for (int d = 0; d < n; d++) off += (begin[d] + idx[d] * step[d]) * inStr[d];
            return off;
        });
        return done(o);
    }

    /** Gather along axis; negative indices count from the end, out-of-range ones are an error. */
    private static Value take(Call c, List<Tensor> a) {
        Tensor data = a.get(0);
        Tensor ids = a.get(1);
        Tensor o = out(c);
        int[] s = data.shape();
        int ax = axis(c.attrs(AxisAttrs.class).axis(), s.length);
        int outer = prod(s, 0, ax);
        int dim = s[ax];
        int inner = prod(s, ax + 1, s.length);
        int count = ids.size();
        for (int p = 0; p < outer; p++) {
            for (int j = 0; j < count; j++) {
                long id = ids.getLong(j);
                long k = id < 0 ? id + dim : id;
                if (k < 0 || k >= dim) {
                    throw new IllegalArgumentException("take: index " + id + " is out of range for axis " + ax + " of size " + dim);
                }
                for (int q = 0; q < inner; q++) move(data, (p * dim + (int) k) * inner + q, o, (p * count + j) * inner + q);
            }
        }
        return done(o);
    }

    private static Value broadcastTo(Call c, List<Tensor> a) {
        Tensor o = out(c);
        int[] off = broadcastOffsets(o.shape(), a.get(0).shape());
        for (int i = 0; i < o.size(); i++) move(a.get(0), off[i], o, i);
        return done(o);
    }

    private static Value arange(Call c, List<Tensor> a) {
        ArangeAttrs at = c.attrs(ArangeAttrs.class);
        Tensor o = out(c);
        for (int i = 0; i < o.size(); i++) o.setDouble(i, at.start() + i * at.step());
        return done(o);
    }

    // ---- transformer-specific ----

    private static Value rope(Call c, List<Tensor> a) {
        RopeAttrs at = c.attrs(RopeAttrs.class);
        Tensor x = a.get(0);
        Tensor o = out(c);
        int[] s = x.shape();
        int d = s[s.length - 1];
        int rot = at.rotaryDim() == null ? d : at.rotaryDim();
        int half = rot / 2;
        int seqAxis = axis(at.seqAxis(), s.length);
        int seqStride = strides(s)[seqAxis];
        int rows = x.size() / d;
        for (int r = 0; r < rows; r++) {
            int base = r * d;
            long pos = at.positionOffset() + (base / seqStride) % s[seqAxis];
            for (int f = rot; f < d; f++) o.setDouble(base + f, x.getDouble(base + f));
            for (int i = 0; i < half; i++) {
                double angle = pos * Math.pow(at.theta(), -2.0 * i / rot);
                double cos = Math.cos(angle);
                double sin = Math.sin(angle);
                int i1 = at.style() == RopeAttrs.Style.HALF ? i : 2 * i;
                int i2 = at.style() == RopeAttrs.Style.HALF ? i + half : 2 * i + 1;
                double x1 = x.getDouble(base + i1);
                double x2 = x.getDouble(base + i2);
                o.setDouble(base + i1, x1 * cos - x2 * sin);
                o.setDouble(base + i2, x2 * cos + x1 * sin);
            }
        }
        return done(o);
    }

    private static Value causalMask(Call c, List<Tensor> a) {
        MaskAttrs at = c.attrs(MaskAttrs.class);
        Tensor x = a.get(0);
        Tensor o = x.copy();
        int k = x.dim(-1);
        int q = x.dim(-2);
        for (int idx = 0; idx < x.size(); idx++) {
            int j = idx % k;
            int i = (idx / k) % q;
            if (j > (long) i + at.offset()) o.setDouble(idx, at.fillValue());
        }
        return done(o);
    }

    private static Value attentionMask(Call c, List<Tensor> a) {
        MaskAttrs at = c.attrs(MaskAttrs.class);
        Tensor o = a.get(0).copy();
        int[] mo = broadcastOffsets(o.shape(), a.get(1).shape());
        for (int i = 0; i < o.size(); i++) if (a.get(1).getLong(mo[i]) == 0) o.setDouble(i, at.fillValue());
        return done(o);
    }

    // ---- quantization ----

    /** Value of a scale/zero-point argument for the element at flat index i (scalar or one per channel along axis). */
    private static double param(Tensor p, Tensor x, int axis, int i) {
        if (p.size() == 1) return p.getDouble(0);
        int inner = prod(x.shape(), axis + 1, x.rank());
        return p.getDouble((i / inner) % x.dim(axis));
    }

    private static long saturate(DType d, double v) {
        return (long) Math.max(d.minValue(), Math.min(d.maxValue(), v));
    }

    /** q = saturate(round_half_even(x / scale) + zero_point), division in float32 as ONNX QuantizeLinear. */
    private static Value quantize(Call c, List<Tensor> a) {
        Tensor x = a.get(0);
        Tensor o = out(c);
        int ax = x.rank() == 0 ? 0 : axis(c.attrs(QuantizeAttrs.class).axis(), x.rank());
        for (int i = 0; i < o.size(); i++) {
            float q = (float) x.getDouble(i) / (float) param(a.get(1), x, ax, i);
            o.setLong(i, saturate(o.dtype(), Math.rint(q) + param(a.get(2), x, ax, i)));
        }
        return done(o);
    }

    private static Value dequantize(Call c, List<Tensor> a) {
        Tensor x = a.get(0);
        Tensor o = out(c);
        int ax = x.rank() == 0 ? 0 : axis(c.attrs(AxisAttrs.class).axis(), x.rank());
        for (int i = 0; i < o.size(); i++) {
            o.setDouble(i, (x.getLong(i) - (long) param(a.get(2), x, ax, i)) * param(a.get(1), x, ax, i));
        }
        return done(o);
    }

    /** Computed in double (TVM computes a fixed-point approximation of the same value). */
    private static Value requantize(Call c, List<Tensor> a) {
        RequantizeAttrs at = c.attrs(RequantizeAttrs.class);
        Tensor x = a.get(0);
        Tensor o = out(c);
        int ax = x.rank() == 0 ? 0 : axis(at.axis(), x.rank());
        for (int i = 0; i < o.size(); i++) {
            double v = (x.getLong(i) - (long) param(a.get(2), x, ax, i)) * param(a.get(1), x, ax, i) / param(a.get(3), x, ax, i);
            double r = at.rounding() == RequantizeAttrs.Rounding.UPWARD ? Math.floor(v + 0.5)
                    : Math.signum(v) * Math.floor(Math.abs(v) + 0.5);
            o.setLong(i, saturate(o.dtype(), r + param(a.get(4), x, ax, i)));
        }
        return done(o);
    }

    /** sum_k (x[m][k] - x_zp) * (w[n][k] - w_zp[n]), exact. */
    private static Value qnnDense(Call c, List<Tensor> a) {
        Tensor x = a.get(0);
        Tensor w = a.get(1);
        Tensor o = out(c);
        long xzp = a.get(2).getLong(0);
        Tensor wzp = a.get(3);
        int k = x.dim(-1);
        int n = w.dim(0);
        int m = o.size() / Math.max(n, 1);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                long zw = wzp.size() == 1 ? wzp.getLong(0) : wzp.getLong(j);
                long s = 0;
                for (int p = 0; p < k; p++) s += (x.getLong(i * k + p) - xzp) * (w.getLong(j * k + p) - zw);
                storeWrapped(o, i * n + j, s);
            }
        }
        return done(o);
    }

    /**
     * ONNX DynamicQuantizeLinear: range [min(0, min x), max(0, max x)] mapped onto uint8 in
     * float32 arithmetic, rounding half to even; a zero range uses scale 1.
     */
    private static Value dynamicQuantize(Call c, List<Tensor> a) {
        Tensor x = a.get(0);
        float lo = 0;
        float hi = 0;
        for (int i = 0; i < x.size(); i++) {
            lo = Math.min(lo, x.floats()[i]);
            hi = Math.max(hi, x.floats()[i]);
        }
        float scale = hi == lo ? 1f : (hi - lo) / 255f;
        long zp = saturate(DType.UINT8, Math.rint(0 - lo / scale));
        Tensor q = Tensor.zeros(DType.UINT8, x.shape());
        for (int i = 0; i < x.size(); i++) q.setLong(i, saturate(DType.UINT8, Math.rint(x.floats()[i] / scale) + zp));
        return Value.tuple(List.of(q, Tensor.ofFloats(new float[] {scale}), Tensor.scalarLong(DType.UINT8, zp)));
    }
}
