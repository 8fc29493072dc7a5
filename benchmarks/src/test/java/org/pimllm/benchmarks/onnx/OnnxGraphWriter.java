package org.pimllm.benchmarks.onnx;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.pimllm.ir.DType;
import org.pimllm.ir.Tensor;

/**
 * Writes small ONNX models for tests, field by field with protobuf-java's writer (field numbers from the
 * ONNX specification's onnx.proto3; nothing of ONNX's own code). Enough for one-op and few-op graphs with
 * fixed shapes: inputs, initializers, nodes with int/float/string/ints attributes, typed outputs.
 */
final class OnnxGraphWriter {

  /** One node attribute. */
  record Attr(String name, Object value) {
    static Attr i(String name, long v) { return new Attr(name, v); }
    static Attr f(String name, float v) { return new Attr(name, v); }
    static Attr s(String name, String v) { return new Attr(name, v); }
    static Attr ints(String name, long... v) { return new Attr(name, v); }
  }

  private final long opset;
  private final List<byte[]> nodes = new ArrayList<>();
  private final List<byte[]> initializers = new ArrayList<>();
  private final List<byte[]> inputs = new ArrayList<>();
  private final List<byte[]> outputs = new ArrayList<>();

  OnnxGraphWriter(long opset) {
    this.opset = opset;
  }

  OnnxGraphWriter input(String name, DType dtype, int... shape) {
    inputs.add(valueInfo(name, dtype, shape));
    return this;
  }

  OnnxGraphWriter output(String name, DType dtype) {
    outputs.add(valueInfo(name, dtype, null));
    return this;
  }

  OnnxGraphWriter initializer(String name, Tensor t) {
    initializers.add(tensor(name, t));
    return this;
  }

  OnnxGraphWriter node(String op, List<String> in, List<String> out, Attr... attrs) {
    nodes.add(message(o -> {
      for (String s : in) o.writeString(1, s);
      for (String s : out) o.writeString(2, s);
      o.writeString(3, op + "_" + nodes.size());
      o.writeString(4, op);
      for (Attr a : attrs) o.writeByteArray(5, attribute(a));
    }));
    return this;
  }

  byte[] bytes() {
    byte[] graph = message(o -> {
      for (byte[] n : nodes) o.writeByteArray(1, n);
      o.writeString(2, "test");
      for (byte[] t : initializers) o.writeByteArray(5, t);
      for (byte[] v : inputs) o.writeByteArray(11, v);
      for (byte[] v : outputs) o.writeByteArray(12, v);
    });
    byte[] opsetId = message(o -> {
      o.writeString(1, "");
      o.writeInt64(2, opset);
    });
    return message(o -> {
      o.writeInt64(1, 8); // ir_version
      o.writeString(2, "pimllm-test");
      o.writeByteArray(7, graph);
      o.writeByteArray(8, opsetId);
    });
  }

  /** TensorProto.DataType numbers. */
  static int elemType(DType d) {
    return switch (d) {
      case FP32 -> 1;
      case UINT8 -> 2;
      case INT8 -> 3;
      case INT32 -> 6;
      case INT64 -> 7;
      case BOOL -> 9;
      default -> throw new IllegalArgumentException("no ONNX element type for " + d + " in this writer");
    };
  }

  private static byte[] valueInfo(String name, DType dtype, int[] shape) {
    byte[] tensorType = message(o -> {
      o.writeInt32(1, elemType(dtype));
      if (shape != null) {
        o.writeByteArray(2, message(s -> {
          for (int d : shape) s.writeByteArray(1, message(dim -> dim.writeInt64(1, d)));
        }));
      }
    });
    return message(o -> {
      o.writeString(1, name);
      o.writeByteArray(2, message(t -> t.writeByteArray(1, tensorType)));
    });
  }

  private static byte[] tensor(String name, Tensor t) {
    return message(o -> {
      for (int d : t.shape()) o.writeInt64(1, d);
      o.writeInt32(2, elemType(t.dtype()));
      o.writeString(8, name);
      o.writeByteArray(9, rawLittleEndian(t));
    });
  }

  private static byte[] rawLittleEndian(Tensor t) {
    int width = t.dtype().bits() / 8;
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(t.size() * width).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < t.size(); i++) {
      switch (t.dtype()) {
        case FP32 -> b.putFloat((float) t.getDouble(i));
        case INT64 -> b.putLong(t.getLong(i));
        case INT32 -> b.putInt((int) t.getLong(i));
        case INT8, UINT8, BOOL -> b.put((byte) t.getLong(i));
        default -> throw new IllegalArgumentException(t.dtype().toString());
      }
    }
    return b.array();
  }

  private static byte[] attribute(Attr a) {
    return message(o -> {
      o.writeString(1, a.name());
      switch (a.value()) {
        case Float f -> { o.writeFloat(2, f); o.writeInt32(20, 1); }
        case Long i -> { o.writeInt64(3, i); o.writeInt32(20, 2); }
        case String s -> { o.writeByteArray(4, s.getBytes(java.nio.charset.StandardCharsets.UTF_8)); o.writeInt32(20, 3); }
        case long[] v -> { for (long x : v) o.writeInt64(8, x); o.writeInt32(20, 7); }
        default -> throw new IllegalArgumentException(a.toString());
      }
    });
  }

  private interface Body {
    void write(CodedOutputStream o) throws IOException;
  }

  private static byte[] message(Body body) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream o = CodedOutputStream.newInstance(bytes);
      body.write(o);
      o.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
