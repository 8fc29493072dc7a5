package org.pimllm.models.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pimllm.ir.Call;
import org.pimllm.ir.Constant;
import org.pimllm.ir.DType;
import org.pimllm.ir.Expr;
import org.pimllm.ir.ExprVisitor;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Op;
import org.pimllm.ir.Ops;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.TensorType;
import org.pimllm.ir.TypeInference;
import org.pimllm.ir.Var;

class ModelZooTest {

  static List<ModelConfig> zoo() {
    return ModelZoo.models();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("zoo")
  void everyModelBuildsAndTypeChecksAtSeq128(ModelConfig c) {
    IRModule m = ModelZoo.build(c, 128);
    assertSame(m, TypeInference.infer(m), "InferType finds nothing to change in a freshly built graph");
    TensorType out = (TensorType) m.main().retType();
    int width = c.family() == ModelConfig.Family.BERT ? c.hidden() : c.vocab();
    assertEquals(TensorType.of(DType.FP32, 1, 128, width), out);
    assertEquals(ModelZoo.inputNames(c), m.main().params().stream().map(Var::name).toList());
    for (Var v : m.main().params()) {
      assertEquals(TensorType.of(DType.INT32, 1, 128), v.type());
    }
    assertEquals(c.name(), m.main().attrs().get("model"));
    assertEquals("128", m.main().attrs().get("seq"));
  }

  /** How many calls of each op a graph has. */
  static long count(IRModule m, Op op) {
    return ExprVisitor.postOrder(m.main()).stream().filter(e -> e instanceof Call c && c.is(op)).count();
  }

  @Test
  void bertReadsLikeBert() {
    BertConfig c = (BertConfig) ModelZoo.get("bert-base");
    IRModule m = ModelZoo.build(c, 64);
    assertEquals(12 * 6, count(m, Ops.DENSE), "q, k, v, attention output, intermediate, output per layer");
    assertEquals(0, count(m, Ops.MATMUL));
    assertEquals(12 * 2, count(m, Ops.BATCH_MATMUL), "scores and context per layer");
    assertEquals(12, count(m, Ops.ATTENTION_MASK));
    assertEquals(0, count(m, Ops.CAUSAL_MASK));
    assertEquals(12, count(m, Ops.SOFTMAX));
    assertEquals(12, count(m, Ops.GELU));
    assertEquals(1 + 12 * 2, count(m, Ops.LAYER_NORM));
    assertEquals(2, count(m, Ops.TAKE), "word and token-type lookups; positions are a slice");
    // nn.Linear layout (out, in): the intermediate dense maps 768 -> 3072.
    Constant w = weight(m, "encoder.layer.0.intermediate.dense.weight");
    assertEquals(List.of(3072, 768), w.type().shape());
  }

  @Test
  void gpt2ReadsLikeGpt2() {
    Gpt2Config c = (Gpt2Config) ModelZoo.get("gpt2");
    IRModule m = ModelZoo.build(c, 64);
    assertEquals(12 * 4, count(m, Ops.MATMUL), "c_attn, attn.c_proj, c_fc, mlp.c_proj per layer");
    assertEquals(1, count(m, Ops.DENSE), "the tied LM head");
    assertEquals(12, count(m, Ops.SPLIT), "one fused c_attn split into q, k, v per layer");
    assertEquals(12, count(m, Ops.CAUSAL_MASK));
    assertEquals(0, count(m, Ops.ATTENTION_MASK));
    assertEquals(12, count(m, Ops.GELU));
    assertEquals(12 * 2 + 1, count(m, Ops.LAYER_NORM));
    // Conv1D layout (in, out): c_attn maps 768 -> 2304.
    assertEquals(List.of(768, 2304), weight(m, "h.0.attn.c_attn.weight").type().shape());
    // Tied head: the dense reads the very constant the embedding lookup reads.
    Call head = (Call) m.main().body();
    Call lookup = (Call) ExprVisitor.postOrder(m.main()).stream()
        .filter(e -> e instanceof Call k && k.is(Ops.TAKE)).findFirst().orElseThrow();
    assertSame(lookup.arg(0), head.arg(1));
  }

  @Test
  void llamaReadsLikeLlama() {
    LlamaConfig c = (LlamaConfig) ModelZoo.get("llama-7b");
    IRModule m = ModelZoo.build(c, 32);
    assertEquals(32 * 7 + 1, count(m, Ops.DENSE), "q, k, v, o, gate, up, down per layer, and the LM head");
    assertEquals(32 * 2, count(m, Ops.ROTARY_EMBEDDING), "queries and keys");
    assertEquals(32 * 2 + 1, count(m, Ops.RMS_NORM));
    assertEquals(0, count(m, Ops.LAYER_NORM));
    assertEquals(32, count(m, Ops.SILU));
    assertEquals(32, count(m, Ops.CAUSAL_MASK));
    assertEquals(List.of(11008, 4096), weight(m, "model.layers.0.mlp.gate_proj.weight").type().shape());
    assertEquals(List.of(4096, 11008), weight(m, "model.layers.31.mlp.down_proj.weight").type().shape());
  }

  static Constant weight(IRModule m, String name) {
    return ExprVisitor.postOrder(m.main()).stream()
        .filter(e -> e instanceof Constant k && name.equals(k.name())).map(Constant.class::cast)
        .findFirst().orElseThrow(() -> new AssertionError("no constant " + name));
  }

  // ---- parameter counts against published figures ----

  /**
   * Hugging Face {@code num_parameters()} of the published checkpoints (config.json shapes):
   * GPT2LMHeadModel counts the tied head once; LlamaForCausalLM counts embed_tokens and lm_head.
   * The zoo graph holds exactly these parameters.
   */
  @Test
  void causalLmParameterCountsEqualPublishedCounts() {
    Map<String, Long> published = Map.of(
        "gpt2", 124_439_808L,
        "gpt2-medium", 354_823_168L,
        "gpt2-large", 774_030_080L,
        "gpt2-xl", 1_557_611_200L,
        "llama-3b", 3_426_473_600L, // openlm-research/open_llama_3b
        "llama-7b", 6_738_415_616L,
        "llama2-13b", 13_015_864_320L);
    published.forEach((name, count) ->
        assertEquals(count, ModelZoo.stats(ModelZoo.build(ModelZoo.get(name), 128)).parameters(), name));
  }

  /**
   * BERT: the zoo graph is the encoder without the pooler (one hidden x hidden dense + bias). With
   * the pooler added it equals Hugging Face {@code BertModel.num_parameters()} of bert-base-uncased
   * and bert-large-uncased, and is within 3% of the sizes Turc et al. (2019) publish for the small
   * BERTs (which also count the pre-training heads).
   */
  @Test
  void bertParameterCountsMatchPublishedCounts() {
    assertEquals(109_482_240L, bertWithPooler("bert-base"));
    assertEquals(335_141_888L, bertWithPooler("bert-large"));
    Map<String, Double> turc = Map.of("bert-tiny", 4.4e6, "bert-mini", 11.3e6, "bert-small", 29.1e6,
        "bert-medium", 41.7e6, "bert-base", 110.1e6);
    turc.forEach((name, count) -> {
      double rel = Math.abs(bertWithPooler(name) - count) / count;
      assertTrue(rel < 0.03, name + ": " + bertWithPooler(name) + " vs published " + count);
    });
  }

  static long bertWithPooler(String name) {
    ModelConfig c = ModelZoo.get(name);
    long pooler = (long) c.hidden() * c.hidden() + c.hidden();
    return ModelZoo.stats(ModelZoo.build(c, 128)).parameters() + pooler;
  }

  @Test
  void gemmWeightsAreTheMatricesOfTheLayersPlusTheHead() {
    LlamaConfig c = (LlamaConfig) ModelZoo.get("llama-7b");
    ModelStats s = ModelZoo.stats(ModelZoo.build(c, 128));
    long perLayer = 4L * 4096 * 4096 + 3L * 4096 * 11008;
    assertEquals(32 * perLayer + 32000L * 4096, s.gemmWeightParameters());
    assertEquals(s.gemmWeightParameters(), s.int8WeightBytes());
  }

  // ---- laziness ----

  @Test
  void buildingLlama2_13bAtSeq512MaterializesNothing() {
    var mem = ManagementFactory.getMemoryMXBean();
    System.gc();
    long before = mem.getHeapMemoryUsage().getUsed();
    IRModule m = ModelZoo.build(ModelZoo.get("llama2-13b"), 512);
    IRModule checked = TypeInference.infer(m);
    System.gc();
    long after = mem.getHeapMemoryUsage().getUsed();
    long nodes = ExprVisitor.countNodes(checked.main());
    // 13e9 fp32 parameters would be 52 GB; the graph itself is a few thousand nodes.
    assertTrue(after - before < 32L << 20, "building took " + (after - before) / 1024 + " KiB of heap for " + nodes + " nodes");
    for (Expr e : ExprVisitor.postOrder(m.main())) {
      if (e instanceof Constant c && c.name() != null) {
        assertTrue(c.isSynthetic(), c.name() + " is materialized");
      }
    }
  }

  // ---- reduced models and inputs ----

  @Test
  void layersOverrideGivesAReducedModel() {
    LlamaConfig tiny = LlamaConfig.tiny(2, 64, 4, 172, 256);
    IRModule m = ModelZoo.build(tiny, 16);
    assertEquals(2 * 7 + 1, count(m, Ops.DENSE));
    LlamaConfig two = ((LlamaConfig) ModelZoo.get("llama-7b")).withLayers(2);
    assertEquals("llama-7b-2l", two.name());
    assertEquals(2, two.layers());
    assertEquals(2 * 2 + 1, count(ModelZoo.build(two, 8), Ops.RMS_NORM));
    assertEquals(2 * 2 + 1, count(ModelZoo.build(ModelZoo.get("bert-base").withLayers(2), 8), Ops.LAYER_NORM));
  }

  @Test
  void sampleInputsMatchTheGraphInputs() {
    for (String name : List.of("bert-tiny", "gpt2", "llama-7b")) {
      ModelConfig c = ModelZoo.get(name);
      IRModule m = ModelZoo.build(c, 20);
      Map<String, Tensor> in = ModelZoo.sampleInputs(c, 20, 7);
      assertEquals(m.main().params().stream().map(Var::name).toList(), List.copyOf(in.keySet()));
      for (Var v : m.main().params()) {
        assertEquals(v.type(), in.get(v.name()).type());
      }
      Tensor ids = in.get("input_ids");
      for (int i = 0; i < ids.size(); i++) {
        assertTrue(ids.getLong(i) >= 0 && ids.getLong(i) < c.vocab());
      }
    }
  }

  @Test
  void syntheticWeightsAreSeeded() {
    ModelConfig c = ModelZoo.get("bert-tiny");
    Tensor a = weight(ModelZoo.build(c, 8, WeightSource.synthetic(1)), "encoder.layer.0.attention.self.query.weight").data();
    Tensor b = weight(ModelZoo.build(c, 8, WeightSource.synthetic(1)), "encoder.layer.0.attention.self.query.weight").data();
    Tensor d = weight(ModelZoo.build(c, 8, WeightSource.synthetic(2)), "encoder.layer.0.attention.self.query.weight").data();
    assertTrue(a.contentEquals(b));
    assertTrue(!a.contentEquals(d));
  }

  @Test
  void badRequestsAreClearErrors() {
    var e = assertThrows(IllegalArgumentException.class, () -> ModelZoo.get("bert-huge"));
    assertTrue(e.getMessage().contains("bert-huge") && e.getMessage().contains("llama-7b"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ModelZoo.build(ModelZoo.get("bert-base"), 513));
    assertTrue(e.getMessage().contains("513") && e.getMessage().contains("512"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ModelZoo.build(ModelZoo.get("gpt2"), 0));
    assertTrue(e.getMessage().contains("0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> BertConfig.of("odd", 2, 100, 3, 400));
    assertTrue(e.getMessage().contains("divisible"), e.getMessage());
  }
}
