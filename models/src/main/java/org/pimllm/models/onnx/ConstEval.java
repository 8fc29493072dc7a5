package org.pimllm.models.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.LongBinaryOperator;
import org.pimllm.ir.DType;
import org.pimllm.ir.Tensor;

/**
 * Evaluates ONNX ops on tensors known at import time: the shape subgraphs (Shape, Gather, Unsqueeze,
 * Concat, Reshape, ...) that exporters emit, folded for the given input shapes. Written for clarity,
 * not speed: these tensors are small (shape vectors, position ids, masks).
 */
final class ConstEval {

  private ConstEval() {}

  // ---- index helpers ----

  static int[] strides(int[] shape) {
    int[] s = new int[shape.length];
    int acc = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= shape[i];
    }
    return s;
  }

  static int size(int[] shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  static int normAxis(int axis, int rank, String where) {
    int a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank) {
      throw new OnnxFormatException(where + ": axis " + axis + " is out of range for rank " + rank);
    }
    return a;
  }

  /** numpy broadcasting of two shapes. */
  static int[] broadcast(int[] a, int[] b, String where) {
    int rank = Math.max(a.length, b.length);
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      int da = i - (rank - a.length) >= 0 ? a[i - (rank - a.length)] : 1;
      int db = i - (rank - b.length) >= 0 ? b[i - (rank - b.length)] : 1;
      if (da != db && da != 1 && db != 1) {
        throw new OnnxFormatException(where + ": shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
            + " do not broadcast");
      }
      out[i] = da == 1 ? db : da;
    }
    return out;
  }

  /** Flat index into a tensor of {@code shape} for the broadcast output coordinate {@code coord}. */
  private static int broadcastIndex(int[] coord, int[] shape) {
    int idx = 0;
    int off = coord.length - shape.length;
    int stride = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      int c = shape[i] == 1 ? 0 : coord[i + off];
      idx += c * stride;
      stride *= shape[i];
    }
    return idx;
  }

  private static int[] coord(int flat, int[] shape) {
    int[] c = new int[shape.length];
    for (int i = shape.length - 1; i >= 0; i--) {
      if (shape[i] > 0) {
        c[i] = flat % shape[i];
        flat /= shape[i];
      }
    }
    return c;
  }

  static Tensor empty(DType dtype, int[] shape) {
    return Tensor.zeros(dtype, shape);
  }

  // ---- elementwise ----

  static Tensor binary(Tensor a, Tensor b, LongBinaryOperator intOp, DoubleBinaryOperator floatOp, String where) {
    if (a.dtype() != b.dtype()) {
      throw new OnnxFormatException(where + ": operand types differ (" + a.dtype() + " and " + b.dtype() + ")");
    }
    int[] shape = broadcast(a.shape(), b.shape(), where);
    Tensor out = empty(a.dtype(), shape);
    for (int i = 0; i < out.size(); i++) {
      int[] c = coord(i, shape);
      int ia = broadcastIndex(c, a.shape());
      int ib = broadcastIndex(c, b.shape());
      if (a.dtype().isFloat()) {
        out.setDouble(i, floatOp.applyAsDouble(a.getDouble(ia), b.getDouble(ib)));
      } else {
        out.setLong(i, intOp.applyAsLong(a.getLong(ia), b.getLong(ib)));
      }
    }
    return out;
  }

  interface Compare {
    boolean test(double x, double y);
  }

  static Tensor compare(Tensor a, Tensor b, Compare cmp, String where) {
    int[] shape = broadcast(a.shape(), b.shape(), where);
    Tensor out = empty(DType.BOOL, shape);
    for (int i = 0; i < out.size(); i++) {
      int[] c = coord(i, shape);
      out.setLong(i, cmp.test(a.getDouble(broadcastIndex(c, a.shape())), b.getDouble(broadcastIndex(c, b.shape()))) ? 1 : 0);
    }
    return out;
  }

  static Tensor where(Tensor cond, Tensor x, Tensor y, String where) {
    int[] shape = broadcast(broadcast(cond.shape(), x.shape(), where), y.shape(), where);
    Tensor out = empty(x.dtype(), shape);
    for (int i = 0; i < out.size(); i++) {
      int[] c = coord(i, shape);
      Tensor src = cond.getLong(broadcastIndex(c, cond.shape())) != 0 ? x : y;
      copyElement(src, broadcastIndex(c, src.shape()), out, i);
    }
    return out;
  }

  static Tensor cast(Tensor t, DType to) {
    Tensor out = empty(to, t.shape());
    for (int i = 0; i < t.size(); i++) {
      if (to.isFloat() || t.dtype().isFloat()) {
        double v = t.getDouble(i);
        out.setDouble(i, to.isFloat() ? v : (to == DType.BOOL ? (v != 0 ? 1 : 0) : truncateSaturate(v, to)));
      } else {
        long v = t.getLong(i);
        out.setLong(i, to == DType.BOOL ? (v != 0 ? 1 : 0) : wrap(v, to));
      }
    }
    return out;
  }

  /** ONNX Cast from float to integer truncates toward zero. */
  private static double truncateSaturate(double v, DType to) {
    double t = v < 0 ? Math.ceil(v) : Math.floor(v);
    return Math.max(to.minValue(), Math.min(to.maxValue(), t));
  }

  /** Integer-to-integer casts wrap, as in C and ONNX Runtime. */
  private static long wrap(long v, DType to) {
    return switch (to) {
      case INT8 -> (byte) v;
      case UINT8 -> v & 0xFF;
      case INT16 -> (short) v;
      case INT32 -> (int) v;
      default -> v;
    };
  }

  private static void copyElement(Tensor src, int si, Tensor dst, int di) {
    if (dst.dtype().isFloat()) {
      dst.setDouble(di, src.getDouble(si));
    } else {
      dst.setLong(di, src.getLong(si));
    }
  }

  // ---- movement ----

  static Tensor reshape(Tensor t, int[] shape) {
    Tensor out = empty(t.dtype(), shape);
    if (out.size() != t.size()) {
      throw new OnnxFormatException("cannot reshape " + Arrays.toString(t.shape()) + " to " + Arrays.toString(shape));
    }
    for (int i = 0; i < t.size(); i++) {
      copyElement(t, i, out, i);
    }
    return out;
  }

  static Tensor transpose(Tensor t, int[] perm) {
    int[] in = t.shape();
    int[] shape = new int[in.length];
    for (int i = 0; i < perm.length; i++) {
      shape[i] = in[perm[i]];
    }
    int[] inStrides = strides(in);
    Tensor out = empty(t.dtype(), shape);
    for (int i = 0; i < out.size(); i++) {
      int[] c = coord(i, shape);
      int src = 0;
      for (int d = 0; d < perm.length; d++) {
        src += c[d] * inStrides[perm[d]];
      }
      copyElement(t, src, out, i);
    }
    return out;
  }

  static Tensor gather(Tensor data, Tensor indices, int axis, String where) {
    int[] ds = data.shape();
    int ax = normAxis(axis, ds.length, where);
    int[] is = indices.shape();
    int[] shape = new int[ds.length - 1 + is.length];
    System.arraycopy(ds, 0, shape, 0, ax);
    System.arraycopy(is, 0, shape, ax, is.length);
    System.arraycopy(ds, ax + 1, shape, ax + is.length, ds.length - ax - 1);
    Tensor out = empty(data.dtype(), shape);
    int[] dStrides = strides(ds);
    for (int i = 0; i < out.size(); i++) {
      int[] c = coord(i, shape);
      int[] ic = Arrays.copyOfRange(c, ax, ax + is.length);
      long index = indices.getLong(is.length == 0 ? 0 : flat(ic, is));
      if (index < 0) {
        index += ds[ax];
      }
      if (index < 0 || index >= ds[ax]) {
        throw new OnnxFormatException(where + ": index " + index + " is out of range for dimension " + ds[ax]);
      }
      int src = 0;
      for (int d = 0; d < ax; d++) {
        src += c[d] * dStrides[d];
      }
      src += (int) index * dStrides[ax];
      for (int d = ax + 1; d < ds.length; d++) {
        src += c[d - 1 + is.length] * dStrides[d];
      }
      copyElement(data, src, out, i);
    }
    return out;
  }

  private static int flat(int[] c, int[] shape) {
    int idx = 0;
    for (int i = 0; i < shape.length; i++) {
      idx = idx * shape[i] + c[i];
    }
    return idx;
  }

  static Tensor concat(List<Tensor> parts, int axis, String where) {
    int[] first = parts.getFirst().shape();
    int ax = normAxis(axis, first.length, where);
    int[] shape = first.clone();
    shape[ax] = 0;
    for (Tensor p : parts) {
      if (p.rank() != first.length || p.dtype() != parts.getFirst().dtype()) {
        throw new OnnxFormatException(where + ": inputs differ in rank or type");
      }
      shape[ax] += p.shape()[ax];
    }
    Tensor out = empty(parts.getFirst().dtype(), shape);
    for (int i = 0; i < out.size(); i++) {
      int[] c = coord(i, shape);
      int pos = c[ax];
      for (Tensor p : parts) {
        if (pos < p.shape()[ax]) {
          int[] pc = c.clone();
          pc[ax] = pos;
          copyElement(p, flat(pc, p.shape()), out, i);
          break;
        }
        pos -= p.shape()[ax];
      }
    }
    return out;
  }

  /** Slices with the ONNX rule: begin/end clamped to [0, dim] (or [-1, dim-1] for negative steps). */
  static Tensor slice(Tensor t, long[] starts, long[] ends, int[] axes, long[] steps, String where) {
    int[] in = t.shape();
    int rank = in.length;
    int[] begin = new int[rank];
    int[] step = new int[rank];
    int[] shape = in.clone();
    Arrays.fill(step, 1);
    for (int k = 0; k < axes.length; k++) {
      int ax = normAxis(axes[k], rank, where);
      long st = steps[k];
      if (st == 0) {
        throw new OnnxFormatException(where + ": slice step 0");
      }
      long dim = in[ax];
      long b = starts[k] < 0 ? starts[k] + dim : starts[k];
      long e = ends[k] < 0 ? ends[k] + dim : ends[k];
      if (st > 0) {
        b = Math.clamp(b, 0, dim);
        e = Math.clamp(e, 0, dim);
        shape[ax] = (int) Math.max(0, (e - b + st - 1) / st);
      } else {
        b = Math.clamp(b, -1, dim - 1);
        e = Math.clamp(e, -1, dim - 1);
        shape[ax] = (int) Math.max(0, (b - e + (-st) - 1) / (-st));
      }
      begin[ax] = (int) b;
      step[ax] = (int) st;
    }
    Tensor out = empty(t.dtype(), shape);
    int[] inStrides = strides(in);
    for (int i = 0; i < out.size(); i++) {
      int[] c = coord(i, shape);
      int src = 0;
      for (int d = 0; d < rank; d++) {
        src += (begin[d] + c[d] * step[d]) * inStrides[d];
      }
      copyElement(t, src, out, i);
    }
    return out;
  }

  static Tensor expand(Tensor t, int[] target, String where) {
    int[] shape = broadcast(t.shape(), target, where);
    Tensor out = empty(t.dtype(), shape);
    for (int i = 0; i < out.size(); i++) {
      copyElement(t, broadcastIndex(coord(i, shape), t.shape()), out, i);
    }
    return out;
  }

  static Tensor range(Tensor start, Tensor limit, Tensor delta) {
    double s = start.getDouble(0);
    double l = limit.getDouble(0);
    double d = delta.getDouble(0);
    int n = (int) Math.max(0, Math.ceil((l - s) / d));
    Tensor out = empty(start.dtype(), new int[] {n});
    for (int i = 0; i < n; i++) {
      if (start.dtype().isFloat()) {
        out.setDouble(i, s + i * d);
      } else {
        out.setLong(i, start.getLong(0) + (long) i * delta.getLong(0));
      }
    }
    return out;
  }

  static Tensor fill(int[] shape, Tensor value) {
    Tensor out = empty(value.dtype(), shape);
    for (int i = 0; i < out.size(); i++) {
      copyElement(value, 0, out, i);
    }
    return out;
  }

  /** Output shape after inserting size-1 axes at the (output-relative) positions {@code axes}. */
  static int[] unsqueezedShape(int[] in, long[] axes, String where) {
    int rank = in.length + axes.length;
    boolean[] inserted = new boolean[rank];
    for (long a : axes) {
      int ax = normAxis((int) a, rank, where);
      if (inserted[ax]) {
        throw new OnnxFormatException(where + ": axis " + a + " listed twice");
      }
      inserted[ax] = true;
    }
    int[] out = new int[rank];
    for (int i = 0, j = 0; i < rank; i++) {
      out[i] = inserted[i] ? 1 : in[j++];
    }
    return out;
  }

  static int[] squeezedShape(int[] in, long[] axes, String where) {
    List<Integer> out = new ArrayList<>();
    boolean[] drop = new boolean[in.length];
    if (axes.length == 0) {
      for (int i = 0; i < in.length; i++) {
        drop[i] = in[i] == 1;
      }
    }
    for (long a : axes) {
      int ax = normAxis((int) a, in.length, where);
      if (in[ax] != 1) {
        throw new OnnxFormatException(where + ": cannot squeeze axis " + a + " of size " + in[ax]);
      }
      drop[ax] = true;
    }
    for (int i = 0; i < in.length; i++) {
      if (!drop[i]) {
        out.add(in[i]);
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }
}
