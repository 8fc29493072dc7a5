package org.pimllm.models.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.pimllm.ir.Relations;
import org.pimllm.ir.Tensor;

/**
 * Shape arithmetic of the ONNX importer (broadcasting, Unsqueeze/Squeeze shapes) and the two ONNX
 * ops with no IR counterpart that produce constants (Range, ConstantOfShape). Everything else known
 * at import time is evaluated with the IR's reference interpreter.
 */
final class ConstEval {

  private ConstEval() {}

  // ---- index helpers ----

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

  /** numpy broadcasting of two shapes (the IR's rule, {@link Relations#broadcastOrNull}). */
  static int[] broadcast(int[] a, int[] b, String where) {
    List<Integer> out = Relations.broadcastOrNull(boxed(a), boxed(b));
    if (out == null) {
      throw new OnnxFormatException(where + ": shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
          + " do not broadcast");
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  private static List<Integer> boxed(int[] shape) {
    return Arrays.stream(shape).boxed().toList();
  }

  // ---- ONNX ops without an IR counterpart ----

  static Tensor range(Tensor start, Tensor limit, Tensor delta) {
    double s = start.getDouble(0);
    double l = limit.getDouble(0);
    double d = delta.getDouble(0);
    int n = (int) Math.max(0, Math.ceil((l - s) / d));
    Tensor out = Tensor.zeros(start.dtype(), n);
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
    Tensor out = Tensor.zeros(value.dtype(), shape);
    for (int i = 0; i < out.size(); i++) {
      if (out.dtype().isFloat()) {
        out.setDouble(i, value.getDouble(0));
      } else {
        out.setLong(i, value.getLong(0));
      }
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
