package org.pimllm.models.zoo;

import org.pimllm.ir.Expr;
import org.pimllm.ir.Function;
import org.pimllm.ir.Var;

/**
 * BERT's encoder as Hugging Face {@code BertModel} computes it (without the pooler): inputs
 * {@code input_ids}, {@code token_type_ids} and {@code attention_mask} (1 = attend), output the
 * last hidden state (1, seq, hidden).
 */
final class Bert {

  private Bert() {}

  static Function build(BertConfig c, Layers l) {
    Var ids = l.tokenInput("input_ids");
    Var types = l.tokenInput("token_type_ids");
    Var mask = l.tokenInput("attention_mask");
    Expr h = embeddings(c, l, ids, types);
    Expr keep = l.b.reshape(mask, 1, 1, l.seq); // broadcast over heads and queries
    for (int i = 0; i < c.layers(); i++) {
      h = layer(c, l, "encoder.layer." + i, h, keep);
    }
    return l.b.function(h, ids, types, mask);
  }

  private static Expr embeddings(BertConfig c, Layers l, Expr ids, Expr types) {
    int d = c.hidden();
    Expr words = l.embedding("embeddings.word_embeddings.weight", c.vocab(), d, ids);
    Expr segments = l.embedding("embeddings.token_type_embeddings.weight", c.typeVocab(), d, types);
    Expr positions = l.positions("embeddings.position_embeddings.weight", c.maxPositions(), d);
    Expr sum = l.b.add(l.b.add(words, segments), positions);
    return l.layerNorm(sum, "embeddings.LayerNorm", d, c.layerNormEps());
  }

  /** Post-LN block: h = LN(x + attention(x)); out = LN(h + FFN(h)). */
  private static Expr layer(BertConfig c, Layers l, String p, Expr x, Expr keep) {
    int d = c.hidden();
    Expr attn = selfAttention(c, l, p + ".attention.self", x, keep);
    Expr attnOut = l.linear(attn, p + ".attention.output.dense", d, d, true);
    Expr h = l.layerNorm(l.b.add(attnOut, x), p + ".attention.output.LayerNorm", d, c.layerNormEps());
    Expr inner = l.b.gelu(l.linear(h, p + ".intermediate.dense", d, c.ffn(), true));
    Expr out = l.linear(inner, p + ".output.dense", c.ffn(), d, true);
    return l.layerNorm(l.b.add(out, h), p + ".output.LayerNorm", d, c.layerNormEps());
  }

  private static Expr selfAttention(BertConfig c, Layers l, String p, Expr x, Expr keep) {
    int d = c.hidden();
    Expr q = l.headsFirst(l.perHead(l.linear(x, p + ".query", d, d, true), c.heads(), c.headDim()));
    Expr k = l.headsFirst(l.perHead(l.linear(x, p + ".key", d, d, true), c.heads(), c.headDim()));
    Expr v = l.headsFirst(l.perHead(l.linear(x, p + ".value", d, d, true), c.heads(), c.headDim()));
    Expr scores = l.b.attentionMask(l.attentionScores(q, k, c.headDim()), keep);
    Expr probs = l.b.softmax(scores, -1);
    return l.mergeHeads(l.attentionContext(probs, v), d);
  }
}
