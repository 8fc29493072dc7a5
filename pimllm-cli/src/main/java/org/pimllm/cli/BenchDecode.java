package org.pimllm.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pimllm.driver.CompileOptions;
import org.pimllm.driver.Generator;
import org.pimllm.driver.Pipelines;
import org.pimllm.models.zoo.ModelConfig;
import org.pimllm.models.zoo.ModelZoo;
import org.pimllm.target.Target;

/**
 * {@code pimllm bench --phase decode}: token generation of the bench's decoder models through {@link Generator}'s
 * timing path (the one {@code pimllm generate} uses): for each model, --seq (the prompt length), --dpus and variant,
 * a TIMING_ONLY run of --tokens new tokens. Bench's options map as: --seq is the prompt length, --dpus the DPU budget,
 * --hw the preset, --variants the variant whose prefill runs and whose decode step runs as {@link Generator#decodeVariant}
 * ({@code pimllm} decodes as the full system {@code +host}: resident weights, asynchronous calls, fusion, the tuned
 * host; every other variant as itself). Encoders are
 * skipped with a note. Records are {@link GenerateCommand#record}'s, the same as {@code generate --json}.
 */
final class BenchDecode {

    /** Variants of a decode run when --variants is not given: the CPU baselines and the full system. */
    static final List<String> DEFAULT_VARIANTS = List.of("cpu", "cpu-peak", "pimllm");

    private BenchDecode() {
    }

    /** The models that generate tokens (decoders); encoders are named in a note on {@code out}. */
    static List<ModelConfig> decoders(PrintWriter out, List<String> models) {
        List<ModelConfig> decoders = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (String m : models) {
            ModelConfig c = ModelZoo.get(m);
            if (c.family() == ModelConfig.Family.BERT) skipped.add(c.name());
            else decoders.add(c);
        }
        if (!skipped.isEmpty()) {
            out.println("note: decode skips " + String.join(", ", skipped) + " (encoders: no token generation)");
        }
        return decoders;
    }

    /** Checks what can be checked before any run: variants, prompt lengths against each model's positions. */
    static void validate(List<ModelConfig> decoders, List<Integer> seqs, List<String> variants, int tokens, int samples) {
        if (tokens < 1) throw new IllegalArgumentException("--tokens must be at least 1, got " + tokens);
        if (samples < 2) throw new IllegalArgumentException("--timing-samples must be at least 2, got " + samples);
        for (String v : variants) {
            if (!Pipelines.VARIANTS.contains(v)) {
                throw new IllegalArgumentException("unknown variant '" + v + "'; known variants: " + String.join(", ", Pipelines.VARIANTS));
            }
        }
        for (ModelConfig c : decoders) {
            for (int s : seqs) {
                if (s < 1) throw new IllegalArgumentException("--seq must be at least 1, got " + s);
                GenerateCommand.checkPositions(c, "--seq", s, tokens);
            }
        }
    }

    /** Runs every (model, prompt length, DPUs, variant), prints the table and returns the records. */
    static List<Map<String, Object>> run(PrintWriter out, List<ModelConfig> decoders, List<Integer> seqs, List<Integer> dpus,
                                         List<String> variants, String hw, int tokens, int samples,
                                         CompileOptions.Precision precision) {
        List<Map<String, Object>> records = new ArrayList<>();
        if (decoders.isEmpty()) {
            out.println("decode: no decoder model to run");
            return records;
        }
        out.printf(Locale.ROOT, "%nDecode: %d new tokens per prompt (1 from the prefill, the rest decode steps timed at %d cache"
                + " lengths and interpolated), greedy, %s weights, int8 activations, preset %s; every time is simulated.%n", tokens, samples,
                precision.weightsName(), hw);
        out.printf(Locale.ROOT, "%-12s %6s %6s %-10s %-11s %12s %10s %9s %8s %8s  %s%n", "model", "prompt", "dpus", "variant",
                "decodes as", "TTFT ms", "ms/token", "tokens/s", "vs cpu", "vs peak", "KV cache");
        for (ModelConfig c : decoders) {
            Generator.Graphs graphs = GenerateCommand.graphs(c);
            for (int s : seqs) {
                for (int d : dpus) {
                    Target target = Target.of(hw, d);
                    Map<String, Generator.Result> byVariant = new LinkedHashMap<>();
                    for (String v : variants) {
                        byVariant.put(v, new Generator(graphs, target, CompileOptions.variant(v).withPrecision(precision)).simulate(s, tokens, samples));
                    }
                    Generator.Result cpu = byVariant.get("cpu");
                    Generator.Result peak = byVariant.get("cpu-peak");
                    byVariant.forEach((v, r) -> {
                        out.printf(Locale.ROOT, "%-12s %6d %6d %-10s %-11s %12.3f %10.3f %9.2f %8s %8s  %s%n", c.name(), s, d, v,
                                Generator.decodeVariant(v), r.ttftSeconds() * 1e3, r.secondsPerToken() * 1e3, r.tokensPerSecond(),
                                GenerateCommand.speedup(cpu, r), GenerateCommand.speedup(peak, r), GenerateCommand.kvSummary(r));
                        records.add(GenerateCommand.record(c.name(), v, d, hw, precision.weightsName(), r));
                    });
                }
            }
        }
        out.println("vs cpu / vs peak: decode speedup (ms per token of the baseline over this variant's).");
        return records;
    }

}
