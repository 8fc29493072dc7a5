package org.pimllm.models.zoo;

/**
 * The architecture of a zoo model: what {@link ModelZoo#build} needs to write its graph. One
 * record per family; {@link #withLayers} gives a reduced copy for tests (e.g. a 2-layer LLaMA).
 */
public sealed interface ModelConfig permits BertConfig, Gpt2Config, LlamaConfig {

  /** The zoo name, e.g. {@code bert-base}, {@code gpt2-medium}, {@code llama-7b}. */
  String name();

  Family family();

  int layers();

  int hidden();

  int heads();

  /** Width of the feed-forward (MLP) hidden layer. */
  int ffn();

  int vocab();

  /** Longest sequence the model accepts (position table size, or trained context for RoPE models). */
  int maxPositions();

  default int headDim() {
    return hidden() / heads();
  }

  /** The same model with {@code layers} transformer blocks (and {@code -Nl} appended to the name). */
  ModelConfig withLayers(int layers);

  /** One line: family, shape and where the configuration comes from. */
  String description();

  /** The three families of the zoo. */
  enum Family {
    /** Encoder: post-LN, erf GELU, padding mask, nn.Linear (out, in) weights with biases. */
    BERT,
    /** Decoder: pre-LN, tanh GELU, causal mask, Conv1D (in, out) weights, fused c_attn, tied LM head. */
    GPT2,
    /** Decoder: RMSNorm, RoPE, SwiGLU, causal mask, nn.Linear (out, in) weights without biases. */
    LLAMA
  }

  /** Shared checks of the record constructors. */
  static void check(String name, int layers, int hidden, int heads, int ffn, int vocab, int maxPositions) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a model config needs a name");
    }
    if (layers < 1 || hidden < 1 || heads < 1 || ffn < 1 || vocab < 1 || maxPositions < 1) {
      throw new IllegalArgumentException(name + ": layers, hidden, heads, ffn, vocab and maxPositions must be positive, got "
          + layers + ", " + hidden + ", " + heads + ", " + ffn + ", " + vocab + ", " + maxPositions);
    }
    if (hidden % heads != 0) {
      throw new IllegalArgumentException(name + ": hidden size " + hidden + " is not divisible by " + heads + " heads");
    }
  }

  static String reducedName(String name, int layers) {
    return name.replaceFirst("-\\d+l$", "") + "-" + layers + "l";
  }
}
