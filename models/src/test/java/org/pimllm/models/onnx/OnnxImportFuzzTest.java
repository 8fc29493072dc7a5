package org.pimllm.models.onnx;

import static org.pimllm.models.onnx.OnnxReaderTest.message;
import static org.pimllm.models.onnx.OnnxReaderTest.packedVarints;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.Example;
import org.pimllm.ir.TypeInference;
import org.pimllm.testkit.Campaign;
import org.pimllm.testkit.Campaign.Outcome;

/**
 * The ONNX campaign of docs/reliability.md. Each case runs the reader AND the importer (and type inference of the
 * imported module), as {@code pimllm run/bench --onnx FILE} does: it must import, or fail with a clear
 * {@link IllegalArgumentException} (OnnxFormatException or a wrong-input error) whose message is one line; any other
 * exception, a hang or an allocation out of proportion to the file is a finding.
 *
 * <p>Inputs, drawn in turn:
 * <ul>
 *   <li>mutated copies of the bundled quantized MiniLM: byte overwrites and bit flips (mostly in the structural
 *       header, where ONNX writers put the nodes before the initializers' bulk bytes), truncations anywhere, deleted,
 *       duplicated and swapped (shuffled) runs, changed names and op types;</li>
 *   <li>small hand-encoded models: opsets that are missing, negative, old, from other domains or from the future;
 *       unsupported ops (the error must name each unsupported op exactly once); tensors whose data lives in an
 *       external file; dimensions and shape values that overflow int (initializers, graph inputs, Reshape, Expand,
 *       ConstantOfShape and Range targets).</li>
 * </ul>
 */
class OnnxImportFuzzTest {
  private static final int HEADER = 16 * 1024;
  private static byte[] real;

  private static final List<Long> HUGE = List.of(0L, -1L, -7L, 1L << 31, (1L << 31) - 1, 1L << 32, 1L << 40,
      Long.MAX_VALUE, Long.MIN_VALUE, 65_536L, 46_341L, 1L << 20);

  @BeforeContainer
  static void load() throws IOException {
    real = Files.readAllBytes(OnnxReaderTest.QUANT);
  }

  @Example
  void onnxCampaign() {
    Campaign c = new Campaign("onnx", 80, 7L, Duration.ofSeconds(60), t -> t instanceof IllegalArgumentException)
        .budget(256L << 20, 64);
    for (int i = 0; i < c.tries(); i++) {
      Random rnd = c.random(i);
      byte[] input;
      String label;
      if (i % 2 == 0) {
        int kind = rnd.nextInt(7);
        input = mutate(real, kind, rnd);
        label = "minilm-q " + List.of("overwrite", "truncate", "delete-run", "rename", "bit-flip", "duplicate-run",
            "swap-runs").get(kind) + " (" + input.length + " B)";
      } else {
        int kind = rnd.nextInt(4);
        label = List.of("opset", "unsupported-ops", "external-data", "int-overflow").get(kind);
        try {
          input = switch (kind) {
            case 0 -> opsetModel(rnd);
            case 1 -> unsupportedOpsModel(rnd);
            case 2 -> externalDataModel(rnd);
            default -> overflowModel(rnd);
          };
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        label += " (" + input.length + " B)";
      }
      byte[] bytes = input;
      c.run(i, label, bytes.length, () -> readAndImport(bytes));
    }
    c.finish();
  }

  /** Reads, imports and type-checks; an unsupported-op error must name each op once. */
  private static Outcome readAndImport(byte[] input) {
    OnnxModel m = OnnxReader.read(input);
    try {
      Map<String, int[]> shapes = m.graph().inputs().stream().anyMatch(v -> v.name().equals("input_ids"))
          ? OnnxImporterTest.tokens(4) : Map.of();
      TypeInference.infer(OnnxImporter.importModel(m, shapes));
      return Outcome.SUCCESS;
    } catch (OnnxFormatException e) {
      if (e.getMessage().startsWith("unsupported ONNX op(s)")) {
        for (String op : OnnxImporter.unsupportedOps(m)) {
          // entries are "op (first at ...)" after ": " or ", " (com.microsoft.LSTM is not LSTM)
          String shown = OnnxFormatException.printable(op); // control characters of the file are escaped
          int times = e.getMessage().split("(: |, )" + java.util.regex.Pattern.quote(shown + " (first at"), -1).length - 1;
          if (times != 1) throw new AssertionError(op + " named " + times + " times in: " + e.getMessage());
        }
      }
      throw e;
    }
  }

  // ---- mutations of the real model ----

  static byte[] mutate(byte[] original, int kind, Random rnd) {
    int limit = Math.min(HEADER, original.length);
    switch (kind) {
      case 0 -> { // overwrite 1-4 bytes of the header
        byte[] b = original.clone();
        for (int i = 0, n = 1 + rnd.nextInt(4); i < n; i++) {
          b[rnd.nextInt(limit)] = (byte) rnd.nextInt(256);
        }
        return b;
      }
      case 1 -> { // truncate: in the header half the time, anywhere else
        return Arrays.copyOf(original, rnd.nextInt(rnd.nextBoolean() ? limit : original.length));
      }
      case 2 -> { // delete a short run (shifts every later field)
        int at = rnd.nextInt(limit - 16);
        int len = 1 + rnd.nextInt(16);
        byte[] b = new byte[original.length - len];
        System.arraycopy(original, 0, b, 0, at);
        System.arraycopy(original, at + len, b, at, original.length - at - len);
        return b;
      }
      case 3 -> { // change one byte of an ASCII name/op type (keeps the wire format valid)
        byte[] b = original.clone();
        for (int tries = 0; tries < 1000; tries++) {
          int at = rnd.nextInt(limit);
          if (b[at] >= 'A' && b[at] <= 'z') {
            b[at] = (byte) ('A' + rnd.nextInt(26));
            break;
          }
        }
        return b;
      }
      case 4 -> { // flip 1-8 bits: in the header or anywhere (weights)
        byte[] b = original.clone();
        for (int i = 0, n = 1 + rnd.nextInt(8); i < n; i++) {
          int at = rnd.nextInt(rnd.nextBoolean() ? limit : b.length);
          b[at] ^= (byte) (1 << rnd.nextInt(8));
        }
        return b;
      }
      case 5 -> { // duplicate a run in place (a field repeated, every later one shifted)
        int at = rnd.nextInt(limit - 64);
        int len = 1 + rnd.nextInt(64);
        byte[] b = new byte[original.length + len];
        System.arraycopy(original, 0, b, 0, at + len);
        System.arraycopy(original, at, b, at + len, original.length - at);
        return b;
      }
      default -> { // swap two runs of the same length (shuffled fields)
        byte[] b = original.clone();
        int len = 1 + rnd.nextInt(256);
        int x = rnd.nextInt(limit - len);
        int y = rnd.nextInt(limit - len);
        byte[] tmp = Arrays.copyOfRange(b, x, x + len);
        System.arraycopy(b, y, b, x, len);
        System.arraycopy(tmp, 0, b, y, len);
        return b;
      }
    }
  }

  // ---- hand-encoded models (protobuf-java's writer; field numbers from onnx.proto) ----

  record NodeSpec(String op, String domain, List<String> inputs, List<String> outputs, List<byte[]> attrs) {}

  static byte[] model(List<byte[]> opsets, List<byte[]> initializers, List<byte[]> inputs, List<NodeSpec> nodes,
      String output) throws IOException {
    byte[] graph = message(o -> {
      int k = 0;
      for (NodeSpec n : nodes) {
        int id = k++;
        o.writeByteArray(1, message(p -> {
          for (String in : n.inputs()) p.writeString(1, in);
          for (String out : n.outputs()) p.writeString(2, out);
          p.writeString(3, n.op() + "_" + id);
          p.writeString(4, n.op());
          for (byte[] a : n.attrs()) p.writeByteArray(5, a);
          if (!n.domain().isEmpty()) p.writeString(7, n.domain());
        }));
      }
      o.writeString(2, "fuzz");
      for (byte[] t : initializers) o.writeByteArray(5, t);
      for (byte[] in : inputs) o.writeByteArray(11, in);
      o.writeByteArray(12, valueInfo(output, 1, null));
    });
    return message(o -> {
      o.writeInt64(1, 8);
      o.writeString(2, "fuzz");
      o.writeByteArray(7, graph);
      for (byte[] op : opsets) o.writeByteArray(8, op);
    });
  }

  static byte[] opset(String domain, long version) throws IOException {
    return message(o -> {
      if (!domain.isEmpty()) o.writeString(1, domain);
      o.writeInt64(2, version);
    });
  }

  /** A tensor value info; dims null: no shape; a negative entry -1 means a symbolic dimension "n". */
  static byte[] valueInfo(String name, int elemType, long[] dims) throws IOException {
    byte[] tensorType = message(o -> {
      o.writeInt32(1, elemType);
      if (dims != null) {
        o.writeByteArray(2, message(s -> {
          for (long d : dims) {
            s.writeByteArray(1, message(dim -> {
              if (d == -1) dim.writeString(2, "n"); else dim.writeInt64(1, d);
            }));
          }
        }));
      }
    });
    return message(o -> {
      o.writeString(1, name);
      o.writeByteArray(2, message(t -> t.writeByteArray(1, tensorType)));
    });
  }

  static byte[] int64Tensor(String name, long[] dims, long... values) throws IOException {
    return message(o -> {
      o.writeByteArray(1, packedVarints(dims));
      o.writeInt32(2, 7); // INT64
      o.writeString(8, name);
      o.writeByteArray(7, packedVarints(values));
    });
  }

  static byte[] floatTensor(String name, long[] dims, int rawBytes) throws IOException {
    return message(o -> {
      o.writeByteArray(1, packedVarints(dims));
      o.writeInt32(2, 1); // FLOAT
      o.writeString(8, name);
      o.writeByteArray(9, new byte[rawBytes]);
    });
  }

  private static byte[] matmulOn(List<byte[]> opsets) throws IOException {
    return model(opsets, List.of(floatTensor("w", new long[] {8, 4}, 128)),
        List.of(valueInfo("x", 1, new long[] {2, 8})),
        List.of(new NodeSpec("MatMul", "", List.of("x", "w"), List.of("y"), List.of())), "y");
  }

  private static byte[] opsetModel(Random rnd) throws IOException {
    long v = List.of(-1L, 0L, 1L, 6L, 7L, 9L, 11L, 13L, 17L, 21L, 99L, Long.MAX_VALUE).get(rnd.nextInt(12));
    List<byte[]> opsets = new ArrayList<>();
    switch (rnd.nextInt(4)) {
      case 0 -> { } // no opset import at all
      case 1 -> opsets.add(opset("", v));
      case 2 -> opsets.add(opset("ai.onnx", v));
      default -> {
        opsets.add(opset("com.microsoft", v));
        opsets.add(opset("", v));
      }
    }
    if (rnd.nextBoolean()) {
      // Softmax's axis default and semantics changed at opset 13
      return model(opsets, List.of(), List.of(valueInfo("x", 1, new long[] {2, 8})),
          List.of(new NodeSpec("Softmax", "", List.of("x"), List.of("y"), List.of())), "y");
    }
    return matmulOn(opsets);
  }

  private static byte[] unsupportedOpsModel(Random rnd) throws IOException {
    List<String> ops = List.of("LSTM", "Conv", "NonMaxSuppression", "Relu", "Foo", "If", "MatMul", "Attention");
    List<NodeSpec> nodes = new ArrayList<>();
    String prev = "x";
    int n = 1 + rnd.nextInt(12);
    for (int i = 0; i < n; i++) {
      String op = ops.get(rnd.nextInt(ops.size()));
      String domain = rnd.nextInt(5) == 0 ? "com.microsoft" : "";
      String out = "t" + i;
      nodes.add(new NodeSpec(op, domain, op.equals("MatMul") ? List.of(prev, "w") : List.of(prev), List.of(out), List.of()));
      prev = out;
    }
    return model(List.of(opset("", 17)), List.of(floatTensor("w", new long[] {8, 8}, 256)),
        List.of(valueInfo("x", 1, new long[] {2, 8})), nodes, prev);
  }

  private static byte[] externalDataModel(Random rnd) throws IOException {
    byte[] external = message(o -> {
      o.writeByteArray(1, packedVarints(8, 4));
      o.writeInt32(2, 1);
      o.writeString(8, "w");
      o.writeByteArray(13, message(e -> { // external_data: location, offset, length
        e.writeString(1, "location");
        e.writeString(2, List.of("weights.bin", "../../etc/passwd", "/dev/zero", "").get(rnd.nextInt(4)));
      }));
      o.writeByteArray(13, message(e -> {
        e.writeString(1, "length");
        e.writeString(2, Long.toString(HUGE.get(rnd.nextInt(HUGE.size()))));
      }));
      if (rnd.nextInt(4) != 0) o.writeInt32(14, 1); // data_location = EXTERNAL (left out: data simply missing)
    });
    return model(List.of(opset("", 17)), List.of(external), List.of(valueInfo("x", 1, new long[] {2, 8})),
        List.of(new NodeSpec("MatMul", "", List.of("x", "w"), List.of("y"), List.of())), "y");
  }

  private static byte[] overflowModel(Random rnd) throws IOException {
    long a = HUGE.get(rnd.nextInt(HUGE.size()));
    long b = HUGE.get(rnd.nextInt(HUGE.size()));
    List<byte[]> opsets = List.of(opset("", 17));
    byte[] x = valueInfo("x", 1, new long[] {2, 8});
    return switch (rnd.nextInt(6)) {
      case 0 -> model(opsets, List.of(floatTensor("w", new long[] {a, b}, 128)), List.of(x),
          List.of(new NodeSpec("MatMul", "", List.of("x", "w"), List.of("y"), List.of())), "y");
      case 1 -> model(opsets, List.of(), List.of(valueInfo("x", 1, new long[] {a, b})),
          List.of(new NodeSpec("Relu", "", List.of("x"), List.of("y"), List.of())), "y");
      case 2 -> model(opsets, List.of(int64Tensor("s", new long[] {2}, a, b)), List.of(x),
          List.of(new NodeSpec("Reshape", "", List.of("x", "s"), List.of("y"), List.of())), "y");
      case 3 -> model(opsets, List.of(int64Tensor("s", new long[] {2}, a, b)), List.of(x),
          List.of(new NodeSpec("Expand", "", List.of("x", "s"), List.of("y"), List.of())), "y");
      case 4 -> model(opsets, List.of(int64Tensor("s", new long[] {2}, a, b)), List.of(x), List.of(
          new NodeSpec("ConstantOfShape", "", List.of("s"), List.of("c"), List.of()),
          new NodeSpec("Add", "", List.of("x", "c"), List.of("y"), List.of())), "y");
      default -> model(opsets, List.of(int64Tensor("lo", new long[] {}, 0), int64Tensor("hi", new long[] {}, a),
              int64Tensor("d", new long[] {}, b == 0 ? 1 : b)), List.of(x), List.of(
          new NodeSpec("Range", "", List.of("lo", "hi", "d"), List.of("r"), List.of()),
          new NodeSpec("Cast", "", List.of("r"), List.of("rf"), List.of(message(o -> {
            o.writeString(1, "to");
            o.writeInt32(20, 2); // INT
            o.writeInt64(3, 1);
          }))),
          new NodeSpec("Add", "", List.of("x", "rf"), List.of("y"), List.of())), "y");
    };
  }
}
