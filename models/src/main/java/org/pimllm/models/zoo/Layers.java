package org.pimllm.models.zoo;

import org.pimllm.ir.Builder;
import org.pimllm.ir.Constant;
import org.pimllm.ir.DType;
import org.pimllm.ir.Expr;
import org.pimllm.ir.TensorType;
import org.pimllm.ir.Var;
import org.pimllm.models.zoo.WeightSource.Init;

/**
 * The pieces every zoo model is written with, for batch 1 and a fixed sequence length:
 * activations are (1, seq, hidden), attention runs per head on (heads, seq, head_dim).
 * Parameters are asked of the {@link WeightSource} by their Hugging Face names.
 */
final class Layers {

  final Builder b = new Builder();
  final WeightSource weights;
  /** New tokens in this graph: the prompt length (prefill) or 1 (a decode step). */
  final int seq;
  /** Tokens already in the KV cache before this graph's tokens (0 for a plain or prefill graph). */
  final int past;
  /** True if attention layers read past K/V inputs and return their new K/V rows ({@link #presents}). */
  final boolean kvCache;
  /** Past K and V inputs of a decode graph, in layer order (k0, v0, k1, v1, ...). */
  final java.util.List<Var> pastInputs = new java.util.ArrayList<>();
  /** The K and V of this graph's tokens per layer (k0, v0, k1, ...), each (heads, seq, head_dim). */
  final java.util.List<Expr> presents = new java.util.ArrayList<>();

  Layers(WeightSource weights, int seq) {
    this(weights, seq, 0, false);
  }

  Layers(WeightSource weights, int seq, int past, boolean kvCache) {
    this.weights = weights;
    this.seq = seq;
    this.past = past;
    this.kvCache = kvCache;
  }

  /**
   * Self-attention of one decoder layer on (heads, seq, hd) q, k, v of this graph's tokens: causal over this
   * graph's tokens; with a KV cache also over {@code past} cached positions (past K/V inputs of this layer,
   * {@code past_key_<layer>} and {@code past_value_<layer>}), and k, v recorded as the layer's presents.
   * Returns the context (heads, seq, hd).
   */
  Expr selfAttention(int layer, Expr q, Expr k, Expr v, int heads, int headDim) {
    if (kvCache) {
      presents.add(k);
      presents.add(v);
    }
    if (past > 0) {
      Var pk = b.var("past_key_" + layer, DType.FP32, heads, past, headDim);
      Var pv = b.var("past_value_" + layer, DType.FP32, heads, past, headDim);
      pastInputs.add(pk);
      pastInputs.add(pv);
      k = b.concatenate(1, pk, k);
      v = b.concatenate(1, pv, v);
    }
    Expr scores = attentionScores(q, k, headDim);
    // one new token sees every cached position: no mask; several new tokens on a cache are not built here
    Expr probs = b.softmax(past > 0 ? scores : b.causalMask(scores), -1);
    return attentionContext(probs, v);
  }

  /** The graph's function: {@code out} alone, or (out, presents...) with ids then the past inputs as parameters. */
  org.pimllm.ir.Function function(Expr out, Var ids) {
    if (!kvCache) return b.function(out, ids);
    java.util.List<Expr> fields = new java.util.ArrayList<>();
    fields.add(out);
    fields.addAll(presents);
    java.util.List<Var> params = new java.util.ArrayList<>();
    params.add(ids);
    params.addAll(pastInputs);
    return b.function(params, new org.pimllm.ir.Tuple(fields));
  }

  Var tokenInput(String name) {
    return b.var(name, DType.INT32, 1, seq);
  }

  Constant param(String name, Init init, int... shape) {
    return weights.parameter(name, TensorType.of(DType.FP32, shape), init);
  }

  /** Rows of an embedding table {@code name} (rows, dim) picked by {@code ids} (1, seq): (1, seq, dim). */
  Expr embedding(String name, int rows, int dim, Expr ids) {
    return b.embedding(param(name, Init.WEIGHT, rows, dim), ids);
  }

  /** Rows past..past+seq of a learned position table (maxPositions, dim): (seq, dim). */
  Expr positions(String name, int maxPositions, int dim) {
    return b.slice(param(name, Init.WEIGHT, maxPositions, dim), 0, past, past + seq);
  }

  /** PyTorch nn.Linear: y = x W^T (+ b), W stored (out, in), through {@code nn.dense}. */
  Expr linear(Expr x, String prefix, int in, int out, boolean bias) {
    Expr y = b.dense(x, param(prefix + ".weight", Init.WEIGHT, out, in));
    return bias ? b.add(y, param(prefix + ".bias", Init.BIAS, out)) : y;
  }

  /** GPT-2's Conv1D: y = x W + b, W stored (in, out), through {@code nn.matmul}. */
  Expr conv1d(Expr x, String prefix, int in, int out) {
    Expr y = b.matmul(x, param(prefix + ".weight", Init.WEIGHT, in, out));
    return b.add(y, param(prefix + ".bias", Init.BIAS, out));
  }

  /** Layer norm over the last axis with {@code prefix.weight} (scale) and {@code prefix.bias} (shift). */
  Expr layerNorm(Expr x, String prefix, int dim, double eps) {
    return b.layerNorm(x, param(prefix + ".weight", Init.SCALE, dim), param(prefix + ".bias", Init.BIAS, dim), eps);
  }

  /** RMS norm over the last axis with the scale {@code name}. */
  Expr rmsNorm(Expr x, String name, int dim, double eps) {
    return b.rmsNorm(x, param(name, Init.SCALE, dim), eps);
  }

  /** (1, seq, heads * hd) -> (seq, heads, hd): the layout RoPE works on. */
  Expr perHead(Expr x, int heads, int headDim) {
    return b.reshape(x, seq, heads, headDim);
  }

  /** (seq, heads, hd) -> (heads, seq, hd): one attention problem per head. */
  Expr headsFirst(Expr x) {
    return b.transpose(x, 1, 0, 2);
  }

  /** (heads, seq, hd) -> (1, seq, heads * hd). */
  Expr mergeHeads(Expr ctx, int hidden) {
    return b.reshape(b.transpose(ctx, 1, 0, 2), 1, seq, hidden);
  }

  /** q k^T / sqrt(head_dim) per head: (heads, seq, seq). */
  Expr attentionScores(Expr q, Expr k, int headDim) {
    return b.divide(b.batchMatmul(q, k), b.scalar((float) Math.sqrt(headDim)));
  }

  /** probs v per head: (heads, seq, hd). */
  Expr attentionContext(Expr probs, Expr v) {
    return b.batchMatmul(probs, v, false, false);
  }
}
