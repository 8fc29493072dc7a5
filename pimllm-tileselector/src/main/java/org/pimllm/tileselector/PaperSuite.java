package org.pimllm.tileselector;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.GemmShape;

/**
 * The built-in suite of GEMM cases drawn from the PIM-LLM paper's models (batch 1, int8): for each model the
 * attention projection (hidden x hidden), the FFN up and down projections, and the attention-score batched
 * matmul (heads x seq x headDim x seq), at sequence lengths 128 and 512, on 256, 512, 1,024 and 2,048 DPUs
 * (the DPU count cycles over the cases so every model meets every budget).
 */
public final class PaperSuite {
  private PaperSuite() {}

  /** One case: a name, the GEMM, its dtype and DPU budget. */
  public record Case(String name, GemmShape shape, GemmDType dtype, int dpus) {}

  private record Model(String name, int hidden, int heads, int ffn) {}

  // Published configurations (docs/tileselector.md; /work/shared/reference/PIM-LLM-PAPER.md "Model shapes").
  private static final List<Model> MODELS = List.of(
      new Model("bert-tiny", 128, 2, 512),
      new Model("bert-mini", 256, 4, 1024),
      new Model("bert-small", 512, 8, 2048),
      new Model("bert-base", 768, 12, 3072),
      new Model("bert-large", 1024, 16, 4096),
      new Model("gpt2", 768, 12, 3072),
      new Model("llama-3b", 3200, 32, 8640),
      new Model("llama-7b", 4096, 32, 11008));

  static final int[] SEQS = {128, 512};
  static final int[] DPUS = {256, 512, 1024, 2048};

  /** The cases, in a fixed order (64 of them). */
  public static List<Case> cases() {
    List<Case> out = new ArrayList<>();
    int i = 0;
    for (Model m : MODELS) {
      for (int seq : SEQS) {
        int headDim = m.hidden() / m.heads();
        String base = m.name() + " seq" + seq + " ";
        // GPT-2's attention projection is the fused QKV (hidden -> 3 hidden).
        int projN = m.name().startsWith("gpt2") ? 3 * m.hidden() : m.hidden();
        out.add(new Case(base + (projN == m.hidden() ? "attn-proj" : "qkv"), GemmShape.of(1, seq, m.hidden(), projN),
            GemmDType.INT8, DPUS[i++ % DPUS.length]));
        out.add(new Case(base + "ffn-up", GemmShape.of(1, seq, m.hidden(), m.ffn()), GemmDType.INT8, DPUS[i++ % DPUS.length]));
        out.add(new Case(base + "ffn-down", GemmShape.of(1, seq, m.ffn(), m.hidden()), GemmDType.INT8, DPUS[i++ % DPUS.length]));
        out.add(new Case(base + "attn-scores", GemmShape.of(m.heads(), seq, headDim, seq), GemmDType.INT8,
            DPUS[i++ % DPUS.length]));
      }
      i++; // shift the DPU cycle so each model's kinds meet other budgets
    }
    return out;
  }

  /**
   * Random GEMMs not drawn from the paper's models, to check the selector off-suite: log-uniform M in
   * [1, 1024], K and N in [16, 8192], a batch of 2..32 in one case of five (with K, N up to 512, like
   * attention), DPU budgets log-uniform in [64, 2048]; seeded, so a run is repeatable.
   */
  public static List<Case> random(long seed, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("a random suite needs at least 1 case, got " + count);
    }
    Random r = new Random(seed);
    List<Case> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      boolean batched = r.nextInt(5) == 0;
      int b = batched ? 2 + r.nextInt(31) : 1;
      int m = logUniform(r, 1, 1024);
      int k = logUniform(r, 16, batched ? 512 : 8192);
      int n = logUniform(r, 16, batched ? 512 : 8192);
      int dpus = logUniform(r, 64, 2048);
      out.add(new Case("random-" + i, GemmShape.of(b, m, k, n), GemmDType.INT8, dpus));
    }
    return out;
  }

  private static int logUniform(Random r, int lo, int hi) {
    return (int) Math.round(Math.exp(Math.log(lo) + r.nextDouble() * (Math.log(hi) - Math.log(lo))));
  }
}
