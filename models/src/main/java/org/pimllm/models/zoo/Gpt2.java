package org.pimllm.models.zoo;

import java.util.List;
import org.pimllm.ir.Expr;
import org.pimllm.ir.Function;
import org.pimllm.ir.Var;
import org.pimllm.models.zoo.WeightSource.Init;

/**
 * GPT-2 as Hugging Face {@code GPT2LMHeadModel} computes it: input {@code input_ids}, output the
 * logits (1, seq, vocab) of every position (prefill). Conv1D weights (in, out) go through
 * {@code nn.matmul}; the LM head reuses the token embedding (vocab, hidden) through {@code nn.dense}.
 */
final class Gpt2 {

  private Gpt2() {}

  static Function build(Gpt2Config c, Layers l) {
    int d = c.hidden();
    Var ids = l.tokenInput("input_ids");
    var wte = l.param("wte.weight", Init.WEIGHT, c.vocab(), d);
    Expr h = l.b.add(l.b.embedding(wte, ids), l.positions("wpe.weight", c.maxPositions(), d));
    for (int i = 0; i < c.layers(); i++) {
      h = block(c, l, i, h);
    }
    h = l.layerNorm(h, "ln_f", d, c.layerNormEps());
    Expr logits = l.b.dense(h, wte); // tied: lm_head.weight is wte.weight
    return l.function(logits, ids);
  }

  /** Pre-LN block: h = x + attn(LN(x)); out = h + MLP(LN(h)). */
  private static Expr block(Gpt2Config c, Layers l, int layer, Expr x) {
    int d = c.hidden();
    String p = "h." + layer;
    Expr h = l.b.add(x, attention(c, l, layer, p + ".attn", l.layerNorm(x, p + ".ln_1", d, c.layerNormEps())));
    Expr m = l.layerNorm(h, p + ".ln_2", d, c.layerNormEps());
    Expr mlp = l.conv1d(l.b.geluTanh(l.conv1d(m, p + ".mlp.c_fc", d, c.ffn())), p + ".mlp.c_proj", c.ffn(), d);
    return l.b.add(h, mlp);
  }

  private static Expr attention(Gpt2Config c, Layers l, int layer, String p, Expr x) {
    int d = c.hidden();
    List<Expr> qkv = l.b.unpack(l.b.split(l.conv1d(x, p + ".c_attn", d, 3 * d), 3, -1));
    Expr q = l.headsFirst(l.perHead(qkv.get(0), c.heads(), c.headDim()));
    Expr k = l.headsFirst(l.perHead(qkv.get(1), c.heads(), c.headDim()));
    Expr v = l.headsFirst(l.perHead(qkv.get(2), c.heads(), c.headDim()));
    Expr ctx = l.selfAttention(layer, q, k, v, c.heads(), c.headDim());
    return l.conv1d(l.mergeHeads(ctx, d), p + ".c_proj", d, d);
  }
}
