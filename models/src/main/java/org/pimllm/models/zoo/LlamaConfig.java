package org.pimllm.models.zoo;

/**
 * LLaMA (Touvron et al. 2023), as Hugging Face {@code LlamaForCausalLM}: RMSNorm, RoPE
 * (half-rotation layout), SwiGLU MLP (gate, up, down), separate LM head, no biases.
 *
 * @param kvHeads key/value heads; must equal {@code heads} (none of the zoo's models uses grouped-query attention)
 * @param rmsNormEps 1e-6 for LLaMA-1 and OpenLLaMA, 1e-5 for LLaMA-2
 * @param ropeTheta RoPE base, 10000 for all of them
 */
public record LlamaConfig(String name, int layers, int hidden, int heads, int kvHeads, int ffn, int vocab,
    int maxPositions, double rmsNormEps, double ropeTheta) implements ModelConfig {

  public LlamaConfig {
    ModelConfig.check(name, layers, hidden, heads, ffn, vocab, maxPositions);
    if (kvHeads != heads) {
      throw new IllegalArgumentException(name + ": grouped-query attention (" + kvHeads + " key/value heads for " + heads
          + " query heads) is not supported; the zoo's LLaMA models use kvHeads = heads");
    }
    if ((hidden / heads) % 2 != 0) {
      throw new IllegalArgumentException(name + ": RoPE needs an even head dimension, got " + hidden / heads);
    }
    if (!(ropeTheta > 0)) {
      throw new IllegalArgumentException(name + ": ropeTheta must be positive, got " + ropeTheta);
    }
  }

  /** A LLaMA shape with the family's vocabulary (32000) and RoPE base 10000. */
  public static LlamaConfig of(String name, int layers, int hidden, int heads, int ffn, int maxPositions, double eps) {
    return new LlamaConfig(name, layers, hidden, heads, heads, ffn, 32000, maxPositions, eps, 10000.0);
  }

  /**
   * A small LLaMA for tests: same graph as the real ones, tiny sizes.
   * E.g. {@code tiny(2, 64, 4, 172, 256)}.
   */
  public static LlamaConfig tiny(int layers, int hidden, int heads, int ffn, int vocab) {
    return new LlamaConfig("llama-tiny-" + layers + "l", layers, hidden, heads, heads, ffn, vocab, 2048, 1e-6, 10000.0);
  }

  @Override
  public Family family() {
    return Family.LLAMA;
  }

  @Override
  public LlamaConfig withLayers(int layers) {
    return new LlamaConfig(ModelConfig.reducedName(name, layers), layers, hidden, heads, kvHeads, ffn, vocab,
        maxPositions, rmsNormEps, ropeTheta);
  }

  @Override
  public String description() {
    return "LLaMA decoder, L=" + layers + " H=" + hidden + " A=" + heads + " FFN=" + ffn + " (Touvron et al. 2023)";
  }
}
