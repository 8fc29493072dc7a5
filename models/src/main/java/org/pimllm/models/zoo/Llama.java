package org.pimllm.models.zoo;

import org.pimllm.ir.Expr;
import org.pimllm.ir.Function;
import org.pimllm.ir.Var;
import org.pimllm.ir.attrs.RopeAttrs;
import org.pimllm.models.zoo.WeightSource.Init;

/**
 * LLaMA as Hugging Face {@code LlamaForCausalLM} computes it: input {@code input_ids}, output the
 * logits (1, seq, vocab) of every position (prefill). nn.Linear weights (out, in) through
 * {@code nn.dense}; RoPE in the half-rotation layout of Hugging Face checkpoints.
 */
final class Llama {

  private Llama() {}

  static Function build(LlamaConfig c, Layers l) {
    int d = c.hidden();
    Var ids = l.tokenInput("input_ids");
    Expr h = l.embedding("model.embed_tokens.weight", c.vocab(), d, ids);
    for (int i = 0; i < c.layers(); i++) {
      h = decoderLayer(c, l, i, h);
    }
    h = l.rmsNorm(h, "model.norm.weight", d, c.rmsNormEps());
    Expr logits = l.b.dense(h, l.param("lm_head.weight", Init.WEIGHT, c.vocab(), d));
    return l.function(logits, ids);
  }

  /** h = x + attn(RMSNorm(x)); out = h + SwiGLU(RMSNorm(h)). */
  private static Expr decoderLayer(LlamaConfig c, Layers l, int layer, Expr x) {
    int d = c.hidden();
    String p = "model.layers." + layer;
    Expr h = l.b.add(x, attention(c, l, layer, p + ".self_attn", l.rmsNorm(x, p + ".input_layernorm.weight", d, c.rmsNormEps())));
    Expr m = l.rmsNorm(h, p + ".post_attention_layernorm.weight", d, c.rmsNormEps());
    return l.b.add(h, mlp(c, l, p + ".mlp", m));
  }

  private static Expr attention(LlamaConfig c, Layers l, int layer, String p, Expr x) {
    int d = c.hidden();
    // the graph's first token sits at position l.past (the cached tokens come before it)
    RopeAttrs rope = new RopeAttrs(c.ropeTheta(), l.past, -3, RopeAttrs.Style.HALF, null);
    Expr q = l.headsFirst(l.b.rotaryEmbedding(l.perHead(l.linear(x, p + ".q_proj", d, d, false), c.heads(), c.headDim()), rope));
    Expr k = l.headsFirst(l.b.rotaryEmbedding(l.perHead(l.linear(x, p + ".k_proj", d, d, false), c.heads(), c.headDim()), rope));
    Expr v = l.headsFirst(l.perHead(l.linear(x, p + ".v_proj", d, d, false), c.heads(), c.headDim()));
    Expr ctx = l.selfAttention(layer, q, k, v, c.heads(), c.headDim());
    return l.linear(l.mergeHeads(ctx, d), p + ".o_proj", d, d, false);
  }

  /** SwiGLU: down(silu(gate(x)) * up(x)). */
  private static Expr mlp(LlamaConfig c, Layers l, String p, Expr x) {
    int d = c.hidden();
    Expr gate = l.b.silu(l.linear(x, p + ".gate_proj", d, c.ffn(), false));
    Expr up = l.linear(x, p + ".up_proj", d, c.ffn(), false);
    return l.linear(l.b.multiply(gate, up), p + ".down_proj", c.ffn(), d, false);
  }
}
