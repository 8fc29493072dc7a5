package org.pimllm.models.zoo;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.pimllm.ir.Function;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Tensor;

/**
 * The model zoo: the published BERT, GPT-2 and LLaMA shapes of the PIM-LLM paper's evaluation
 * (plus GPT-2 large/XL and LLaMA-2-13B), each written as an IR graph with the {@link
 * org.pimllm.ir.Builder}: batch 1, a given sequence length (prefill), float32.
 *
 * <pre>{@code
 * IRModule m = ModelZoo.build(ModelZoo.get("llama-7b"), 128);            // synthetic, lazy
 * IRModule t = ModelZoo.build(ModelZoo.get("llama-7b").withLayers(2), 16); // reduced for tests
 * }</pre>
 */
public final class ModelZoo {

  private ModelZoo() {}

  private static final List<ModelConfig> MODELS = List.of(
      BertConfig.of("bert-tiny", 2, 128, 2, 512),
      BertConfig.of("bert-mini", 4, 256, 4, 1024),
      BertConfig.of("bert-small", 4, 512, 8, 2048),
      BertConfig.of("bert-medium", 8, 512, 8, 2048),
      BertConfig.of("bert-base", 12, 768, 12, 3072),
      BertConfig.of("bert-large", 24, 1024, 16, 4096),
      Gpt2Config.of("gpt2", 12, 768, 12),
      Gpt2Config.of("gpt2-medium", 24, 1024, 16),
      Gpt2Config.of("gpt2-large", 36, 1280, 20),
      Gpt2Config.of("gpt2-xl", 48, 1600, 25),
      // OpenLLaMA 3B (openlm-research/open_llama_3b config.json): 26 layers, 3200 hidden, 8640 FFN.
      LlamaConfig.of("llama-3b", 26, 3200, 32, 8640, 2048, 1e-6),
      LlamaConfig.of("llama-7b", 32, 4096, 32, 11008, 2048, 1e-6),
      LlamaConfig.of("llama2-13b", 40, 5120, 40, 13824, 4096, 1e-5));

  /** The ten models of the paper's end-to-end evaluation (Figure 13). */
  private static final List<String> PAPER = List.of("bert-tiny", "bert-mini", "bert-small", "bert-medium", "bert-base",
      "bert-large", "gpt2", "gpt2-medium", "llama-3b", "llama-7b");

  /** Every zoo model, in the order {@code pimllm models} lists them. */
  public static List<ModelConfig> models() {
    return MODELS;
  }

  /** The models of the paper's evaluation, in its order. */
  public static List<ModelConfig> paperModels() {
    return PAPER.stream().map(ModelZoo::get).toList();
  }

  /** A model by zoo name (case-insensitive); unknown names are an error listing the zoo. */
  public static ModelConfig get(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (ModelConfig c : MODELS) {
      if (c.name().equals(n)) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown model '" + name + "'; the zoo has "
        + MODELS.stream().map(ModelConfig::name).collect(Collectors.joining(", ")));
  }

  /** The float32 graph of {@code config} at sequence length {@code seq} with synthetic weights (seed 0). */
  public static IRModule build(ModelConfig config, int seq) {
    return build(config, seq, WeightSource.synthetic(0));
  }

  /**
   * The float32 graph of {@code config} for batch 1 and {@code seq} tokens (prefill), with its
   * parameters from {@code weights}. The function {@code main} takes int32 token inputs (1, seq)
   * and carries the attributes {@code model} and {@code seq}.
   */
  public static IRModule build(ModelConfig config, int seq, WeightSource weights) {
    if (seq < 1 || seq > config.maxPositions()) {
      throw new IllegalArgumentException(config.name() + ": sequence length " + seq + " is outside 1.." + config.maxPositions()
          + " (the model's " + (config.family() == ModelConfig.Family.LLAMA ? "trained context" : "position table") + ")");
    }
    Layers l = new Layers(weights, seq);
    Function main = switch (config) {
      case BertConfig c -> Bert.build(c, l);
      case Gpt2Config c -> Gpt2.build(c, l);
      case LlamaConfig c -> Llama.build(c, l);
    };
    main = main.withAttr("model", config.name()).withAttr("seq", Integer.toString(seq));
    return IRModule.of(main);
  }

  /**
   * The prefill graph of a decoder model (GPT-2, LLaMA) for {@code seq} prompt tokens: {@code main(input_ids)}
   * returns the tuple (logits (1, seq, vocab), k_0, v_0, k_1, v_1, ...), each layer's K and V (heads, seq,
   * head_dim), LLaMA's K after RoPE: what a decode step reads as its KV cache. Logits equal {@link #build}'s.
   */
  public static IRModule buildPrefill(ModelConfig config, int seq, WeightSource weights) {
    checkDecoder(config);
    checkLength(config, seq);
    return IRModule.of(decoder(config, new Layers(weights, seq, 0, true))
        .withAttr("model", config.name()).withAttr("seq", Integer.toString(seq)));
  }

  /**
   * The decode-step graph of a decoder model for one token at position {@code past} (the cache holds positions
   * 0..past-1): {@code main(input_ids (1, 1), past_key_0, past_value_0, ...)}, each past K/V (heads, past,
   * head_dim), returns (logits (1, 1, vocab), k_0, v_0, ...), the new token's K and V rows (heads, 1, head_dim).
   * LLaMA rotates q and k at position {@code past}; GPT-2 adds position embedding row {@code past}.
   */
  public static IRModule buildDecode(ModelConfig config, int past, WeightSource weights) {
    checkDecoder(config);
    if (past < 1) {
      throw new IllegalArgumentException(config.name() + ": a decode step needs at least one cached token, got past=" + past);
    }
    checkLength(config, past + 1);
    return IRModule.of(decoder(config, new Layers(weights, 1, past, true))
        .withAttr("model", config.name()).withAttr("seq", "1").withAttr("past", Integer.toString(past)));
  }

  private static Function decoder(ModelConfig config, Layers l) {
    return switch (config) {
      case Gpt2Config c -> Gpt2.build(c, l);
      case LlamaConfig c -> Llama.build(c, l);
      case BertConfig c -> throw new IllegalArgumentException(c.name() + " is an encoder: it has no token generation");
    };
  }

  private static void checkDecoder(ModelConfig config) {
    if (config.family() == ModelConfig.Family.BERT) {
      throw new IllegalArgumentException(config.name() + " is an encoder (BERT): generation needs a decoder model (GPT-2, LLaMA)");
    }
  }

  private static void checkLength(ModelConfig config, int tokens) {
    if (tokens < 1 || tokens > config.maxPositions()) {
      throw new IllegalArgumentException(config.name() + ": " + tokens + " tokens is outside 1.." + config.maxPositions()
          + " (the model's " + (config.family() == ModelConfig.Family.LLAMA ? "trained context" : "position table") + ")");
    }
  }

  /** Names of the inputs of a model's main function, in parameter order. */
  public static List<String> inputNames(ModelConfig config) {
    return config.family() == ModelConfig.Family.BERT
        ? List.of("input_ids", "token_type_ids", "attention_mask")
        : List.of("input_ids");
  }

  /**
   * Inputs for the graph of {@code config} at {@code seq}: int32 (1, seq) token ids uniform in
   * [0, vocab) drawn from {@code seed}; for BERT also token types 0 and an attention mask of 1s
   * (no padding).
   */
  public static Map<String, Tensor> sampleInputs(ModelConfig config, int seq, long seed) {
    Random rnd = new Random(seed);
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    for (String name : inputNames(config)) {
      int[] data = new int[seq];
      switch (name) {
        case "input_ids" -> {
          for (int i = 0; i < seq; i++) {
            data[i] = rnd.nextInt(config.vocab());
          }
        }
        case "attention_mask" -> Arrays.fill(data, 1);
        default -> { } // token_type_ids: all segment 0
      }
      inputs.put(name, Tensor.ofInts(data, 1, seq));
    }
    return inputs;
  }

  /** Parameter counts and the int8 weight footprint of a built graph. */
  public static ModelStats stats(IRModule module) {
    return ModelStats.of(module);
  }
}
