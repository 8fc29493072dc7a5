package org.pimllm.models.zoo;

/**
 * GPT-2 (Radford et al. 2019), as Hugging Face {@code GPT2LMHeadModel}: Conv1D weights stored
 * (in, out), one fused c_attn projection, LM head tied to the token embedding.
 *
 * @param layerNormEps 1e-5 in every published GPT-2
 */
public record Gpt2Config(String name, int layers, int hidden, int heads, int ffn, int vocab, int maxPositions,
    double layerNormEps) implements ModelConfig {

  public Gpt2Config {
    ModelConfig.check(name, layers, hidden, heads, ffn, vocab, maxPositions);
  }

  /** A published GPT-2 shape: vocabulary 50257, 1024 positions, FFN 4 x hidden, epsilon 1e-5. */
  public static Gpt2Config of(String name, int layers, int hidden, int heads) {
    return new Gpt2Config(name, layers, hidden, heads, 4 * hidden, 50257, 1024, 1e-5);
  }

  @Override
  public Family family() {
    return Family.GPT2;
  }

  @Override
  public Gpt2Config withLayers(int layers) {
    return new Gpt2Config(ModelConfig.reducedName(name, layers), layers, hidden, heads, ffn, vocab, maxPositions,
        layerNormEps);
  }

  @Override
  public String description() {
    return "GPT-2 decoder, L=" + layers + " H=" + hidden + " A=" + heads + " FFN=" + ffn + " (Radford et al. 2019)";
  }
}
