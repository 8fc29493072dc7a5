package org.pimllm.benchmarks.e2e;

import java.util.List;
import java.util.Objects;
import org.pimllm.passes.FloatGemms;
import org.pimllm.driver.Pipelines;
import org.pimllm.driver.CompileOptions;

/**
 * What an end-to-end benchmark run covers.
 *
 * @param models      zoo model names
 * @param seqs        sequence lengths (batch 1, prefill)
 * @param dpus        DPU budgets
 * @param variants    compile variants, in table order; {@code cpu-measured} ({@link MeasuredCpu}) is the cpu pipeline
 *                    run and timed on this machine instead of simulated
 * @param hw          hardware preset name or JSON path
 * @param functional  run with real data and check every output against the reference executor
 * @param measureHost also time the host kernels on this machine
 * @param floatGemms  where fp32 GEMMs may run (PIM: as each variant places them; HOST: only integer GEMMs on PIM)
 */
public record BenchConfig(List<String> models, List<Integer> seqs, List<Integer> dpus, List<String> variants, String hw,
                          boolean functional, boolean measureHost, FloatGemms floatGemms) {

    /** The paper's variants in the order of its Figure 13, the two CPU baselines first. */
    public static final List<String> ALL_VARIANTS = List.of("cpu", "cpu-peak", "naive", "base", "ts", "ts+adj",
            "ts+adj+qkv", "pimllm");

    /** The preset PIM-LLM was evaluated on (450 MHz DPUs, up to 2,048 used). */
    public static final String DEFAULT_HW = "upmem-2560-450";

    public BenchConfig {
        models = List.copyOf(models);
        seqs = List.copyOf(seqs);
        dpus = List.copyOf(dpus);
        variants = List.copyOf(variants);
        Objects.requireNonNull(hw, "hw");
        Objects.requireNonNull(floatGemms, "floatGemms");
        if (models.isEmpty() || seqs.isEmpty() || dpus.isEmpty() || variants.isEmpty()) {
            throw new IllegalArgumentException("the benchmark needs at least one model, sequence length, DPU count and variant");
        }
        for (String v : variants) {
            if (!v.equals(MeasuredCpu.VARIANT)) Pipelines.forVariant(v); // an unknown variant is an error listing the known ones
        }
        for (int s : seqs) if (s < 1) throw new IllegalArgumentException("sequence length must be >= 1, got " + s);
        for (int d : dpus) if (d < 1) throw new IllegalArgumentException("DPU count must be >= 1, got " + d);
    }

    /** Number of (model, seq, dpus, variant) runs. */
    public int runs() {
        return models.size() * seqs.size() * dpus.size() * variants.size();
    }
}
