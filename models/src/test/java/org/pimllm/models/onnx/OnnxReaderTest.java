package org.pimllm.models.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxReaderTest {

  static final Path FP32 = Path.of("target/bundled/all-minilm-l6-v2.onnx");
  static final Path QUANT = Path.of("target/bundled/all-minilm-l6-v2-q.onnx");

  @Test
  void readsTheRealFp32MiniLm() {
    OnnxModel m = OnnxReader.read(FP32);
    assertEquals(11, m.defaultOpset());
    // The op list published for this model (issue 7), independent of our reader.
    Set<String> expected = new TreeSet<>(Arrays.asList("Constant", "Add", "Gather", "Unsqueeze", "Shape", "MatMul", "Mul",
        "ReduceMean", "Div", "Concat", "Reshape", "Transpose", "Sub", "Pow", "Sqrt", "Softmax", "Erf", "Cast", "Slice"));
    assertEquals(expected, m.graph().nodes().stream().map(OnnxModel.Node::opType).collect(Collectors.toCollection(TreeSet::new)));
    // BERT word embeddings: vocab 30522 x hidden 384, fp32.
    OnnxModel.Tensor emb = m.graph().initializers().stream()
        .filter(t -> Arrays.equals(t.dims(), new long[] {30522, 384})).findFirst().orElseThrow();
    assertEquals(OnnxDataType.FLOAT, emb.dataType());
    assertEquals(30522L * 384 * 4, emb.data().length);
    assertTrue(m.graph().inputs().stream().anyMatch(v -> v.name().equals("input_ids")));
  }

  @Test
  void readsTheRealQuantizedMiniLm() {
    OnnxModel m = OnnxReader.read(QUANT);
    Set<String> ops = m.graph().nodes().stream().map(OnnxModel.Node::opType).collect(Collectors.toSet());
    assertTrue(ops.containsAll(Set.of("MatMulInteger", "DynamicQuantizeLinear")), ops.toString());
    assertTrue(m.graph().initializers().stream().anyMatch(t -> t.dataType() == OnnxDataType.INT8 || t.dataType() == OnnxDataType.UINT8));
  }

  /** A hand-encoded model exercising typed (non-raw) tensor fields, packed and unpacked repeats. */
  static byte[] tinyModel() throws IOException {
    byte[] tensorF = message(o -> {
      o.writeInt64(1, 2); // dims, unpacked
      o.writeInt64(1, 3);
      o.writeInt32(2, 1); // FLOAT
      o.writeString(8, "w");
      byte[] packed = packedFloats(1f, 2f, 3f, 4f, 5f, 6f);
      o.writeByteArray(4, packed); // float_data, packed
    });
    byte[] tensorI = message(o -> {
      o.writeByteArray(1, packedVarints(3)); // dims, packed
      o.writeInt32(2, 3); // INT8 stored in int32_data
      o.writeString(8, "q");
      o.writeInt32(5, -1);
      o.writeInt32(5, 127);
      o.writeInt32(5, -128);
    });
    byte[] attr = message(o -> {
      o.writeString(1, "perm");
      o.writeInt32(20, 7); // INTS
      o.writeByteArray(8, packedVarints(1, 0));
    });
    byte[] node = message(o -> {
      o.writeString(1, "x");
      o.writeString(1, "w");
      o.writeString(2, "y");
      o.writeString(3, "mm");
      o.writeString(4, "MatMul");
      o.writeByteArray(5, attr);
    });
    byte[] dim = message(o -> o.writeString(2, "batch"));
    byte[] dim2 = message(o -> o.writeInt64(1, 2));
    byte[] shape = message(o -> {
      o.writeByteArray(1, dim);
      o.writeByteArray(1, dim2);
    });
    byte[] tensorType = message(o -> {
      o.writeInt32(1, 1);
      o.writeByteArray(2, shape);
    });
    byte[] type = message(o -> o.writeByteArray(1, tensorType));
    byte[] input = message(o -> {
      o.writeString(1, "x");
      o.writeByteArray(2, type);
    });
    byte[] graph = message(o -> {
      o.writeByteArray(1, node);
      o.writeString(2, "tiny");
      o.writeByteArray(5, tensorF);
      o.writeByteArray(5, tensorI);
      o.writeByteArray(11, input);
    });
    byte[] opset = message(o -> o.writeInt64(2, 13));
    return message(o -> {
      o.writeInt64(1, 8);
      o.writeString(2, "hand");
      o.writeByteArray(7, graph);
      o.writeByteArray(8, opset);
    });
  }

  @Test
  void decodesTypedFieldsOfAHandEncodedModel() throws IOException {
    OnnxModel m = OnnxReader.read(tinyModel());
    assertEquals(8, m.irVersion());
    assertEquals(13, m.defaultOpset());
    assertEquals("hand", m.producerName());
    OnnxModel.Tensor w = m.graph().initializer("w").orElseThrow();
    assertArrayEquals(new long[] {2, 3}, w.dims());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, w.floats());
    OnnxModel.Tensor q = m.graph().initializer("q").orElseThrow();
    assertEquals(OnnxDataType.INT8, q.dataType());
    assertArrayEquals(new byte[] {-1, 127, -128}, q.data());
    OnnxModel.Node mm = m.graph().nodes().get(0);
    assertEquals("MatMul", mm.opType());
    assertArrayEquals(new long[] {1, 0}, mm.attributes().get("perm").ints());
    OnnxModel.ValueInfo x = m.graph().inputs().get(0);
    assertEquals("[batch, 2]", x.shape().toString());
  }

  @Test
  void inconsistentTensorIsAClearError() throws IOException {
    byte[] bad = message(o -> {
      o.writeInt64(1, 4);
      o.writeInt32(2, 1);
      o.writeString(8, "short");
      o.writeByteArray(9, new byte[8]); // 2 floats for a shape of 4
    });
    byte[] graph = message(o -> o.writeByteArray(5, bad));
    byte[] model = message(o -> o.writeByteArray(7, graph));
    OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxReader.read(model));
    assertTrue(e.getMessage().contains("tensor 'short'") && e.getMessage().contains("needs 16 bytes"), e.getMessage());
  }

  @Test
  void notAModelIsAClearError(@TempDir Path dir) throws IOException {
    Path text = dir.resolve("notes.onnx");
    Files.writeString(text, "hello, this is not protobuf at all");
    assertThrows(OnnxFormatException.class, () -> OnnxReader.read(text));
    assertThrows(OnnxFormatException.class, () -> OnnxReader.read(new byte[0]));
    OnnxFormatException missing = assertThrows(OnnxFormatException.class, () -> OnnxReader.read(dir.resolve("nope.onnx")));
    assertTrue(missing.getMessage().contains("not found"));
  }

  @Test
  void truncatedRealModelIsAClearError() throws IOException {
    byte[] bytes = Files.readAllBytes(QUANT);
    for (int cut : new int[] {1, 100, bytes.length / 3, bytes.length - 5}) {
      byte[] part = Arrays.copyOf(bytes, cut);
      assertThrows(OnnxFormatException.class, () -> OnnxReader.read(part), "cut at " + cut);
    }
  }

  /** Mutated bytes may import or fail with OnnxFormatException; nothing else, and never hang. */
  @Test
  void fuzzMutationsGiveOnlyFormatErrors() throws IOException {
    byte[] small = tinyModel();
    byte[] real = Files.readAllBytes(QUANT);
    Random rnd = new Random(42);
    for (int round = 0; round < 3000; round++) {
      mutateAndRead(small, rnd, 1 + rnd.nextInt(4));
    }
    for (int round = 0; round < 25; round++) {
      // Mutate mostly the header region, where structure (not weight bytes) lives.
      mutateAndRead(real, rnd, 1 + rnd.nextInt(3));
    }
  }

  private static void mutateAndRead(byte[] original, Random rnd, int flips) {
    byte[] b = original.clone();
    for (int i = 0; i < flips; i++) {
      int pos = rnd.nextInt(Math.min(b.length, rnd.nextBoolean() ? 4096 : b.length));
      b[pos] = (byte) rnd.nextInt(256);
    }
    int len = rnd.nextInt(10) == 0 ? rnd.nextInt(b.length) : b.length;
    byte[] input = Arrays.copyOf(b, len);
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      try {
        OnnxReader.read(input);
      } catch (OnnxFormatException expected) {
        assertTrue(expected.getMessage() != null && !expected.getMessage().isBlank());
      }
    });
  }

  // ---- encoding helpers (protobuf-java's writer, independent of the reader under test) ----

  interface Body {
    void write(CodedOutputStream o) throws IOException;
  }

  static byte[] message(Body body) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream o = CodedOutputStream.newInstance(bytes);
    body.write(o);
    o.flush();
    return bytes.toByteArray();
  }

  static byte[] packedFloats(float... v) throws IOException {
    return message(o -> {
      for (float f : v) {
        o.writeFloatNoTag(f);
      }
    });
  }

  static byte[] packedVarints(long... v) throws IOException {
    return message(o -> {
      for (long x : v) {
        o.writeInt64NoTag(x);
      }
    });
  }
}
