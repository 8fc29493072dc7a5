package org.pimllm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Tensor;
import org.pimllm.models.onnx.OnnxImporter;
import org.pimllm.models.onnx.OnnxModel;
import org.pimllm.models.onnx.OnnxRuntimeReference;
import org.pimllm.models.tokenizer.WordPieceTokenizer;

/**
 * The ONNX side of {@code pimllm run} and {@code pimllm bench --onnx}: finding the model (a file or a
 * bundled name), turning text or token lists into one padded batch, importing the model for that batch,
 * running ONNX Runtime on the same batch, and the comparison figures.
 */
final class OnnxInputs {
  private OnnxInputs() {}

  /** The bundled names and their files under {@code <pimllm.home>/models/target/bundled}. */
  static final Map<String, String> BUNDLED = Map.of(
      "minilm-l6", "all-minilm-l6-v2.onnx",
      "minilm-l6-q", "all-minilm-l6-v2-q.onnx");

  /** The model file and its tokenizer (null when none is known). */
  record Model(Path file, Path tokenizer) {}

  /** A padded batch: ids and masks row after row, each row's real length, and a label per row. */
  record Batch(long[] ids, long[] mask, long[] typeIds, int count, int length, int[] lengths, List<String> labels) {
    String label(int s) {
      return labels.get(s);
    }
  }

  /** max |ours - ref| over all values; cosine of the mean-pooled embeddings per sentence, mean and min. */
  record Comparison(double maxAbsDiff, double meanCosine, double minCosine, double[] cosines) {}

  static Model resolve(String onnx, Path tokenizer) {
    Path file;
    if (BUNDLED.containsKey(onnx)) {
      Path dir = Path.of(System.getProperty("pimllm.home", ".")).resolve("models/target/bundled");
      file = dir.resolve(BUNDLED.get(onnx));
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("the bundled model " + onnx + " is not unpacked in " + dir
            + "; build the models module once: mvn -q -B generate-resources -pl models");
      }
    } else {
      file = Path.of(onnx);
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("ONNX file " + onnx + " not found; give an .onnx file or one of "
            + String.join(", ", BUNDLED.keySet().stream().sorted().toList()));
      }
    }
    Path tok = tokenizer;
    if (tok == null) {
      String name = file.getFileName().toString().replaceFirst("\\.onnx$", "") + "-tokenizer.json";
      Path sibling = file.resolveSibling(name);
      tok = Files.isRegularFile(sibling) ? sibling : null;
    } else if (!Files.isRegularFile(tok)) {
      throw new IllegalArgumentException("tokenizer file " + tok + " not found");
    }
    return new Model(file, tok);
  }

  static boolean isQuantized(OnnxModel m) {
    return m.graph().nodes().stream().anyMatch(n -> n.opType().equals("MatMulInteger") || n.opType().equals("QLinearMatMul"));
  }

  /** The built-in accuracy set: 24 sentences of different length, topic, punctuation and rare words. */
  static List<String> builtin(String name) {
    if (!name.equals("builtin")) {
      throw new IllegalArgumentException("--sentences knows only 'builtin', got '" + name + "'");
    }
    return List.of(
        "Processing in memory brings compute to the data.",
        "The cat sat on the mat.",
        "A quick brown fox jumps over the lazy dog!",
        "How do I reset my password?",
        "Transformers use self-attention to mix information across tokens.",
        "It rained all day in Seattle, so we stayed inside and played chess.",
        "UPMEM DPUs have 64 MiB of MRAM each.",
        "Is this the right way to the train station?",
        "Quantum entanglement puzzled Einstein, who called it spooky action at a distance.",
        "I love this song.",
        "The quarterly revenue grew by 12% compared with last year.",
        "Photosynthesis converts light energy into chemical energy in plants.",
        "Please send the report by Friday afternoon.",
        "Mitochondria are the powerhouse of the cell.",
        "The referee blew the whistle and the match ended in a draw.",
        "Matrix multiplication dominates the runtime of large language models.",
        "She painted the old wooden fence bright yellow.",
        "Can you recommend a good Italian restaurant nearby?",
        "The Treaty of Westphalia was signed in 1648.",
        "Unbelievably, the tiny kitten climbed the enormous oak tree.",
        "Error: connection refused (port 8080).",
        "Das ist ein Satz auf Deutsch.",
        "Our compiler lowers int8 GEMMs onto thousands of simulated DPUs, then checks every result against a CPU reference.",
        "Yes.");
  }

  /**
   * The longest sequence the model takes: the rows of its position-embedding table (512 for MiniLM), or
   * {@code Integer.MAX_VALUE} when the graph has none. One limit for --text and --tokens.
   */
  static int maxTokens(OnnxModel model) {
    return model.graph().initializers().stream()
        .filter(t -> t.name().contains("position_embeddings") && t.dims().length == 2)
        .mapToInt(t -> (int) Math.min(Integer.MAX_VALUE, t.dims()[0])).findFirst().orElse(Integer.MAX_VALUE);
  }

  private static void checkLength(int tokens, int limit, String what) {
    if (tokens > limit) {
      throw new IllegalArgumentException(what + " has " + tokens + " tokens; the model takes at most " + limit
          + " tokens (its position embeddings)");
    }
  }

  static Batch fromTexts(List<String> texts, Model model, int limit) {
    if (model.tokenizer() == null) {
      throw new IllegalArgumentException("no tokenizer for " + model.file() + "; give --tokenizer tokenizer.json, or use --tokens");
    }
    WordPieceTokenizer tok = WordPieceTokenizer.load(model.tokenizer()).withMaxLength(Integer.MAX_VALUE);
    List<long[]> ids = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (String t : texts) {
      if (t == null || t.isBlank()) {
        throw new IllegalArgumentException("--text is empty; give a sentence with at least one word");
      }
      ids.add(tok.encode(t).inputIds());
      checkLength(ids.getLast().length, limit, "--text '" + (t.length() > 40 ? t.substring(0, 40) + "...'" : t + "'"));
      labels.add(t);
    }
    return pad(ids, labels);
  }

  static Batch fromTokens(List<String> lists, Model model, int limit) {
    Integer vocab = model.tokenizer() == null ? null : WordPieceTokenizer.load(model.tokenizer()).vocabSize();
    List<long[]> ids = new ArrayList<>();
    for (String list : lists) {
      String[] parts = list.trim().split("\\s*,\\s*");
      if (list.isBlank()) {
        throw new IllegalArgumentException("--tokens is empty; give comma-separated token ids, e.g. 101,7592,102");
      }
      long[] v = new long[parts.length];
      for (int i = 0; i < parts.length; i++) {
        try {
          v[i] = Long.parseLong(parts[i]);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("--tokens: '" + parts[i] + "' is not an integer token id");
        }
        if (v[i] < 0 || vocab != null && v[i] >= vocab) {
          throw new IllegalArgumentException("--tokens: id " + v[i] + " is outside the vocabulary (0.." + (vocab == null ? "" : vocab - 1) + ")");
        }
      }
      checkLength(v.length, limit, "--tokens");
      ids.add(v);
    }
    return pad(ids, lists.stream().map(s -> "tokens " + s).toList());
  }

  /** Pads every row with id 0 and mask 0 to the longest row. */
  static Batch pad(List<long[]> rows, List<String> labels) {
    int len = rows.stream().mapToInt(r -> r.length).max().orElse(0);
    int n = rows.size();
    long[] ids = new long[n * len];
    long[] mask = new long[n * len];
    int[] lengths = new int[n];
    for (int s = 0; s < n; s++) {
      long[] r = rows.get(s);
      System.arraycopy(r, 0, ids, s * len, r.length);
      Arrays.fill(mask, s * len, s * len + r.length, 1L);
      lengths[s] = r.length;
    }
    return new Batch(ids, mask, new long[n * len], n, len, lengths, List.copyOf(labels));
  }

  /** The model's declared inputs with the batch's values (the standard BERT input names). */
  static Map<String, long[]> named(OnnxModel model, Batch b) {
    Map<String, long[]> all = Map.of("input_ids", b.ids(), "attention_mask", b.mask(), "token_type_ids", b.typeIds());
    Map<String, long[]> out = new LinkedHashMap<>();
    for (OnnxModel.ValueInfo in : model.graph().inputs()) {
      if (model.graph().initializer(in.name()).isPresent()) {
        continue;
      }
      long[] v = all.get(in.name());
      if (v == null) {
        throw new IllegalArgumentException("the model's input '" + in.name() + "' is not a token input (input_ids, "
            + "attention_mask, token_type_ids); pimllm run feeds text encoders only");
      }
      out.put(in.name(), v);
    }
    return out;
  }

  /**
   * One synthetic sequence of {@code length} tokens for {@code pimllm bench --onnx}: [CLS] (101), ids from 1000..1999,
   * [SEP] (102), all in the BERT vocabulary. The timing does not depend on the ids; --functional needs valid ones.
   */
  static Batch synthetic(int length) {
    long[] ids = new long[length];
    for (int t = 0; t < length; t++) {
      ids[t] = t == 0 ? 101 : t == length - 1 ? 102 : 1000 + (t * 37L) % 1000;
    }
    return pad(List.of(ids), List.of("synthetic " + length));
  }

  static IRModule importBatch(OnnxModel model, Batch b) {
    Map<String, int[]> shapes = new LinkedHashMap<>();
    named(model, b).keySet().forEach(n -> shapes.put(n, new int[] {b.count(), b.length()}));
    return OnnxImporter.importModel(model, shapes);
  }

  static Map<String, Tensor> tensors(OnnxModel model, Batch b) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    named(model, b).forEach((n, v) -> out.put(n, Tensor.ofLongs(v, b.count(), b.length())));
    return out;
  }

  /** Every row as a batch of its own, without padding (for one inference per sequence). */
  static List<Batch> rows(Batch b) {
    List<Batch> out = new ArrayList<>();
    for (int s = 0; s < b.count(); s++) {
      long[] row = Arrays.copyOfRange(b.ids(), s * b.length(), s * b.length() + b.lengths()[s]);
      out.add(pad(List.of(row), List.of(b.label(s))));
    }
    return out;
  }

  static float[] ortLastHiddenState(OnnxRuntimeReference ort, OnnxModel model, Batch b) {
    Map<String, OnnxRuntimeReference.FloatOutput> outs = ort.runTokens(named(model, b), b.count(), b.length());
    OnnxRuntimeReference.FloatOutput o = outs.containsKey("last_hidden_state") ? outs.get("last_hidden_state")
        : outs.values().iterator().next();
    return o.values();
  }

  /** One inference's hidden states (batch x length x hidden, row-major) and the batch it ran. */
  record Hidden(Batch batch, float[] values) {}

  /**
   * Ours against the reference, inference by inference: max |ours - ref| over every value (padded positions
   * included: the reference ran the same padded batch), and the cosine of each sentence's mean-pooled embedding.
   */
  static Comparison compare(List<Hidden> ours, List<float[]> ref, int hidden) {
    double max = 0;
    List<Double> cos = new ArrayList<>();
    for (int i = 0; i < ours.size(); i++) {
      Hidden h = ours.get(i);
      float[] r = ref.get(i);
      if (h.values().length != r.length) {
        throw new IllegalArgumentException("our output has " + h.values().length + " values but ONNX Runtime's has " + r.length);
      }
      for (int k = 0; k < r.length; k++) {
        max = Math.max(max, Math.abs((double) h.values()[k] - r[k]));
      }
      for (int s = 0; s < h.batch().count(); s++) {
        cos.add(cosine(meanPool(h.values(), h.batch(), s, hidden), meanPool(r, h.batch(), s, hidden)));
      }
    }
    double[] c = cos.stream().mapToDouble(Double::doubleValue).toArray();
    return new Comparison(max, Arrays.stream(c).average().orElse(Double.NaN), Arrays.stream(c).min().orElse(Double.NaN), c);
  }

  /** Mean of row s's hidden vectors over its real (mask 1) tokens: the sentence embedding. */
  static float[] meanPool(float[] hiddenStates, Batch b, int s, int hidden) {
    float[] e = new float[hidden];
    for (int t = 0; t < b.lengths()[s]; t++) {
      int off = (s * b.length() + t) * hidden;
      for (int h = 0; h < hidden; h++) {
        e[h] += hiddenStates[off + h];
      }
    }
    for (int h = 0; h < hidden; h++) {
      e[h] /= b.lengths()[s];
    }
    return e;
  }

  static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
    }
    return dot / (norm(a) * norm(b));
  }
}
