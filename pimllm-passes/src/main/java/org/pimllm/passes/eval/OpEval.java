package org.pimllm.passes.eval;

import java.util.List;
import java.util.Set;
import org.apache.commons.math3.special.Erf;
import org.pimllm.ir.Call;
import org.pimllm.ir.Op;
import org.pimllm.ir.Ops;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.TensorType;
import org.pimllm.ir.attrs.AxesAttrs;
import org.pimllm.ir.attrs.AxisAttrs;
import org.pimllm.ir.attrs.ClipAttrs;
import org.pimllm.ir.attrs.GeluAttrs;
import org.pimllm.ir.attrs.LayerNormAttrs;
import org.pimllm.ir.attrs.MatmulAttrs;
import org.pimllm.ir.attrs.QuantizeAttrs;
import org.pimllm.ir.attrs.ReduceAttrs;
import org.pimllm.ir.attrs.RequantizeAttrs;
import org.pimllm.ir.attrs.RmsNormAttrs;
import org.pimllm.ir.attrs.StridedSliceAttrs;
import org.pimllm.ir.Relations;

/**
 * Evaluates one op on tensors, element by element in double precision: the readable reference the
 * passes need for constant folding, build-time weight transformations (transpose, concatenate,
 * quantize) and for calibrating/testing small graphs. It is deliberately simple and slow; the
 * runtime's executor is the fast path. Output dtype and shape are the call's inferred type.
 * Integer results are computed exactly in 64 bits and must fit the output dtype.
 */
public final class OpEval {

    private OpEval() {
    }

    private static final Set<Op> SUPPORTED = Set.of(Ops.ADD, Ops.SUBTRACT, Ops.MULTIPLY, Ops.DIVIDE, Ops.POWER,
            Ops.MAXIMUM, Ops.MINIMUM, Ops.NEGATIVE, Ops.ABS, Ops.RELU, Ops.SQRT, Ops.RSQRT, Ops.EXP, Ops.LOG, Ops.ERF,
            Ops.TANH, Ops.SIGMOID, Ops.COS, Ops.SIN, Ops.SILU, Ops.GELU, Ops.CLIP, Ops.CAST, Ops.RESHAPE, Ops.TRANSPOSE,
            Ops.CONCATENATE, Ops.EXPAND_DIMS, Ops.SQUEEZE, Ops.BROADCAST_TO, Ops.STRIDED_SLICE, Ops.DENSE, Ops.MATMUL,
            Ops.BATCH_MATMUL, Ops.SOFTMAX, Ops.LAYER_NORM, Ops.RMS_NORM, Ops.SUM, Ops.MEAN, Ops.QUANTIZE, Ops.DEQUANTIZE,
            Ops.REQUANTIZE, Ops.QNN_DENSE, Ops.TAKE);

    /** True if {@link #eval} handles the op (tensor-valued ops only). */
    public static boolean supports(Op op) { return SUPPORTED.contains(op); }

    /** The value of {@code c} given its arguments' values. */
    public static Tensor eval(Call c, List<Tensor> in) {
        if (!supports(c.op())) throw new UnsupportedOperationException("no reference evaluation for op " + c.op());
        TensorType outT = c.tensorType();
        Tensor out = Tensor.zeros(outT);
        Op op = c.op();
        if (op.equals(Ops.ADD) || op.equals(Ops.SUBTRACT) || op.equals(Ops.MULTIPLY) || op.equals(Ops.DIVIDE)
                || op.equals(Ops.POWER) || op.equals(Ops.MAXIMUM) || op.equals(Ops.MINIMUM)) {
            binary(op, in.get(0), in.get(1), out);
        } else if (op.equals(Ops.RESHAPE)) {
            copyFlat(in.get(0), out);
        } else if (op.equals(Ops.EXPAND_DIMS) || op.equals(Ops.SQUEEZE)) {
            copyFlat(in.get(0), out);
        } else if (op.equals(Ops.TRANSPOSE)) {
            transpose(in.get(0), c.attrs(AxesAttrs.class), out);
        } else if (op.equals(Ops.CONCATENATE)) {
            concatenate(in, c.attrs(AxisAttrs.class).axis(), out);
        } else if (op.equals(Ops.BROADCAST_TO)) {
            Tensor x = in.get(0);
            int[] os = out.shape();
            for (int i = 0; i < out.size(); i++) out.setDouble(i, x.getDouble(broadcastIndex(i, os, x.shape())));
        } else if (op.equals(Ops.STRIDED_SLICE)) {
            stridedSlice(in.get(0), c.attrs(StridedSliceAttrs.class), out);
        } else if (op.equals(Ops.TAKE)) {
            take(in.get(0), in.get(1), c.attrs(AxisAttrs.class).axis(), out);
        } else if (op.equals(Ops.DENSE)) {
            gemm(in.get(0), in.get(1), true, 0, 0, out);
        } else if (op.equals(Ops.QNN_DENSE)) {
            gemm(in.get(0), in.get(1), true, in.get(2).getLong(0), in.get(3).getLong(0), out);
        } else if (op.equals(Ops.MATMUL) || op.equals(Ops.BATCH_MATMUL)) {
            matmul(in.get(0), in.get(1), c.attrs(MatmulAttrs.class), out);
        } else if (op.equals(Ops.SOFTMAX)) {
            softmax(in.get(0), c.attrs(AxisAttrs.class).axis(), out);
        } else if (op.equals(Ops.LAYER_NORM)) {
            LayerNormAttrs a = c.attrs(LayerNormAttrs.class);
            norm(in.get(0), in.get(1), in.get(2), a.axis(), a.epsilon(), false, out);
        } else if (op.equals(Ops.RMS_NORM)) {
            RmsNormAttrs a = c.attrs(RmsNormAttrs.class);
            norm(in.get(0), in.get(1), null, a.axis(), a.epsilon(), true, out);
        } else if (op.equals(Ops.SUM) || op.equals(Ops.MEAN)) {
            reduce(in.get(0), c.attrs(ReduceAttrs.class), op.equals(Ops.MEAN), out);
        } else if (op.equals(Ops.QUANTIZE)) {
            QuantizeAttrs a = c.attrs(QuantizeAttrs.class);
            perChannel(in.get(0), a.axis(), out, (i, ch, x) -> Math.rint(x / param(in.get(1), ch)) + param(in.get(2), ch));
        } else if (op.equals(Ops.DEQUANTIZE)) {
            perChannel(in.get(0), c.attrs(AxisAttrs.class).axis(), out,
                    (i, ch, x) -> (x - param(in.get(2), ch)) * param(in.get(1), ch));
        } else if (op.equals(Ops.REQUANTIZE)) {
            RequantizeAttrs a = c.attrs(RequantizeAttrs.class);
            perChannel(in.get(0), a.axis(), out, (i, ch, x) -> roundHalfAway((x - param(in.get(2), ch))
                    * param(in.get(1), ch) / param(in.get(3), ch)) + param(in.get(4), ch));
        } else {
            unary(c, in.get(0), out);
        }
        return out;
    }

    /** The parts of {@code split(x)} (a tuple-valued op, so not part of {@link #eval}). */
    public static List<Tensor> split(Call c, Tensor x) {
        org.pimllm.ir.TupleType tt = (org.pimllm.ir.TupleType) c.type();
        org.pimllm.ir.attrs.SplitAttrs a = c.attrs(org.pimllm.ir.attrs.SplitAttrs.class);
        int axis = Math.floorMod(a.axis(), x.rank());
        List<Tensor> parts = new java.util.ArrayList<>();
        int begin = 0;
        for (int i = 0; i < tt.size(); i++) {
            TensorType pt = (TensorType) tt.fields().get(i);
            int len = pt.dim(axis);
            Call slice = new Call(Ops.STRIDED_SLICE, List.of(c.arg(0)),
                    new StridedSliceAttrs(List.of(begin), List.of(begin + len), null, List.of(axis)));
            parts.add(eval(slice, List.of(x)));
            begin += len;
        }
        return parts;
    }

    // ---- elementwise ----

    private static void unary(Call c, Tensor x, Tensor out) {
        Op op = c.op();
        for (int i = 0; i < out.size(); i++) {
            double v = x.getDouble(i);
            double r;
            if (op.equals(Ops.NEGATIVE)) r = -v;
            else if (op.equals(Ops.ABS)) r = Math.abs(v);
            else if (op.equals(Ops.RELU)) r = Math.max(v, 0);
            else if (op.equals(Ops.SQRT)) r = Math.sqrt(v);
            else if (op.equals(Ops.RSQRT)) r = 1 / Math.sqrt(v);
            else if (op.equals(Ops.EXP)) r = Math.exp(v);
            else if (op.equals(Ops.LOG)) r = Math.log(v);
            else if (op.equals(Ops.ERF)) r = Erf.erf(v);
            else if (op.equals(Ops.TANH)) r = Math.tanh(v);
            else if (op.equals(Ops.SIGMOID)) r = 1 / (1 + Math.exp(-v));
            else if (op.equals(Ops.COS)) r = Math.cos(v);
            else if (op.equals(Ops.SIN)) r = Math.sin(v);
            else if (op.equals(Ops.SILU)) r = v / (1 + Math.exp(-v));
            else if (op.equals(Ops.GELU)) r = gelu(v, c.attrs(GeluAttrs.class));
            else if (op.equals(Ops.CLIP)) {
                ClipAttrs a = c.attrs(ClipAttrs.class);
                r = Math.min(Math.max(v, a.aMin()), a.aMax());
            } else if (op.equals(Ops.CAST)) {
                // float to integer truncates toward zero (then saturates in store); everything else converts
                r = !out.dtype().isFloat() && x.dtype().isFloat() ? (double) (long) v : v;
            } else throw new UnsupportedOperationException("no reference evaluation for op " + op);
            store(out, i, r);
        }
    }

    private static double gelu(double v, GeluAttrs a) {
        if (a.equals(GeluAttrs.TANH)) {
            return 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
        }
        return 0.5 * v * (1 + Erf.erf(v / Math.sqrt(2)));
    }

    private static void binary(Op op, Tensor a, Tensor b, Tensor out) {
        int[] os = out.shape();
        boolean ints = !out.dtype().isFloat();
        for (int i = 0; i < out.size(); i++) {
            int ia = broadcastIndex(i, os, a.shape());
            int ib = broadcastIndex(i, os, b.shape());
            if (ints) {
                long x = a.getLong(ia);
                long y = b.getLong(ib);
                long r;
                if (op.equals(Ops.ADD)) r = Math.addExact(x, y);
                else if (op.equals(Ops.SUBTRACT)) r = Math.subtractExact(x, y);
                else if (op.equals(Ops.MULTIPLY)) r = Math.multiplyExact(x, y);
                else if (op.equals(Ops.DIVIDE)) r = x / y;
                else if (op.equals(Ops.MAXIMUM)) r = Math.max(x, y);
                else if (op.equals(Ops.MINIMUM)) r = Math.min(x, y);
                else r = (long) Math.pow(x, y);
                out.setLong(i, r);
            } else {
                double x = a.getDouble(ia);
                double y = b.getDouble(ib);
                double r;
                if (op.equals(Ops.ADD)) r = x + y;
                else if (op.equals(Ops.SUBTRACT)) r = x - y;
                else if (op.equals(Ops.MULTIPLY)) r = x * y;
                else if (op.equals(Ops.DIVIDE)) r = x / y;
                else if (op.equals(Ops.MAXIMUM)) r = Math.max(x, y);
                else if (op.equals(Ops.MINIMUM)) r = Math.min(x, y);
                else r = Math.pow(x, y);
                out.setDouble(i, r);
            }
        }
    }

    private interface ChannelFn {
        double apply(int i, int channel, double x);
    }

    private static void perChannel(Tensor x, int axis, Tensor out, ChannelFn fn) {
        int[] s = x.shape();
        int ax = s.length == 0 ? 0 : (axis < 0 ? axis + s.length : axis);
        int inner = 1;
        for (int d = ax + 1; d < s.length; d++) inner *= s[d];
        int dim = s.length == 0 ? 1 : s[ax];
        for (int i = 0; i < out.size(); i++) {
            int ch = (i / inner) % dim;
            store(out, i, fn.apply(i, ch, x.getDouble(i)));
        }
    }

    private static double param(Tensor p, int channel) {
        return p.size() == 1 ? p.getDouble(0) : p.getDouble(channel);
    }

    private static double roundHalfAway(double v) {
        return Math.signum(v) * Math.floor(Math.abs(v) + 0.5);
    }

    /** Stores with the dtype's rounding and saturation (integers: round half to even, saturate). */
    private static void store(Tensor out, int i, double v) {
        out.setDouble(i, v);
    }

    // ---- data movement ----

    private static void copyFlat(Tensor x, Tensor out) {
        for (int i = 0; i < out.size(); i++) copyElement(x, i, out, i);
    }

    static int[] strides(int[] shape) {
        int[] st = new int[shape.length];
        int s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            st[d] = s;
            s *= shape[d];
        }
        return st;
    }

    /** Flat index into a tensor of shape {@code in} that numpy broadcasting maps output index {@code i} to. */
    static int broadcastIndex(int i, int[] out, int[] in) {
        int idx = 0;
        int stride = 1;
        int rem = i;
        for (int d = out.length - 1, e = in.length - 1; d >= 0; d--, e--) {
            int coord = rem % out[d];
            rem /= out[d];
            if (e >= 0) {
                if (in[e] != 1) idx += coord * stride;
                stride *= in[e];
            }
        }
        return idx;
    }

    private static void transpose(Tensor x, AxesAttrs a, Tensor out) {
        int[] s = x.shape();
        int n = s.length;
        int[] perm = new int[n];
        for (int d = 0; d < n; d++) {
            perm[d] = a.axes() == null ? n - 1 - d : Math.floorMod(a.axes().get(d), n);
        }
        int[] xs = strides(s);
        int[] os = out.shape();
        int[] coord = new int[n];
        for (int i = 0; i < out.size(); i++) {
            int rem = i;
            for (int d = n - 1; d >= 0; d--) {
                coord[d] = rem % os[d];
                rem /= os[d];
            }
            int src = 0;
            for (int d = 0; d < n; d++) src += coord[d] * xs[perm[d]];
            copyElement(x, src, out, i);
        }
    }

    private static void copyElement(Tensor x, int src, Tensor out, int dst) {
        if (out.dtype().isFloat()) out.setDouble(dst, x.getDouble(src));
        else out.setLong(dst, x.getLong(src));
    }

    private static void concatenate(List<Tensor> in, int axis, Tensor out) {
        int[] os = out.shape();
        int ax = Math.floorMod(axis, os.length);
        int outer = 1;
        for (int d = 0; d < ax; d++) outer *= os[d];
        int inner = 1;
        for (int d = ax + 1; d < os.length; d++) inner *= os[d];
        int dst = 0;
        for (int o = 0; o < outer; o++) {
            for (Tensor t : in) {
                int block = t.dim(ax) * inner;
                for (int j = 0; j < block; j++) copyElement(t, o * block + j, out, dst++);
            }
        }
    }

    private static void stridedSlice(Tensor x, StridedSliceAttrs a, Tensor out) {
        int[] s = x.shape();
        int n = s.length;
        int[] begin = new int[n];
        int[] step = new int[n];
        for (int d = 0; d < n; d++) step[d] = 1;
        for (int i = 0; i < a.begin().size(); i++) {
            int ax = a.axes() == null ? i : Math.floorMod(a.axes().get(i), n);
            int st = a.strides() == null ? 1 : a.strides().get(i);
            long b = a.begin().get(i);
            if (b < 0) b += s[ax];
            b = st > 0 ? Math.clamp(b, 0, s[ax]) : Math.clamp(b, -1, s[ax] - 1);
            begin[ax] = (int) b;
            step[ax] = st;
        }
        int[] xs = strides(s);
        int[] os = out.shape();
        for (int i = 0; i < out.size(); i++) {
            int rem = i;
            int src = 0;
            for (int d = n - 1; d >= 0; d--) {
                int c = rem % os[d];
                rem /= os[d];
                src += (begin[d] + c * step[d]) * xs[d];
            }
            copyElement(x, src, out, i);
        }
    }

    private static void take(Tensor data, Tensor idx, int axis, Tensor out) {
        int[] s = data.shape();
        int ax = Math.floorMod(axis, s.length);
        int outer = 1;
        for (int d = 0; d < ax; d++) outer *= s[d];
        int inner = 1;
        for (int d = ax + 1; d < s.length; d++) inner *= s[d];
        int dst = 0;
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < idx.size(); j++) {
                long k = idx.getLong(j);
                if (k < 0 || k >= s[ax]) throw new IllegalArgumentException("take: index " + k + " out of range [0, " + s[ax] + ")");
                for (int q = 0; q < inner; q++) copyElement(data, (o * s[ax] + (int) k) * inner + q, out, dst++);
            }
        }
    }

    // ---- GEMMs ----

    /** y = (x - xz) (w - wz)^T with w (N, K); x (..., K). */
    private static void gemm(Tensor x, Tensor w, boolean wIsNK, long xz, long wz, Tensor out) {
        int k = x.dim(-1);
        int n = w.dim(0);
        int m = x.size() / k;
        boolean ints = !out.dtype().isFloat();
        for (int r = 0; r < m; r++) {
            for (int j = 0; j < n; j++) {
                if (ints) {
                    long acc = 0;
                    for (int q = 0; q < k; q++) acc += (x.getLong(r * k + q) - xz) * (w.getLong(j * k + q) - wz);
                    out.setLong(r * n + j, (int) acc); // int32 accumulators wrap, as PGEMMlib's do
                } else {
                    double acc = 0;
                    for (int q = 0; q < k; q++) acc += x.getDouble(r * k + q) * w.getDouble(j * k + q);
                    out.setDouble(r * n + j, acc);
                }
            }
        }
    }

    private static void matmul(Tensor a, Tensor b, MatmulAttrs attrs, Tensor out) {
        int[] as = a.rank() == 1 ? new int[] {1, a.dim(0)} : a.shape();
        int[] bs = b.rank() == 1 ? new int[] {b.dim(0), 1} : b.shape();
        int m = attrs.transposeA() ? as[as.length - 1] : as[as.length - 2];
        int k = attrs.transposeA() ? as[as.length - 2] : as[as.length - 1];
        int n = attrs.transposeB() ? bs[bs.length - 2] : bs[bs.length - 1];
        int[] aBatch = java.util.Arrays.copyOf(as, as.length - 2);
        int[] bBatch = java.util.Arrays.copyOf(bs, bs.length - 2);
        List<Integer> batch = Relations.broadcastOrNull(boxed(aBatch), boxed(bBatch));
        int[] outBatch = batch.stream().mapToInt(Integer::intValue).toArray();
        int nb = 1;
        for (int d : outBatch) nb *= d;
        boolean ints = !out.dtype().isFloat();
        for (int bi = 0; bi < nb; bi++) {
            int aOff = broadcastIndex(bi, outBatch, aBatch) * m * k;
            int bOff = broadcastIndex(bi, outBatch, bBatch) * k * n;
            for (int r = 0; r < m; r++) {
                for (int j = 0; j < n; j++) {
                    double accD = 0;
                    long accL = 0;
                    for (int q = 0; q < k; q++) {
                        int ia = aOff + (attrs.transposeA() ? q * m + r : r * k + q);
                        int ib = bOff + (attrs.transposeB() ? j * k + q : q * n + j);
                        if (ints) accL += a.getLong(ia) * b.getLong(ib);
                        else accD += a.getDouble(ia) * b.getDouble(ib);
                    }
                    int o = (bi * m + r) * n + j;
                    if (ints) out.setLong(o, (int) accL);
                    else out.setDouble(o, accD);
                }
            }
        }
    }

    private static List<Integer> boxed(int[] a) {
        return java.util.Arrays.stream(a).boxed().toList();
    }

    // ---- reductions and norms ----

    private static void softmax(Tensor x, int axis, Tensor out) {
        int[] s = x.shape();
        int ax = Math.floorMod(axis, s.length);
        int inner = 1;
        for (int d = ax + 1; d < s.length; d++) inner *= s[d];
        int dim = s[ax];
        int outer = x.size() / (dim * inner);
        for (int o = 0; o < outer; o++) {
            for (int q = 0; q < inner; q++) {
                int base = o * dim * inner + q;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < dim; j++) max = Math.max(max, x.getDouble(base + j * inner));
                double sum = 0;
                for (int j = 0; j < dim; j++) sum += Math.exp(x.getDouble(base + j * inner) - max);
                for (int j = 0; j < dim; j++) out.setDouble(base + j * inner, Math.exp(x.getDouble(base + j * inner) - max) / sum);
            }
        }
    }

    private static void norm(Tensor x, Tensor gamma, Tensor beta, int axis, double eps, boolean rms, Tensor out) {
        int[] s = x.shape();
        int ax = Math.floorMod(axis, s.length);
        int inner = 1;
        for (int d = ax + 1; d < s.length; d++) inner *= s[d];
        int dim = s[ax];
        int outer = x.size() / (dim * inner);
        for (int o = 0; o < outer; o++) {
            for (int q = 0; q < inner; q++) {
                int base = o * dim * inner + q;
                double mean = 0;
                if (!rms) {
                    for (int j = 0; j < dim; j++) mean += x.getDouble(base + j * inner);
                    mean /= dim;
                }
                double var = 0;
                for (int j = 0; j < dim; j++) {
                    double d = x.getDouble(base + j * inner) - mean;
                    var += d * d;
                }
                var /= dim;
                double inv = 1 / Math.sqrt(var + eps);
                for (int j = 0; j < dim; j++) {
                    double v = (x.getDouble(base + j * inner) - mean) * inv * gamma.getDouble(j);
                    if (beta != null) v += beta.getDouble(j);
                    out.setDouble(base + j * inner, v);
                }
            }
        }
    }

    private static void reduce(Tensor x, ReduceAttrs a, boolean mean, Tensor out) {
        int[] s = x.shape();
        boolean[] reduced = new boolean[s.length];
        if (a.axes() == null) java.util.Arrays.fill(reduced, true);
        else for (int ax : a.axes()) reduced[Math.floorMod(ax, s.length)] = true;
        int[] keptShape = new int[s.length];
        long count = 1;
        for (int d = 0; d < s.length; d++) {
            keptShape[d] = reduced[d] ? 1 : s[d];
            if (reduced[d]) count *= s[d];
        }
        double[] acc = new double[out.size()];
        int[] xs = strides(s);
        int[] ks = strides(keptShape);
        for (int i = 0; i < x.size(); i++) {
            int rem = i;
            int o = 0;
            for (int d = 0; d < s.length; d++) {
                int c = rem / xs[d];
                rem %= xs[d];
                if (!reduced[d]) o += c * ks[d];
            }
            acc[o] += x.getDouble(i);
        }
        for (int i = 0; i < acc.length; i++) out.setDouble(i, mean ? acc[i] / count : acc[i]);
    }
}
