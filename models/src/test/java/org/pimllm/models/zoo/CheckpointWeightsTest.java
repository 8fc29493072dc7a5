package org.pimllm.models.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pimllm.ir.Constant;
import org.pimllm.ir.ExprVisitor;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.TensorSource;
import org.pimllm.ir.TypeInference;
import org.pimllm.models.zoo.CheckpointFiles.Encoding;
import org.pimllm.models.zoo.CheckpointFiles.Entry;

/**
 * Round trips: the parameters of a small synthetic zoo model are written to a checkpoint the way
 * Hugging Face (safetensors) or llama.cpp (GGUF) would write them, loaded back onto the zoo's
 * graph, and compared value by value with what the file stores.
 */
class CheckpointWeightsTest {

  @TempDir Path dir;

  static final BertConfig BERT = new BertConfig("bert-t", 2, 64, 4, 128, 100, 32, 2, 1e-12);
  static final Gpt2Config GPT2 = new Gpt2Config("gpt2-t", 2, 64, 4, 256, 100, 32, 1e-5);
  static final LlamaConfig LLAMA = LlamaConfig.tiny(2, 64, 4, 96, 128);
  static final int SEQ = 8;

  /** The named parameters of a graph, in first-use order. */
  static Map<String, Constant> parameters(IRModule m) {
    Map<String, Constant> out = new LinkedHashMap<>();
    for (var e : ExprVisitor.postOrder(m.main())) {
      if (e instanceof Constant c && c.name() != null) {
        out.putIfAbsent(c.name(), c);
      }
    }
    return out;
  }

  /** A checkpoint tensor for each parameter of {@code reference}, renamed, rearranged and encoded. */
  static List<Entry> entries(IRModule reference, UnaryOperator<String> rename,
      java.util.function.BiFunction<String, Constant, Entry> make) {
    List<Entry> out = new ArrayList<>();
    parameters(reference).forEach((name, c) -> out.add(make.apply(rename.apply(name), c)));
    return out;
  }

  /** Loads {@code file} onto {@code config}'s graph and checks each parameter against the stored values. */
  static IRModule loadAndCompare(ModelConfig config, Path file, Map<String, Entry> storedByParam,
      Map<String, UnaryOperator<float[]>> storedLayout) {
    CheckpointWeights w = CheckpointWeights.open(file, config);
    IRModule loaded = ModelZoo.build(config, SEQ, w);
    TypeInference.infer(loaded);
    Map<String, Constant> params = parameters(loaded);
    assertEquals(storedByParam.keySet(), params.keySet());
    params.forEach((name, c) -> {
      assertTrue(c.source() instanceof TensorSource.Lazy, name + " is loaded lazily");
      Entry e = storedByParam.get(name);
      float[] inZooLayout = c.data().floats();
      float[] asStored = storedLayout.getOrDefault(name, UnaryOperator.identity()).apply(inZooLayout);
      assertArrayEquals(CheckpointFiles.decoded(e.values(), e.encoding()), asStored, name);
    });
    return loaded;
  }

  // ---- safetensors (Hugging Face names) ----

  @Test
  void llamaSafetensorsRoundTrip() throws IOException {
    IRModule ref = ModelZoo.build(LLAMA, SEQ, WeightSource.synthetic(3));
    Map<String, Entry> byParam = new LinkedHashMap<>();
    parameters(ref).forEach((name, c) -> byParam.put(name,
        new Entry(name, c.type().shapeArray(), c.data().floats(), name.contains("mlp") ? Encoding.F16 : Encoding.F32)));
    Path file = CheckpointFiles.safetensors(dir.resolve("llama.safetensors"), List.copyOf(byParam.values()));
    loadAndCompare(LLAMA, file, byParam, Map.of());
  }

  @Test
  void bertSafetensorsWithTaskPrefixAndOldLayerNormNames() throws IOException {
    IRModule ref = ModelZoo.build(BERT, SEQ, WeightSource.synthetic(4));
    Map<String, Entry> byParam = new LinkedHashMap<>();
    parameters(ref).forEach((name, c) -> {
      String stored = "bert." + name.replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta");
      byParam.put(name, new Entry(stored, c.type().shapeArray(), c.data().floats(), Encoding.F32));
    });
    List<Entry> all = new ArrayList<>(byParam.values());
    all.add(new Entry("bert.pooler.dense.bias", new int[] {64}, new float[64], Encoding.F32));
    Path file = CheckpointFiles.safetensors(dir.resolve("bert.safetensors"), all);
    CheckpointWeights w = CheckpointWeights.open(file, BERT);
    ModelZoo.build(BERT, SEQ, w);
    assertEquals(List.of("bert.pooler.dense.bias"), w.unusedTensors());
    loadAndCompare(BERT, file, byParam, Map.of());
  }

  // ---- GGUF (llama.cpp names and layouts) ----

  /** llama.cpp's names for the zoo's Hugging Face names, written out per family (gguf-py tensor_mapping). */
  static String llamaCppName(String hf) {
    String[][] table = {
        {"model.embed_tokens.weight", "token_embd.weight"}, {"model.norm.weight", "output_norm.weight"},
        {"lm_head.weight", "output.weight"}, {"wte.weight", "token_embd.weight"}, {"wpe.weight", "position_embd.weight"},
        {"ln_f.", "output_norm."}, {"embeddings.word_embeddings.weight", "token_embd.weight"},
        {"embeddings.position_embeddings.weight", "position_embd.weight"},
        {"embeddings.token_type_embeddings.weight", "token_types.weight"}, {"embeddings.LayerNorm.", "token_embd_norm."},
        {"model.layers.", "blk."}, {"encoder.layer.", "blk."}, {"h.", "blk."},
        {".input_layernorm.", ".attn_norm."}, {".self_attn.q_proj.", ".attn_q."}, {".self_attn.k_proj.", ".attn_k."},
        {".self_attn.v_proj.", ".attn_v."}, {".self_attn.o_proj.", ".attn_output."},
        {".post_attention_layernorm.", ".ffn_norm."}, {".mlp.gate_proj.", ".ffn_gate."}, {".mlp.up_proj.", ".ffn_up."},
        {".mlp.down_proj.", ".ffn_down."}, {".ln_1.", ".attn_norm."}, {".attn.c_attn.", ".attn_qkv."},
        {".attn.c_proj.", ".attn_output."}, {".ln_2.", ".ffn_norm."}, {".mlp.c_fc.", ".ffn_up."}, {".mlp.c_proj.", ".ffn_down."},
        {".attention.self.query.", ".attn_q."}, {".attention.self.key.", ".attn_k."}, {".attention.self.value.", ".attn_v."},
        {".attention.output.dense.", ".attn_output."}, {".attention.output.LayerNorm.", ".attn_output_norm."},
        {".intermediate.dense.", ".ffn_up."}, {".output.dense.", ".ffn_down."}, {".output.LayerNorm.", ".layer_output_norm."}};
    String s = hf;
    for (String[] r : table) {
      if (r[0].startsWith(".") ? s.contains(r[0]) : s.startsWith(r[0])) {
        s = r[0].startsWith(".") ? s.replace(r[0], r[1]) : r[1] + s.substring(r[0].length());
      }
    }
    return s;
  }

  /** numpy {@code w.T} of a (rows, cols) matrix. */
  static float[] transpose(float[] w, int rows, int cols) {
    float[] t = new float[w.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c * rows + r] = w[r * cols + c];
      }
    }
    return t;
  }

  /**
   * convert_hf_to_gguf.py LlamaModel.permute:
   * {@code w.reshape(n_head, 2, rows // n_head // 2, cols).swapaxes(1, 2).reshape(w.shape)}.
   */
  static float[] llamaCppPermute(float[] w, int nHead, int rows, int cols) {
    int half = rows / nHead / 2;
    float[] out = new float[w.length];
    int dst = 0;
    for (int h = 0; h < nHead; h++) {
      for (int i = 0; i < half; i++) {
        for (int j = 0; j < 2; j++) {
          int src = ((h * 2 + j) * half + i) * cols;
          System.arraycopy(w, src, out, dst, cols);
          dst += cols;
        }
      }
    }
    return out;
  }

  @Test
  void llamaGgufRoundTripWithPermutedQkAndQ8_0() throws IOException {
    IRModule ref = ModelZoo.build(LLAMA, SEQ, WeightSource.synthetic(5));
    Map<String, Entry> byParam = new LinkedHashMap<>();
    Map<String, UnaryOperator<float[]>> layout = new LinkedHashMap<>();
    parameters(ref).forEach((name, c) -> {
      int[] s = c.type().shapeArray();
      float[] v = c.data().floats();
      if (name.contains("q_proj") || name.contains("k_proj")) {
        layout.put(name, x -> llamaCppPermute(x, LLAMA.heads(), s[0], s[1]));
        v = llamaCppPermute(v, LLAMA.heads(), s[0], s[1]);
      }
      Encoding enc = s.length == 1 ? Encoding.F32 : name.contains("embed") ? Encoding.F16 : Encoding.Q8_0;
      byParam.put(name, new Entry(llamaCppName(name), s, v, enc));
    });
    assertEquals("blk.1.ffn_gate.weight", byParam.get("model.layers.1.mlp.gate_proj.weight").name());
    Path file = CheckpointFiles.gguf(dir.resolve("llama.gguf"), "llama", List.copyOf(byParam.values()));
    loadAndCompare(LLAMA, file, byParam, layout);
  }

  @Test
  void permutationIsUndoneExactly() throws IOException {
    // F32 everywhere: the loaded q/k weights equal the Hugging Face ones bit for bit.
    IRModule ref = ModelZoo.build(LLAMA, SEQ, WeightSource.synthetic(6));
    List<Entry> entries = new ArrayList<>();
    parameters(ref).forEach((name, c) -> {
      int[] s = c.type().shapeArray();
      float[] v = c.data().floats();
      if (name.contains("q_proj") || name.contains("k_proj")) {
        v = llamaCppPermute(v, LLAMA.heads(), s[0], s[1]);
      }
      entries.add(new Entry(llamaCppName(name), s, v, Encoding.F32));
    });
    Path file = CheckpointFiles.gguf(dir.resolve("llama32.gguf"), "llama", entries);
    Map<String, Constant> loaded = parameters(ModelZoo.build(LLAMA, SEQ, CheckpointWeights.open(file, LLAMA)));
    parameters(ref).forEach((name, c) -> assertArrayEquals(c.data().floats(), loaded.get(name).data().floats(), name));
  }

  @Test
  void gpt2GgufRoundTripWithTransposedConv1d() throws IOException {
    IRModule ref = ModelZoo.build(GPT2, SEQ, WeightSource.synthetic(7));
    Map<String, Entry> byParam = new LinkedHashMap<>();
    Map<String, UnaryOperator<float[]>> layout = new LinkedHashMap<>();
    parameters(ref).forEach((name, c) -> {
      int[] s = c.type().shapeArray();
      float[] v = c.data().floats();
      int[] storedShape = s;
      boolean conv1d = name.startsWith("h.") && name.endsWith(".weight") && s.length == 2;
      if (conv1d) { // llama.cpp stores Conv1D (in, out) transposed, as (out, in)
        layout.put(name, x -> transpose(x, s[0], s[1]));
        v = transpose(v, s[0], s[1]);
        storedShape = new int[] {s[1], s[0]};
      }
      Encoding enc = s.length == 1 ? Encoding.F32 : conv1d ? Encoding.Q8_0 : Encoding.F16;
      byParam.put(name, new Entry(llamaCppName(name), storedShape, v, enc));
    });
    assertEquals("blk.0.attn_qkv.weight", byParam.get("h.0.attn.c_attn.weight").name());
    Path file = CheckpointFiles.gguf(dir.resolve("gpt2.gguf"), "gpt2", List.copyOf(byParam.values()));
    loadAndCompare(GPT2, file, byParam, layout);
  }

  @Test
  void bertGgufRoundTrip() throws IOException {
    IRModule ref = ModelZoo.build(BERT, SEQ, WeightSource.synthetic(8));
    Map<String, Entry> byParam = new LinkedHashMap<>();
    parameters(ref).forEach((name, c) -> byParam.put(name,
        new Entry(llamaCppName(name), c.type().shapeArray(), c.data().floats(), Encoding.F16)));
    assertEquals("blk.1.layer_output_norm.bias", byParam.get("encoder.layer.1.output.LayerNorm.bias").name());
    Path file = CheckpointFiles.gguf(dir.resolve("bert.gguf"), "bert", List.copyOf(byParam.values()));
    loadAndCompare(BERT, file, byParam, Map.of());
  }

  // ---- errors ----

  @Test
  void missingTensorNamesTheParameterAndItsShape() throws IOException {
    IRModule ref = ModelZoo.build(LLAMA, SEQ, WeightSource.synthetic(9));
    List<Entry> entries = new ArrayList<>();
    parameters(ref).forEach((name, c) -> {
      if (!name.equals("model.layers.1.mlp.up_proj.weight")) {
        entries.add(new Entry(name, c.type().shapeArray(), c.data().floats(), Encoding.F32));
      }
    });
    Path file = CheckpointFiles.safetensors(dir.resolve("partial.safetensors"), entries);
    var e = assertThrows(IllegalArgumentException.class, () -> ModelZoo.build(LLAMA, SEQ, CheckpointWeights.open(file, LLAMA)));
    assertTrue(e.getMessage().contains("'model.layers.1.mlp.up_proj.weight'") && e.getMessage().contains("(96, 64)"),
        e.getMessage());
  }

  @Test
  void wrongShapeNamesTheTensorAndBothShapes() throws IOException {
    IRModule ref = ModelZoo.build(GPT2, SEQ, WeightSource.synthetic(10));
    List<Entry> entries = new ArrayList<>();
    parameters(ref).forEach((name, c) -> {
      int[] s = c.type().shapeArray();
      // A Hugging Face Conv1D written as if it were nn.Linear (out, in): the classic mix-up.
      int[] stored = name.equals("h.0.mlp.c_fc.weight") ? new int[] {s[1], s[0]} : s;
      entries.add(new Entry(name, stored, c.data().floats(), Encoding.F32));
    });
    Path file = CheckpointFiles.safetensors(dir.resolve("bad.safetensors"), entries);
    var e = assertThrows(IllegalArgumentException.class, () -> ModelZoo.build(GPT2, SEQ, CheckpointWeights.open(file, GPT2)));
    assertTrue(e.getMessage().contains("'h.0.mlp.c_fc.weight'") && e.getMessage().contains("[256, 64]")
        && e.getMessage().contains("[64, 256]"), e.getMessage());
  }

  @Test
  void checkpointOfAnotherModelIsRejected() throws IOException {
    IRModule ref = ModelZoo.build(BERT, SEQ, WeightSource.synthetic(11));
    List<Entry> entries = new ArrayList<>();
    parameters(ref).forEach((name, c) -> entries.add(new Entry(name, c.type().shapeArray(), c.data().floats(), Encoding.F32)));
    Path file = CheckpointFiles.safetensors(dir.resolve("bert-as-llama.safetensors"), entries);
    var e = assertThrows(IllegalArgumentException.class, () -> ModelZoo.build(LLAMA, SEQ, CheckpointWeights.open(file, LLAMA)));
    assertTrue(e.getMessage().contains("model.embed_tokens.weight"), e.getMessage());
    assertFalse(e.getMessage().isBlank());
  }
}
