package org.pimllm.benchmarks.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Tensor;
import org.pimllm.models.onnx.OnnxImporter;
import org.pimllm.models.onnx.OnnxRuntimeReference;
import org.pimllm.models.tokenizer.WordPieceTokenizer;
import org.pimllm.runtime.ReferenceExecutor;

/**
 * The imported real MiniLM models, run by our reference executor, against ONNX Runtime on the same
 * tokens: independent software as the judge of the importer and the executor together.
 */
class OnnxVersusOrtTest {

  static final Path BUNDLED = Path.of("../models/target/bundled");
  static final WordPieceTokenizer TOK = WordPieceTokenizer.load(BUNDLED.resolve("all-minilm-l6-v2-tokenizer.json"));

  static double maxAbsDiff(String model, String text) {
    WordPieceTokenizer.Encoding e = TOK.encode(text);
    int n = e.length();
    Path file = BUNDLED.resolve(model);
    IRModule m = OnnxImporter.importFile(file,
        Map.of("input_ids", new int[] {1, n}, "attention_mask", new int[] {1, n}, "token_type_ids", new int[] {1, n}));
    Tensor ours = new ReferenceExecutor().runTensor(m, Map.of(
        "input_ids", Tensor.ofLongs(e.inputIds(), 1, n),
        "attention_mask", Tensor.ofLongs(e.attentionMask(), 1, n),
        "token_type_ids", Tensor.ofLongs(e.tokenTypeIds(), 1, n)));
    OnnxRuntimeReference.FloatOutput ref;
    try (OnnxRuntimeReference ort = new OnnxRuntimeReference(file, OnnxRuntimeReference.GraphOptimization.NONE)) {
      ref = ort.runTokens(Map.of("input_ids", e.inputIds(), "attention_mask", e.attentionMask(),
          "token_type_ids", e.tokenTypeIds())).get("last_hidden_state");
    }
    assertArrayEquals(new int[] {1, n, 384}, ours.shape());
    float[] a = ours.floats();
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - ref.values()[i]));
    }
    return max;
  }

  @Test
  void fp32MiniLmMatchesOnnxRuntime() {
    double d = maxAbsDiff("all-minilm-l6-v2.onnx", "Processing in memory brings compute to the data.");
    assertTrue(d <= 1e-4, "max |ours - ORT| = " + d);
  }

  @Test
  void quantizedMiniLmMatchesOnnxRuntime() {
    double d = maxAbsDiff("all-minilm-l6-v2-q.onnx", "Processing in memory brings compute to the data.");
    assertTrue(d <= 1e-3, "max |ours - ORT| = " + d);
  }
}
