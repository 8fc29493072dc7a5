package org.pimllm.models.zoo;

/**
 * BERT (Devlin et al. 2019; the small sizes from Turc et al. 2019, "Well-Read Students Learn
 * Better"). Hugging Face {@code BertModel} without the pooler.
 *
 * @param typeVocab number of token types (segments), 2 in every published BERT
 * @param layerNormEps layer-norm epsilon, 1e-12 in every published BERT
 */
public record BertConfig(String name, int layers, int hidden, int heads, int ffn, int vocab, int maxPositions,
    int typeVocab, double layerNormEps) implements ModelConfig {

  public BertConfig {
    ModelConfig.check(name, layers, hidden, heads, ffn, vocab, maxPositions);
    if (typeVocab < 1) {
      throw new IllegalArgumentException(name + ": typeVocab must be positive, got " + typeVocab);
    }
  }

  /** A published BERT shape: vocabulary 30522, 512 positions, 2 token types, epsilon 1e-12. */
  public static BertConfig of(String name, int layers, int hidden, int heads, int ffn) {
    return new BertConfig(name, layers, hidden, heads, ffn, 30522, 512, 2, 1e-12);
  }

  @Override
  public Family family() {
    return Family.BERT;
  }

  @Override
  public BertConfig withLayers(int layers) {
    return new BertConfig(ModelConfig.reducedName(name, layers), layers, hidden, heads, ffn, vocab, maxPositions, typeVocab,
        layerNormEps);
  }

  @Override
  public String description() {
    return "BERT encoder, L=" + layers + " H=" + hidden + " A=" + heads + " FFN=" + ffn
        + " (Devlin et al. 2019; small sizes: Turc et al. 2019)";
  }
}
