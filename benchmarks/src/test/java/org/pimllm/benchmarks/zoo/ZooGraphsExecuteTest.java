package org.pimllm.benchmarks.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Tensor;
import org.pimllm.models.onnx.OnnxRuntimeReference;
import org.pimllm.models.tokenizer.WordPieceTokenizer;
import org.pimllm.models.zoo.BertConfig;
import org.pimllm.models.zoo.CheckpointWeights;
import org.pimllm.models.zoo.Gpt2Config;
import org.pimllm.models.zoo.LlamaConfig;
import org.pimllm.models.zoo.ModelConfig;
import org.pimllm.models.zoo.ModelZoo;
import org.pimllm.models.zoo.OnnxCheckpoint;
import org.pimllm.runtime.ReferenceExecutor;

/**
 * The zoo's graphs executed by the reference executor: the BERT graph with the real weights of
 * all-MiniLM-L6-v2 (a 6-layer BERT) against ONNX Runtime running the original export, and the
 * causal models checked for what a causal mask means.
 */
class ZooGraphsExecuteTest {

  static final Path BUNDLED = Path.of("../models/target/bundled");
  /** sentence-transformers/all-MiniLM-L6-v2's config.json. */
  static final BertConfig MINILM = new BertConfig("minilm-l6", 6, 384, 12, 1536, 30522, 512, 2, 1e-12);

  static long[] longs(int[] v) {
    long[] out = new long[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }

  @Test
  void zooBertWithMiniLmWeightsMatchesOnnxRuntime() {
    WordPieceTokenizer tok = WordPieceTokenizer.load(BUNDLED.resolve("all-minilm-l6-v2-tokenizer.json"));
    WordPieceTokenizer.Encoding e = tok.encode("The zoo's BERT graph, fed real weights, computes what BERT computes.");
    int n = e.length();
    long[] mask = e.attentionMask().clone();
    mask[n - 1] = 0; // a padded position: masked as a key in every attention
    mask[n - 2] = 0;
    Path onnx = BUNDLED.resolve("all-minilm-l6-v2.onnx");
    CheckpointWeights w = CheckpointWeights.of(OnnxCheckpoint.of(onnx, MINILM), MINILM);
    IRModule m = ModelZoo.build(MINILM, n, w);
    Tensor ours = new ReferenceExecutor().runTensor(m, Map.of(
        "input_ids", ints(e.inputIds(), n), "token_type_ids", ints(e.tokenTypeIds(), n), "attention_mask", ints(mask, n)));
    float[] ref;
    try (OnnxRuntimeReference ort = new OnnxRuntimeReference(onnx)) {
      ref = ort.runTokens(Map.of("input_ids", e.inputIds(), "attention_mask", mask, "token_type_ids", e.tokenTypeIds()))
          .get("last_hidden_state").values();
    }
    assertArrayEquals(new int[] {1, n, 384}, ours.shape());
    double max = 0;
    for (int i = 0; i < ref.length; i++) {
      max = Math.max(max, Math.abs(ours.floats()[i] - ref[i]));
    }
    assertTrue(max <= 2e-5, "max |zoo - ORT| = " + max); // measured 2.4e-6
    assertTrue(w.unusedTensors().stream().allMatch(t -> t.startsWith("pooler.") || t.contains("position_ids")),
        "unused: " + w.unusedTensors());
  }

  static Tensor ints(long[] v, int n) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = (int) v[i];
    }
    return Tensor.ofInts(out, 1, n);
  }

  /** Changing the last token changes only the last position's logits; everything before is causal. */
  static void assertCausal(ModelConfig c) {
    int seq = 6;
    IRModule m = ModelZoo.build(c, seq);
    Map<String, Tensor> in = ModelZoo.sampleInputs(c, seq, 1);
    Map<String, Tensor> changed = new LinkedHashMap<>(in);
    Tensor ids = in.get("input_ids").copy();
    ids.setLong(seq - 1, (ids.getLong(seq - 1) + 1) % c.vocab());
    changed.put("input_ids", ids);
    ReferenceExecutor ex = new ReferenceExecutor();
    float[] a = ex.runTensor(m, in).floats();
    float[] b = ex.runTensor(m, changed).floats();
    int prefix = (seq - 1) * c.vocab();
    for (int i = 0; i < prefix; i++) {
      assertEquals(a[i], b[i], 0f, c.name() + ": logit " + i + " of an earlier position changed");
    }
    boolean lastChanged = false;
    for (int i = prefix; i < a.length; i++) {
      lastChanged |= a[i] != b[i];
      assertTrue(Float.isFinite(a[i]), c.name() + ": logit " + i + " is " + a[i]);
    }
    assertTrue(lastChanged, c.name() + ": the last position ignores its own token");
  }

  @Test
  void llamaIsCausal() {
    assertCausal(LlamaConfig.tiny(2, 64, 4, 96, 128));
  }

  @Test
  void gpt2IsCausal() {
    assertCausal(new Gpt2Config("gpt2-t", 2, 64, 4, 256, 128, 32, 1e-5));
  }
}
