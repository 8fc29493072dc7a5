package org.pimllm.ir;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.pimllm.ir.attrs.ArangeAttrs;
import org.pimllm.ir.attrs.ArgReduceAttrs;
import org.pimllm.ir.attrs.AxesAttrs;
import org.pimllm.ir.attrs.AxisAttrs;
import org.pimllm.ir.attrs.CastAttrs;
import org.pimllm.ir.attrs.DenseAttrs;
import org.pimllm.ir.attrs.ExpandDimsAttrs;
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

/**
 * Type relations (shape inference) of the built-in ops, and helpers (numpy broadcasting,
 * axis normalization) other modules can reuse for their own ops.
 */
public final class Relations {

    private Relations() {
    }

    // ---- helpers ----

    /** Numpy broadcasting of two shapes; an error naming the op and both types if they do not broadcast. */
    public static List<Integer> broadcast(Rel r, TensorType a, TensorType b) {
        List<Integer> s = broadcastOrNull(a.shape(), b.shape());
        if (s == null) {
            throw r.fail("shapes do not broadcast: " + a + " and " + b
                    + " (trailing dimensions must be equal or 1)");
        }
        return s;
    }

    /** Numpy broadcasting of two shapes, or null if they do not broadcast. */
    public static List<Integer> broadcastOrNull(List<Integer> a, List<Integer> b) {
        int n = Math.max(a.size(), b.size());
        List<Integer> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int da = i < n - a.size() ? 1 : a.get(i - (n - a.size()));
            int db = i < n - b.size() ? 1 : b.get(i - (n - b.size()));
            if (da == db || db == 1) out.add(da);
            else if (da == 1) out.add(db);
            else return null;
        }
        return out;
    }

    private static void sameDtype(Rel r, int i, int j) {
        TensorType a = r.tensor(i);
        TensorType b = r.tensor(j);
        if (a.dtype() != b.dtype()) {
            throw r.fail("dtypes differ: " + r.argName(i) + " is " + a + " but " + r.argName(j) + " is " + b
                    + "; insert a cast");
        }
    }

    private static List<Integer> without(List<Integer> shape, int axis) {
        List<Integer> s = new ArrayList<>(shape);
        s.remove(axis);
        return s;
    }

    // ---- elementwise ----

    /** Binary elementwise op with numpy broadcasting; both dtypes must match. */
    public static Type broadcastBinary(Rel r, NoAttrs a) {
        sameDtype(r, 0, 1);
        TensorType x = r.tensor(0);
        return new TensorType(broadcast(r, x, r.tensor(1)), x.dtype());
    }

    /** Comparison with numpy broadcasting: bool output. */
    public static Type compare(Rel r, NoAttrs a) {
        sameDtype(r, 0, 1);
        return new TensorType(broadcast(r, r.tensor(0), r.tensor(1)), DType.BOOL);
    }

    /** Unary op on any numeric tensor: same type. */
    public static <A extends Attrs> Type identity(Rel r, A a) {
        TensorType t = r.tensor(0);
        if (t.dtype() == DType.BOOL) throw r.fail("argument '" + r.argName(0) + "' must be numeric, got " + t);
        return t;
    }

    /** Unary op defined on floats only (exp, erf, sqrt, ...): same type. */
    public static <A extends Attrs> Type floatUnary(Rel r, A a) {
        return r.floatTensor(0);
    }

    public static Type where(Rel r, NoAttrs a) {
        TensorType c = r.tensor(0);
        if (c.dtype() != DType.BOOL) throw r.fail("condition must be bool, got " + c + "; compare first (e.g. not_equal)");
        sameDtype(r, 1, 2);
        TensorType x = r.tensor(1);
        List<Integer> s = broadcast(r, c, x);
        s = broadcast(r, new TensorType(s, x.dtype()), r.tensor(2));
        return new TensorType(s, x.dtype());
    }

    public static Type cast(Rel r, CastAttrs a) {
        return r.tensor(0).withDtype(a.dtype());
    }

    public static Type clip(Rel r, org.pimllm.ir.attrs.ClipAttrs a) {
        if (!(a.aMin() <= a.aMax())) throw r.fail("a_min=" + a.aMin() + " must not exceed a_max=" + a.aMax());
        return identity(r, a);
    }

    // ---- GEMMs ----

    private static DType outDtype(Rel r, DType in, DType requested) {
        if (requested == null) return in;
        if (in.isFloat() != requested.isFloat()) {
            throw r.fail("out_dtype=" + requested + " does not fit " + in + " inputs"
                    + (in.isFloat() ? " (float inputs need a float out_dtype)" : " (integer inputs need an integer out_dtype)"));
        }
        return requested;
    }

    /** nn.dense: data (..., K) x weight (N, K) -> (..., N). */
    public static Type dense(Rel r, DenseAttrs a) {
        TensorType x = r.tensor(0);
        TensorType w = r.tensor(1);
        if (x.rank() < 1) throw r.fail("data must have rank >= 1, got " + x);
        if (w.rank() != 2) throw r.fail("weight must have rank 2 (units, in_features), got " + w);
        if (a.int4Weight()) {
            if (x.dtype() != DType.INT8 || w.dtype() != DType.INT16 || a.outDtype() != DType.INT32) {
                throw r.fail("an int4 weight (weight_int4_group=" + a.weightInt4Group() + ") takes int8 data, an int16"
                        + " weight of effective values and out_dtype=int32, got " + x + ", " + w + " and out_dtype="
                        + a.outDtype());
            }
            if (a.weightInt4Group() < 1) throw r.fail("weight_int4_group must be >= 1, got " + a.weightInt4Group());
            return denseShape(r, x, w, a.units(), DType.INT32);
        }
        sameDtype(r, 0, 1);
        return denseShape(r, x, w, a.units(), outDtype(r, x.dtype(), a.outDtype()));
    }

    private static Type denseShape(Rel r, TensorType x, TensorType w, Integer units, DType out) {
        int k = x.dim(-1);
        if (w.dim(1) != k) {
            throw r.fail("reduction dimensions differ: data " + x + " has " + k + " features but weight " + w
                    + " (units, in_features) expects " + w.dim(1));
        }
        if (units != null && units != w.dim(0)) {
            throw r.fail("units=" + units + " but weight " + w + " has " + w.dim(0) + " output features");
        }
        List<Integer> s = new ArrayList<>(x.shape());
        s.set(s.size() - 1, w.dim(0));
        return new TensorType(s, out);
    }

    /**
     * nn.matmul / nn.batch_matmul: (..., M, K) x (..., K, N) -> (..., M, N) with broadcast
     * batch dimensions; transpose_a/transpose_b swap the last two axes first. A rank-1 a (b)
     * is treated as (1, K) ((K, 1)) and that axis dropped from the result, as in numpy.
     */
    public static Type matmul(Rel r, MatmulAttrs a) {
        TensorType x = r.tensor(0);
        TensorType y = r.tensor(1);
        sameDtype(r, 0, 1);
        if (x.rank() < 1 || y.rank() < 1) throw r.fail("operands must have rank >= 1, got " + x + " and " + y);
        boolean xVec = x.rank() == 1;
        boolean yVec = y.rank() == 1;
        if ((xVec && a.transposeA()) || (yVec && a.transposeB())) {
            throw r.fail("transpose_a/transpose_b need a rank >= 2 operand, got " + x + " and " + y);
        }
        List<Integer> xs = new ArrayList<>(x.shape());
        List<Integer> ys = new ArrayList<>(y.shape());
        if (xVec) xs.addFirst(1);
        if (yVec) ys.add(1);
        int m = a.transposeA() ? xs.get(xs.size() - 1) : xs.get(xs.size() - 2);
        int kx = a.transposeA() ? xs.get(xs.size() - 2) : xs.get(xs.size() - 1);
        int ky = a.transposeB() ? ys.get(ys.size() - 1) : ys.get(ys.size() - 2);
        int n = a.transposeB() ? ys.get(ys.size() - 2) : ys.get(ys.size() - 1);
        if (kx != ky) {
            throw r.fail("reduction dimensions differ: " + x + (a.transposeA() ? " (transposed)" : "") + " has K=" + kx
                    + " but " + y + (a.transposeB() ? " (transposed)" : "") + " has K=" + ky);
        }
        List<Integer> batch = broadcastOrNull(xs.subList(0, xs.size() - 2), ys.subList(0, ys.size() - 2));
        if (batch == null) {
            throw r.fail("batch dimensions do not broadcast: " + x + " and " + y);
        }
        List<Integer> out = new ArrayList<>(batch);
        if (!xVec) out.add(m);
        if (!yVec) out.add(n);
        return new TensorType(out, outDtype(r, x.dtype(), a.outDtype()));
    }

    // ---- normalization ----

    public static Type softmax(Rel r, AxisAttrs a) {
        TensorType x = r.floatTensor(0);
        r.axis(a.axis(), x.rank(), "axis");
        return x;
    }

    private static void checkChannelParam(Rel r, int i, TensorType x, int axis) {
        TensorType p = r.tensor(i);
        if (p.rank() != 1 || p.dim(0) != x.dim(axis)) {
            throw r.fail(r.argName(i) + " must have shape (" + x.dim(axis) + ") to match axis " + axis + " of " + x
                    + ", got " + p);
        }
        sameDtype(r, 0, i);
    }

    public static Type layerNorm(Rel r, LayerNormAttrs a) {
        TensorType x = r.floatTensor(0);
        int axis = r.axis(a.axis(), x.rank(), "axis");
        if (!(a.epsilon() >= 0)) throw r.fail("epsilon must be >= 0, got " + a.epsilon());
        checkChannelParam(r, 1, x, axis);
        checkChannelParam(r, 2, x, axis);
        return x;
    }

    public static Type rmsNorm(Rel r, RmsNormAttrs a) {
        TensorType x = r.floatTensor(0);
        int axis = r.axis(a.axis(), x.rank(), "axis");
        if (!(a.epsilon() >= 0)) throw r.fail("epsilon must be >= 0, got " + a.epsilon());
        checkChannelParam(r, 1, x, axis);
        return x;
    }

    // ---- reductions ----

    private static List<Integer> reduceShape(Rel r, TensorType x, List<Integer> axes, boolean keepdims) {
        Set<Integer> reduced = new HashSet<>();
        if (axes == null) {
            for (int i = 0; i < x.rank(); i++) reduced.add(i);
        } else {
            for (int ax : axes) {
                if (!reduced.add(r.axis(ax, x.rank(), "axes"))) throw r.fail("axis " + ax + " listed twice in axes=" + axes);
            }
        }
        List<Integer> s = new ArrayList<>();
        for (int i = 0; i < x.rank(); i++) {
            if (!reduced.contains(i)) s.add(x.dim(i));
            else if (keepdims) s.add(1);
        }
        return s;
    }

    /** sum, max, min: any numeric dtype. */
    public static Type reduce(Rel r, ReduceAttrs a) {
        TensorType x = r.tensor(0);
        return new TensorType(reduceShape(r, x, a.axes(), a.keepdims()), x.dtype());
    }

    /** mean: floats only. */
    public static Type mean(Rel r, ReduceAttrs a) {
        TensorType x = r.floatTensor(0);
        return new TensorType(reduceShape(r, x, a.axes(), a.keepdims()), x.dtype());
    }

    public static Type argReduce(Rel r, ArgReduceAttrs a) {
        TensorType x = r.tensor(0);
        if (x.rank() > 0 && x.dim(r.axis(a.axis(), x.rank(), "axis")) == 0) {
            throw r.fail("cannot take the index of the largest element of an empty axis " + a.axis() + " of " + x);
        }
        return new TensorType(reduceShape(r, x, List.of(a.axis()), a.keepdims()), DType.INT64);
    }

    // ---- shape manipulation ----

    public static Type reshape(Rel r, ShapeAttrs a) {
        TensorType x = r.tensor(0);
        List<Integer> s = new ArrayList<>(a.shape());
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.size(); i++) {
            int d = s.get(i);
            if (d == -1) {
                if (infer >= 0) throw r.fail("shape=" + a.shape() + " has more than one -1");
                infer = i;
                continue;
            }
            if (d == 0) {
                if (i >= x.rank()) throw r.fail("shape=" + a.shape() + " copies axis " + i + " (0) but " + x + " has rank " + x.rank());
                d = x.dim(i);
                s.set(i, d);
            } else if (d < 0) {
                throw r.fail("shape=" + a.shape() + " has a negative dimension " + d + " (only -1 is allowed)");
            }
            known *= d;
            if (known > Long.MAX_VALUE / Integer.MAX_VALUE) throw r.fail("shape=" + a.shape() + " is too large");
        }
        long total = x.numElements();
        if (infer >= 0) {
            if (known == 0 || total % known != 0) {
                throw r.fail("cannot infer the -1 in shape=" + a.shape() + " for " + x + " (" + total + " elements)");
            }
            long d = total / known;
            if (d > Integer.MAX_VALUE) throw r.fail("inferred dimension " + d + " is too large");
            s.set(infer, (int) d);
        } else if (known != total) {
            throw r.fail("cannot reshape " + x + " (" + total + " elements) to " + a.shape() + " (" + known + " elements)");
        }
        return new TensorType(s, x.dtype());
    }

    public static Type transpose(Rel r, AxesAttrs a) {
        TensorType x = r.tensor(0);
        int n = x.rank();
        List<Integer> perm = new ArrayList<>();
        if (a.axes() == null) {
            for (int i = n - 1; i >= 0; i--) perm.add(i);
        } else {
            if (a.axes().size() != n) throw r.fail("axes=" + a.axes() + " must list all " + n + " axes of " + x);
            boolean[] seen = new boolean[n];
            for (int ax : a.axes()) {
                int p = r.axis(ax, n, "axes");
                if (seen[p]) throw r.fail("axes=" + a.axes() + " is not a permutation (axis " + ax + " twice)");
                seen[p] = true;
                perm.add(p);
            }
        }
        List<Integer> s = new ArrayList<>(n);
        for (int p : perm) s.add(x.dim(p));
        return new TensorType(s, x.dtype());
    }

    public static Type concatenate(Rel r, AxisAttrs a) {
        TensorType first = r.tensor(0);
        int axis = r.axis(a.axis(), first.rank(), "axis");
        long total = 0;
        for (int i = 0; i < r.size(); i++) {
            TensorType t = r.tensor(i);
            if (t.dtype() != first.dtype()) throw r.fail("dtypes differ: " + r.argName(0) + " is " + first + " but " + r.argName(i) + " is " + t);
            if (t.rank() != first.rank()) throw r.fail("ranks differ: " + r.argName(0) + " is " + first + " but " + r.argName(i) + " is " + t);
            for (int d = 0; d < t.rank(); d++) {
                if (d != axis && t.dim(d) != first.dim(d)) {
                    throw r.fail("dimension " + d + " differs: " + r.argName(0) + " is " + first + " but " + r.argName(i) + " is " + t
                            + " (only axis " + axis + " may differ)");
                }
            }
            total += t.dim(axis);
        }
        if (total > Integer.MAX_VALUE) throw r.fail("concatenated axis is too large (" + total + ")");
        List<Integer> s = new ArrayList<>(first.shape());
        s.set(axis, (int) total);
        return new TensorType(s, first.dtype());
    }

    public static Type split(Rel r, SplitAttrs a) {
        TensorType x = r.tensor(0);
        int axis = r.axis(a.axis(), x.rank(), "axis");
        int dim = x.dim(axis);
        List<Integer> sizes = new ArrayList<>();
        if (a.sections() != null) {
            int n = a.sections();
            if (n <= 0 || dim % n != 0) throw r.fail("sections=" + n + " does not divide axis " + axis + " of " + x + " (" + dim + ")");
            for (int i = 0; i < n; i++) sizes.add(dim / n);
        } else {
            int prev = 0;
            for (int idx : a.indices()) {
                if (idx < prev || idx > dim) {
                    throw r.fail("indices=" + a.indices() + " must be ascending split points within [0, " + dim + "] for " + x);
                }
                sizes.add(idx - prev);
                prev = idx;
            }
            sizes.add(dim - prev);
        }
        List<Type> fields = new ArrayList<>();
        for (int size : sizes) {
            List<Integer> s = new ArrayList<>(x.shape());
            s.set(axis, size);
            fields.add(new TensorType(s, x.dtype()));
        }
        return new TupleType(fields);
    }

    public static Type stridedSlice(Rel r, StridedSliceAttrs a) {
        TensorType x = r.tensor(0);
        int n = a.begin().size();
        if (a.end().size() != n) throw r.fail("begin=" + a.begin() + " and end=" + a.end() + " have different lengths");
        if (a.strides() != null && a.strides().size() != n) throw r.fail("strides=" + a.strides() + " must have " + n + " entries like begin");
        if (a.axes() != null && a.axes().size() != n) throw r.fail("axes=" + a.axes() + " must have " + n + " entries like begin");
        if (a.axes() == null && n > x.rank()) throw r.fail("begin=" + a.begin() + " has more entries than " + x + " has axes");
        List<Integer> s = new ArrayList<>(x.shape());
        boolean[] seen = new boolean[x.rank()];
        for (int i = 0; i < n; i++) {
            int axis = a.axes() == null ? i : r.axis(a.axes().get(i), x.rank(), "axes");
            if (seen[axis]) throw r.fail("axis " + axis + " sliced twice");
            seen[axis] = true;
            long stride = a.strides() == null ? 1 : a.strides().get(i);
            if (stride == 0) throw r.fail("strides=" + a.strides() + " contains 0");
            s.set(axis, (int) sliceLength(x.dim(axis), a.begin().get(i), a.end().get(i), stride));
        }
        return new TensorType(s, x.dtype());
    }

    /** Number of elements numpy's x[begin:end:stride] has along an axis of size {@code dim}. */
    public static long sliceLength(int dim, long begin, long end, long stride) {
        long b = begin < 0 ? begin + dim : begin;
        long e = end < 0 ? end + dim : end;
        if (stride > 0) {
            b = Math.clamp(b, 0, dim);
            e = Math.clamp(e, 0, dim);
            return e > b ? (e - b + stride - 1) / stride : 0;
        }
        b = Math.clamp(b, -1, dim - 1);
        e = Math.clamp(e, -1, dim - 1);
        return b > e ? (b - e - stride - 1) / -stride : 0;
    }

    /** take: data[:axis] + indices.shape + data[axis+1:]. */
    public static Type take(Rel r, AxisAttrs a) {
        TensorType data = r.tensor(0);
        TensorType idx = r.intTensor(1);
        int axis = r.axis(a.axis(), data.rank(), "axis");
        List<Integer> s = new ArrayList<>(data.shape().subList(0, axis));
        s.addAll(idx.shape());
        s.addAll(data.shape().subList(axis + 1, data.rank()));
        return new TensorType(s, data.dtype());
    }

    public static Type broadcastTo(Rel r, ShapeAttrs a) {
        TensorType x = r.tensor(0);
        for (int d : a.shape()) if (d < 0) throw r.fail("shape=" + a.shape() + " has a negative dimension");
        List<Integer> s = broadcastOrNull(x.shape(), a.shape());
        if (s == null || !s.equals(a.shape())) {
            throw r.fail("cannot broadcast " + x + " to shape " + a.shape()
                    + " (each trailing dimension must equal the target's or be 1)");
        }
        return new TensorType(a.shape(), x.dtype());
    }

    public static Type expandDims(Rel r, ExpandDimsAttrs a) {
        TensorType x = r.tensor(0);
        if (a.numNewaxis() < 0 || a.numNewaxis() > TensorType.MAX_RANK - x.rank()) {
            throw r.fail("num_newaxis must be in [0, " + (TensorType.MAX_RANK - x.rank()) + "], got " + a.numNewaxis());
        }
        int axis = r.axis(a.axis(), x.rank() + 1, "axis");
        List<Integer> s = new ArrayList<>(x.shape());
        for (int i = 0; i < a.numNewaxis(); i++) s.add(axis, 1);
        return new TensorType(s, x.dtype());
    }

    public static Type squeeze(Rel r, AxesAttrs a) {
        TensorType x = r.tensor(0);
        List<Integer> s = new ArrayList<>();
        if (a.axes() == null) {
            for (int d : x.shape()) if (d != 1) s.add(d);
        } else {
            boolean[] drop = new boolean[x.rank()];
            for (int ax : a.axes()) {
                int p = r.axis(ax, x.rank(), "axes");
                if (x.dim(p) != 1) throw r.fail("cannot squeeze axis " + ax + " of " + x + ": its size is " + x.dim(p) + ", not 1");
                drop[p] = true;
            }
            for (int i = 0; i < x.rank(); i++) if (!drop[i]) s.add(x.dim(i));
        }
        return new TensorType(s, x.dtype());
    }

    public static Type arange(Rel r, ArangeAttrs a) {
        if (a.step() == 0 || !Double.isFinite(a.step()) || !Double.isFinite(a.start()) || !Double.isFinite(a.stop())) {
            throw r.fail("start, stop and step must be finite and step non-zero, got start=" + a.start()
                    + " stop=" + a.stop() + " step=" + a.step());
        }
        double n = Math.ceil((a.stop() - a.start()) / a.step());
        if (n > Integer.MAX_VALUE - 8) throw r.fail("arange would have " + n + " elements");
        return TensorType.of(a.dtype(), (int) Math.max(0, n));
    }

    // ---- transformer-specific ----

    public static Type rotaryEmbedding(Rel r, RopeAttrs a) {
        TensorType x = r.floatTensor(0);
        if (x.rank() < 2) throw r.fail("data must have rank >= 2 (..., seq, ..., head_dim), got " + x);
        int seq = r.axis(a.seqAxis(), x.rank(), "seq_axis");
        if (seq == x.rank() - 1) throw r.fail("seq_axis=" + a.seqAxis() + " is the head dimension (last axis) of " + x);
        int d = x.dim(-1);
        int rot = a.rotaryDim() == null ? d : a.rotaryDim();
        if (rot <= 0 || rot > d || rot % 2 != 0) {
            throw r.fail("rotary dimension " + rot + " must be even and in (0, " + d + "] (head_dim of " + x + ")");
        }
        if (!(a.theta() > 0) || Double.isInfinite(a.theta())) throw r.fail("theta must be positive and finite, got " + a.theta());
        if (a.positionOffset() < 0) throw r.fail("position_offset must be >= 0, got " + a.positionOffset());
        return x;
    }

    public static Type causalMask(Rel r, MaskAttrs a) {
        TensorType x = r.tensor(0);
        if (x.rank() < 2) throw r.fail("scores must have rank >= 2 (..., query, key), got " + x);
        if (x.dtype() == DType.BOOL) throw r.fail("scores must be numeric, got " + x);
        return x;
    }

    public static Type attentionMask(Rel r, MaskAttrs a) {
        TensorType x = r.tensor(0);
        TensorType m = r.tensor(1);
        if (x.dtype() == DType.BOOL) throw r.fail("scores must be numeric, got " + x);
        if (m.dtype().isFloat()) throw r.fail("mask must be bool or integer (non-zero = keep), got " + m);
        List<Integer> s = broadcastOrNull(x.shape(), m.shape());
        if (s == null || !s.equals(x.shape())) throw r.fail("mask " + m + " does not broadcast to the scores " + x);
        return x;
    }

    // ---- quantization ----

    private static void checkQParam(Rel r, int i, TensorType x, int axis, boolean isScale) {
        TensorType p = r.tensor(i);
        if (isScale ? p.dtype() != DType.FP32 : p.dtype() != DType.INT32) {
            throw r.fail(r.argName(i) + " must be " + (isScale ? "float32" : "int32") + ", got " + p);
        }
        boolean scalar = p.rank() == 0 || (p.rank() == 1 && p.dim(0) == 1);
        boolean perChannel = p.rank() == 1 && x.rank() > 0 && p.dim(0) == x.dim(axis);
        if (!scalar && !perChannel) {
            throw r.fail(r.argName(i) + " must be a scalar or have one value per channel ("
                    + (x.rank() > 0 ? x.dim(axis) : 1) + " along axis " + axis + " of " + x + "), got " + p);
        }
    }

    private static int channelAxis(Rel r, TensorType x, int axis) {
        return x.rank() == 0 ? 0 : r.axis(axis, x.rank(), "axis");
    }

    private static void quantizedDtype(Rel r, DType d) {
        if (d != DType.INT8 && d != DType.UINT8 && d != DType.INT16 && d != DType.INT32) {
            throw r.fail("out_dtype must be int8, uint8, int16 or int32, got " + d);
        }
    }

    public static Type quantize(Rel r, QuantizeAttrs a) {
        TensorType x = r.floatTensor(0);
        int axis = channelAxis(r, x, a.axis());
        checkQParam(r, 1, x, axis, true);
        checkQParam(r, 2, x, axis, false);
        quantizedDtype(r, a.outDtype());
        return x.withDtype(a.outDtype());
    }

    public static Type dequantize(Rel r, AxisAttrs a) {
        TensorType x = r.intTensor(0);
        int axis = channelAxis(r, x, a.axis());
        checkQParam(r, 1, x, axis, true);
        checkQParam(r, 2, x, axis, false);
        return x.withDtype(DType.FP32);
    }

    public static Type requantize(Rel r, RequantizeAttrs a) {
        TensorType x = r.intTensor(0);
        int axis = channelAxis(r, x, a.axis());
        checkQParam(r, 1, x, axis, true);
        checkQParam(r, 2, x, axis, false);
        checkQParam(r, 3, x, axis, true);
        checkQParam(r, 4, x, axis, false);
        quantizedDtype(r, a.outDtype());
        return x.withDtype(a.outDtype());
    }

    /** qnn.dense: (data - data_zp) x (weight - weight_zp)^T with int8/uint8 operands, integer output. */
    public static Type qnnDense(Rel r, DenseAttrs a) {
        if (a.int4Weight()) throw r.fail("weight_int4_group is an attribute of nn.dense only");
        TensorType x = r.tensor(0);
        TensorType w = r.tensor(1);
        for (int i = 0; i < 2; i++) {
            DType d = r.tensor(i).dtype();
            if (d != DType.INT8 && d != DType.UINT8) throw r.fail(r.argName(i) + " must be int8 or uint8, got " + r.tensor(i));
        }
        if (x.rank() < 1) throw r.fail("data must have rank >= 1, got " + x);
        if (w.rank() != 2) throw r.fail("weight must have rank 2 (units, in_features), got " + w);
        denseZeroPoints(r, w);
        DType out = a.outDtype() == null ? DType.INT32 : a.outDtype();
        if (out != DType.INT32 && out != DType.INT64) throw r.fail("out_dtype must be int32 or int64, got " + out);
        return denseShape(r, x, w, a.units(), out);
    }

    /**
     * The zero points of a dense with a (units, in_features) weight {@code w}, arguments 2 and 3 of {@code r}
     * (qnn.dense, and pim.gemm with zero points): an int32 scalar for the data, an int32 scalar or one value
     * per output feature for the weight.
     */
    public static void denseZeroPoints(Rel r, TensorType w) {
        TensorType xzp = r.tensor(2);
        TensorType wzp = r.tensor(3);
        if (xzp.dtype() != DType.INT32 || xzp.numElements() != 1 || xzp.rank() > 1) {
            throw r.fail(r.argName(2) + " must be an int32 scalar, got " + xzp);
        }
        boolean wScalar = wzp.numElements() == 1 && wzp.rank() <= 1;
        boolean wPerRow = wzp.rank() == 1 && wzp.dim(0) == w.dim(0);
        if (wzp.dtype() != DType.INT32 || !(wScalar || wPerRow)) {
            throw r.fail(r.argName(3) + " must be an int32 scalar or have one value per output feature ("
                    + w.dim(0) + "), got " + wzp);
        }
    }

    /** qnn.dynamic_quantize (ONNX DynamicQuantizeLinear): (uint8 data, float32 scale, uint8 zero point). */
    public static Type dynamicQuantize(Rel r, NoAttrs a) {
        TensorType x = r.tensor(0);
        if (x.dtype() != DType.FP32) throw r.fail("data must be float32, got " + x);
        return TupleType.of(x.withDtype(DType.UINT8), TensorType.scalar(DType.FP32), TensorType.scalar(DType.UINT8));
    }
}
