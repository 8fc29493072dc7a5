package org.pimllm.models.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A decoded ONNX model: the parts of {@code ModelProto} an importer needs, as plain records.
 *
 * <p>Tensor data is normalized on reading: whatever field the file used (raw_data, float_data,
 * int32_data, ...), {@link Tensor#data()} holds the elements little-endian at their natural width.
 */
public record OnnxModel(
    long irVersion, Map<String, Long> opsetImports, String producerName, String producerVersion, Graph graph) {

  /** Opset version of the default (ai.onnx) domain, or -1 when the model declares none. */
  public long defaultOpset() {
    return opsetImports.getOrDefault("", opsetImports.getOrDefault("ai.onnx", -1L));
  }

  public record Graph(
      String name,
      List<Node> nodes,
      List<Tensor> initializers,
      List<ValueInfo> inputs,
      List<ValueInfo> outputs,
      List<ValueInfo> valueInfos) {

    public Optional<Tensor> initializer(String name) {
      return initializers.stream().filter(t -> t.name().equals(name)).findFirst();
    }
  }

  public record Node(
      String name, String opType, String domain, List<String> inputs, List<String> outputs, Map<String, Attribute> attributes) {

    /** Where the node is, for error messages: {@code MatMul node 'foo'}. */
    public String describe() {
      return opType + " node '" + (name.isEmpty() ? String.join(",", outputs) : name) + "'";
    }
  }

  /** One attribute; exactly the field matching {@link #type()} is meaningful. */
  public record Attribute(
      String name,
      AttributeType type,
      float f,
      long i,
      byte[] s,
      Tensor t,
      Graph g,
      float[] floats,
      long[] ints,
      List<byte[]> strings,
      List<Tensor> tensors,
      List<Graph> graphs) {

    public String string() {
      return new String(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return switch (type) {
        case FLOAT -> name + "=" + f;
        case INT -> name + "=" + i;
        case STRING -> name + "=\"" + string() + "\"";
        case FLOATS -> name + "=" + Arrays.toString(floats);
        case INTS -> name + "=" + Arrays.toString(ints);
        default -> name + ":" + type;
      };
    }
  }

  /** {@code AttributeProto.AttributeType} values (numbers from the ONNX specification). */
  public enum AttributeType {
    UNDEFINED(0), FLOAT(1), INT(2), STRING(3), TENSOR(4), GRAPH(5), FLOATS(6), INTS(7), STRINGS(8),
    TENSORS(9), GRAPHS(10), SPARSE_TENSOR(11), SPARSE_TENSORS(12), TYPE_PROTO(13), TYPE_PROTOS(14);

    private final int code;

    AttributeType(int code) {
      this.code = code;
    }

    public static AttributeType of(int code) {
      for (AttributeType t : values()) {
        if (t.code == code) {
          return t;
        }
      }
      throw new OnnxFormatException("unknown ONNX attribute type " + code);
    }
  }

  /** A tensor with its elements little-endian in {@code data} (empty for STRING tensors). */
  public record Tensor(String name, OnnxDataType dataType, long[] dims, byte[] data) {

    public long elementCount() {
      long n = 1;
      for (long d : dims) {
        n *= d;
      }
      return n;
    }

    public ByteBuffer buffer() {
      return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }

    public float[] floats() {
      requireType(OnnxDataType.FLOAT);
      float[] out = new float[(int) elementCount()];
      buffer().asFloatBuffer().get(out);
      return out;
    }

    public long[] longs() {
      requireType(OnnxDataType.INT64);
      long[] out = new long[(int) elementCount()];
      buffer().asLongBuffer().get(out);
      return out;
    }

    public int[] ints() {
      requireType(OnnxDataType.INT32);
      int[] out = new int[(int) elementCount()];
      buffer().asIntBuffer().get(out);
      return out;
    }

    private void requireType(OnnxDataType t) {
      if (dataType != t) {
        throw new OnnxFormatException("tensor '" + name + "' is " + dataType + ", expected " + t);
      }
    }

    @Override
    public String toString() {
      return "Tensor[" + name + ", " + dataType + ", " + Arrays.toString(dims) + "]";
    }
  }

  /** A graph input/output/value_info: a tensor type whose dimensions may be symbolic. */
  public record ValueInfo(String name, OnnxDataType elemType, List<Dim> shape) {}

  /** A dimension: a known size, or a symbolic name (e.g. "batch"), or unknown (both absent). */
  public record Dim(long value, String param) {
    public boolean known() {
      return value >= 0;
    }

    @Override
    public String toString() {
      return known() ? Long.toString(value) : (param.isEmpty() ? "?" : param);
    }
  }
}
