package org.pimllm.models.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pimllm.models.onnx.OnnxModel.Attribute;
import org.pimllm.models.onnx.OnnxModel.AttributeType;
import org.pimllm.models.onnx.OnnxModel.Dim;
import org.pimllm.models.onnx.OnnxModel.Graph;
import org.pimllm.models.onnx.OnnxModel.Node;
import org.pimllm.models.onnx.OnnxModel.Tensor;
import org.pimllm.models.onnx.OnnxModel.ValueInfo;

/**
 * Reads ONNX files straight from the protobuf wire format with protobuf-java's {@link CodedInputStream}.
 *
 * <p>Field numbers follow the ONNX specification's {@code onnx.proto} (IR version 3 and later). Fields
 * an importer does not need (doc strings, metadata, training info, functions) are skipped. Any
 * malformed input ends in an {@link OnnxFormatException} that says what was wrong and where.
 */
public final class OnnxReader {

  /** Nested graphs (If/Loop bodies) deeper than this are refused rather than risking the stack. */
  private static final int MAX_GRAPH_DEPTH = 16;

  private OnnxReader() {}

  public static OnnxModel read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new OnnxFormatException("ONNX file not found: " + file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read ONNX file " + file + ": " + e.getMessage(), e);
    }
    try {
      return read(bytes);
    } catch (OnnxFormatException e) {
      throw new OnnxFormatException(file + ": " + e.getMessage(), e);
    }
  }

  public static OnnxModel read(byte[] bytes) {
    if (bytes.length == 0) {
      throw new OnnxFormatException("empty file, not an ONNX model");
    }
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    in.setRecursionLimit(MAX_GRAPH_DEPTH * 8);
    try {
      OnnxModel model = readModel(in);
      if (model.graph() == null) {
        throw new OnnxFormatException("not an ONNX model: no graph (field 7 of ModelProto) found");
      }
      return model;
    } catch (InvalidProtocolBufferException e) {
      throw new OnnxFormatException("corrupted or truncated ONNX file: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new OnnxFormatException("cannot decode ONNX file: " + e.getMessage(), e);
    }
  }

  // ---- ModelProto ----

  private static OnnxModel readModel(CodedInputStream in) throws IOException {
    long irVersion = 0;
    Map<String, Long> opsets = new LinkedHashMap<>();
    String producer = "";
    String producerVersion = "";
    Graph graph = null;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (field(tag, in)) {
        case 1 -> irVersion = in.readInt64();
        case 2 -> producer = in.readString();
        case 3 -> producerVersion = in.readString();
        case 7 -> graph = nested(in, s -> readGraph(s, 0));
        case 8 -> {
          long[] version = {1};
          String[] domain = {""};
          nested(in, s -> {
            for (int t = s.readTag(); t != 0; t = s.readTag()) {
              switch (field(t, s)) {
                case 1 -> domain[0] = s.readString();
                case 2 -> version[0] = s.readInt64();
                default -> s.skipField(t);
              }
            }
            return null;
          });
          opsets.put(domain[0], version[0]);
        }
        default -> in.skipField(tag);
      }
    }
    return new OnnxModel(irVersion, Map.copyOf(opsets), producer, producerVersion, graph);
  }

  // ---- GraphProto ----

  private static Graph readGraph(CodedInputStream in, int depth) throws IOException {
    if (depth > MAX_GRAPH_DEPTH) {
      throw new OnnxFormatException("graphs nested more than " + MAX_GRAPH_DEPTH + " deep");
    }
    String name = "";
    List<Node> nodes = new ArrayList<>();
    List<Tensor> initializers = new ArrayList<>();
    List<ValueInfo> inputs = new ArrayList<>();
    List<ValueInfo> outputs = new ArrayList<>();
    List<ValueInfo> valueInfos = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (field(tag, in)) {
        case 1 -> nodes.add(nested(in, s -> readNode(s, depth)));
        case 2 -> name = in.readString();
        case 5 -> initializers.add(nested(in, OnnxReader::readTensor));
        case 11 -> inputs.add(nested(in, OnnxReader::readValueInfo));
        case 12 -> outputs.add(nested(in, OnnxReader::readValueInfo));
        case 13 -> valueInfos.add(nested(in, OnnxReader::readValueInfo));
        case 15 -> throw new OnnxFormatException("graph '" + name + "' has sparse initializers, which are not supported");
        default -> in.skipField(tag);
      }
    }
    return new Graph(name, List.copyOf(nodes), List.copyOf(initializers), List.copyOf(inputs), List.copyOf(outputs), List.copyOf(valueInfos));
  }

  // ---- NodeProto ----

  private static Node readNode(CodedInputStream in, int depth) throws IOException {
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    String name = "";
    String opType = "";
    String domain = "";
    Map<String, Attribute> attributes = new LinkedHashMap<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (field(tag, in)) {
        case 1 -> inputs.add(in.readString());
        case 2 -> outputs.add(in.readString());
        case 3 -> name = in.readString();
        case 4 -> opType = in.readString();
        case 7 -> domain = in.readString();
        case 5 -> {
          Attribute a = nested(in, s -> readAttribute(s, depth));
          attributes.put(a.name(), a);
        }
        default -> in.skipField(tag);
      }
    }
    if (opType.isEmpty()) {
      throw new OnnxFormatException("a node" + (name.isEmpty() ? "" : " '" + name + "'") + " has no op_type");
    }
    return new Node(name, opType, domain, List.copyOf(inputs), List.copyOf(outputs), Map.copyOf(attributes));
  }

  // ---- AttributeProto ----

  private static Attribute readAttribute(CodedInputStream in, int depth) throws IOException {
    String name = "";
    int type = 0;
    float f = 0;
    long i = 0;
    byte[] s = new byte[0];
    Tensor t = null;
    Graph g = null;
    FloatList floats = new FloatList();
    LongList ints = new LongList();
    List<byte[]> strings = new ArrayList<>();
    List<Tensor> tensors = new ArrayList<>();
    List<Graph> graphs = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      int wire = WireFormat.getTagWireType(tag);
      switch (field(tag, in)) {
        case 1 -> name = in.readString();
        case 20 -> type = in.readInt32();
        case 2 -> f = in.readFloat();
        case 3 -> i = in.readInt64();
        case 4 -> s = in.readByteArray();
        case 5 -> t = nested(in, OnnxReader::readTensor);
        case 6 -> g = nested(in, x -> readGraph(x, depth + 1));
        case 7 -> readRepeated(in, wire, x -> floats.add(x.readFloat()));
        case 8 -> readRepeated(in, wire, x -> ints.add(x.readInt64()));
        case 9 -> strings.add(in.readByteArray());
        case 10 -> tensors.add(nested(in, OnnxReader::readTensor));
        case 11 -> graphs.add(nested(in, x -> readGraph(x, depth + 1)));
        case 21 -> throw new OnnxFormatException("attribute '" + name + "' refers to a function attribute, which is not supported");
        default -> in.skipField(tag);
      }
    }
    return new Attribute(name, AttributeType.of(type), f, i, s, t, g, floats.toArray(), ints.toArray(),
        List.copyOf(strings), List.copyOf(tensors), List.copyOf(graphs));
  }

  // ---- ValueInfoProto / TypeProto ----

  private static ValueInfo readValueInfo(CodedInputStream in) throws IOException {
    String name = "";
    ValueInfo typed = new ValueInfo("", OnnxDataType.UNDEFINED, List.of());
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (field(tag, in)) {
        case 1 -> name = in.readString();
        case 2 -> typed = nested(in, OnnxReader::readTypeProto);
        default -> in.skipField(tag);
      }
    }
    return new ValueInfo(name, typed.elemType(), typed.shape());
  }

  /** TypeProto: only tensor_type (field 1) matters to us; other kinds come back UNDEFINED. */
  private static ValueInfo readTypeProto(CodedInputStream in) throws IOException {
    ValueInfo result = new ValueInfo("", OnnxDataType.UNDEFINED, List.of());
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (field(tag, in) == 1) {
        result = nested(in, OnnxReader::readTensorTypeProto);
      } else {
        in.skipField(tag);
      }
    }
    return result;
  }

  private static ValueInfo readTensorTypeProto(CodedInputStream in) throws IOException {
    OnnxDataType elem = OnnxDataType.UNDEFINED;
    List<Dim> shape = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (field(tag, in)) {
        case 1 -> elem = OnnxDataType.of(in.readInt32());
        case 2 -> nested(in, s -> {
          for (int t = s.readTag(); t != 0; t = s.readTag()) {
            if (field(t, s) == 1) {
              shape.add(nested(s, OnnxReader::readDim));
            } else {
              s.skipField(t);
            }
          }
          return null;
        });
        default -> in.skipField(tag);
      }
    }
    return new ValueInfo("", elem, List.copyOf(shape));
  }

  private static Dim readDim(CodedInputStream in) throws IOException {
    long value = -1;
    String param = "";
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (field(tag, in)) {
        case 1 -> value = in.readInt64();
        case 2 -> param = in.readString();
        default -> in.skipField(tag);
      }
    }
    return new Dim(value, param);
  }

  // ---- TensorProto ----

  private static Tensor readTensor(CodedInputStream in) throws IOException {
    String name = "";
    LongList dims = new LongList();
    int dataType = 0;
    byte[] raw = null;
    FloatList floatData = new FloatList();
    LongList int32Data = new LongList();
    LongList int64Data = new LongList();
    LongList uint64Data = new LongList();
    DoubleList doubleData = new DoubleList();
    int strings = 0;
    boolean external = false;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      int wire = WireFormat.getTagWireType(tag);
      switch (field(tag, in)) {
        case 1 -> readRepeated(in, wire, x -> dims.add(x.readInt64()));
        case 2 -> dataType = in.readInt32();
        case 3 -> throw new OnnxFormatException("tensor '" + name + "' is segmented, which is not supported");
        case 4 -> readRepeated(in, wire, x -> floatData.add(x.readFloat()));
        case 5 -> readRepeated(in, wire, x -> int32Data.add(x.readInt64()));
        case 6 -> {
          in.skipField(tag);
          strings++;
        }
        case 7 -> readRepeated(in, wire, x -> int64Data.add(x.readInt64()));
        case 8 -> name = in.readString();
        case 9 -> raw = in.readByteArray();
        case 10 -> readRepeated(in, wire, x -> doubleData.add(x.readDouble()));
        case 11 -> readRepeated(in, wire, x -> uint64Data.add(x.readInt64()));
        case 14 -> external = in.readInt32() == 1;
        default -> in.skipField(tag);
      }
    }
    if (external) {
      throw new OnnxFormatException("tensor '" + name + "' keeps its data in an external file, which is not supported;"
          + " re-export the model with the weights inside the .onnx file");
    }
    OnnxDataType type = OnnxDataType.of(dataType);
    long[] shape = dims.toArray();
    long count = elementCount(name, shape);
    if (type == OnnxDataType.STRING) {
      return new Tensor(name, type, shape, new byte[0]);
    }
    if (type == OnnxDataType.UNDEFINED) {
      throw new OnnxFormatException("tensor '" + name + "' has no data type");
    }
    long bytes = count * type.elementBytes();
    if (bytes > Integer.MAX_VALUE - 16) {
      throw new OnnxFormatException("tensor '" + name + "' is too large (" + bytes + " bytes)");
    }
    byte[] data = raw != null ? raw : fromTypedFields(name, type, (int) count, floatData, int32Data, int64Data, uint64Data, doubleData);
    if (data.length != bytes) {
      throw new OnnxFormatException("tensor '" + name + "' of type " + type + " and shape " + java.util.Arrays.toString(shape)
          + " needs " + bytes + " bytes of data but has " + data.length);
    }
    return new Tensor(name, type, shape, data);
  }

  private static long elementCount(String name, long[] shape) {
    long count = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new OnnxFormatException("tensor '" + name + "' has a negative dimension " + d);
      }
      try {
        count = Math.multiplyExact(count, d);
      } catch (ArithmeticException e) {
        count = Long.MAX_VALUE;
      }
      if (count > Integer.MAX_VALUE) {
        throw new OnnxFormatException("tensor '" + name + "' has too many elements (" + java.util.Arrays.toString(shape) + ")");
      }
    }
    return count;
  }

  /** Converts the typed repeated fields into little-endian bytes at the element width of {@code type}. */
  private static byte[] fromTypedFields(String name, OnnxDataType type, int count, FloatList floats, LongList int32s,
      LongList int64s, LongList uint64s, DoubleList doubles) {
    int have = switch (type) {
      case FLOAT, COMPLEX64 -> floats.size();
      case DOUBLE, COMPLEX128 -> doubles.size();
      case INT64 -> int64s.size();
      case UINT32, UINT64 -> uint64s.size();
      default -> int32s.size();
    };
    int want = (type == OnnxDataType.COMPLEX64 || type == OnnxDataType.COMPLEX128) ? 2 * count : count;
    if (have != want) {
      throw new OnnxFormatException("tensor '" + name + "' of type " + type + " has " + have + " values, its shape needs " + want);
    }
    // Allocate only after the count matched, so a corrupted shape cannot ask for gigabytes.
    ByteBuffer out = ByteBuffer.allocate(count * type.elementBytes()).order(ByteOrder.LITTLE_ENDIAN);
    for (int k = 0; k < want; k++) {
      switch (type) {
        case FLOAT, COMPLEX64 -> out.putFloat(floats.get(k));
        case DOUBLE, COMPLEX128 -> out.putDouble(doubles.get(k));
        case INT64 -> out.putLong(int64s.get(k));
        case UINT64 -> out.putLong(uint64s.get(k));
        case UINT32 -> out.putInt((int) uint64s.get(k));
        case INT32 -> out.putInt((int) int32s.get(k));
        case INT16, UINT16, FLOAT16, BFLOAT16 -> out.putShort((short) int32s.get(k));
        case INT8, UINT8, BOOL -> out.put((byte) int32s.get(k));
        default -> throw new OnnxFormatException("tensor '" + name + "' has unsupported data type " + type);
      }
    }
    return out.array();
  }

  // ---- wire-format helpers ----

  @FunctionalInterface
  private interface MessageParser<T> {
    T parse(CodedInputStream in) throws IOException;
  }

  /** Field number of a tag; protobuf itself rejects field number 0, and so do we. */
  private static int field(int tag, CodedInputStream in) throws InvalidProtocolBufferException {
    int f = WireFormat.getTagFieldNumber(tag);
    if (f == 0) {
      throw new InvalidProtocolBufferException("field number 0 at byte " + in.getTotalBytesRead());
    }
    return f;
  }

  /** Reads a length-delimited sub-message with {@code parser}, which stops at the sub-message's end. */
  private static <T> T nested(CodedInputStream in, MessageParser<T> parser) throws IOException {
    int length = in.readRawVarint32();
    if (length < 0) {
      throw new InvalidProtocolBufferException("negative message length at byte " + in.getTotalBytesRead());
    }
    int oldLimit = in.pushLimit(length);
    T value = parser.parse(in);
    if (in.getBytesUntilLimit() != 0) {
      throw new InvalidProtocolBufferException("message ended early at byte " + in.getTotalBytesRead());
    }
    in.popLimit(oldLimit);
    return value;
  }

  @FunctionalInterface
  private interface ElementReader {
    void readOne(CodedInputStream in) throws IOException;
  }

  /** A repeated scalar field, packed (one length-delimited run) or not (one element per tag). */
  private static void readRepeated(CodedInputStream in, int wire, ElementReader one) throws IOException {
    if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
      int old = in.pushLimit(checkedLength(in));
      while (in.getBytesUntilLimit() > 0) {
        one.readOne(in);
      }
      in.popLimit(old);
    } else {
      one.readOne(in);
    }
  }

  private static int checkedLength(CodedInputStream in) throws IOException {
    int length = in.readRawVarint32();
    if (length < 0) {
      throw new InvalidProtocolBufferException("negative length at byte " + in.getTotalBytesRead());
    }
    return length;
  }

  /** Growable primitive lists, so million-element weight tensors do not box. */
  private static final class LongList {
    private long[] a = new long[8];
    private int n;

    void add(long v) {
      if (n == a.length) {
        a = java.util.Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    long get(int i) {
      return a[i];
    }

    int size() {
      return n;
    }

    long[] toArray() {
      return java.util.Arrays.copyOf(a, n);
    }
  }

  private static final class FloatList {
    private float[] a = new float[8];
    private int n;

    void add(float v) {
      if (n == a.length) {
        a = java.util.Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    float get(int i) {
      return a[i];
    }

    int size() {
      return n;
    }

    float[] toArray() {
      return java.util.Arrays.copyOf(a, n);
    }
  }

  private static final class DoubleList {
    private double[] a = new double[8];
    private int n;

    void add(double v) {
      if (n == a.length) {
        a = java.util.Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    double get(int i) {
      return a[i];
    }

    int size() {
      return n;
    }
  }
}
