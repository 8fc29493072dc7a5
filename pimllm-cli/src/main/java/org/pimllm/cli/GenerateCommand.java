package org.pimllm.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pimllm.driver.CompileOptions;
import org.pimllm.driver.Generator;
import org.pimllm.driver.Pipelines;
import org.pimllm.ir.IRModule;
import org.pimllm.models.zoo.Gpt2Config;
import org.pimllm.models.zoo.LlamaConfig;
import org.pimllm.models.zoo.ModelConfig;
import org.pimllm.models.zoo.ModelZoo;
import org.pimllm.models.zoo.WeightSource;
import org.pimllm.target.Target;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pimllm generate}: token generation (prefill, then greedy decode steps with a KV cache on the host) on the
 * simulated machine: time to first token, ms per output token and tokens/s per variant, with speedups over cpu
 * and cpu-peak.
 */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Token generation: prefill --prompt-len tokens, then greedy decode steps with a KV cache (kept on the"
        + " host) until --tokens new tokens; simulated time to first token (the prefill), ms per output token (mean"
        + " decode step) and tokens/s per variant, with speedups over cpu and cpu-peak.",
        "pimllm decodes with its weights resident in the DPUs' MRAM (pimllm+res; placed once, reported apart); static"
            + " quantization (int8 activations; int8 or --weights int4 weights); synthetic weights (nothing materialized in timing runs).",
        "--functional (small models: --layers, or llama-tiny / gpt2-tiny): generate real tokens and check each step's"
            + " logits against a full-sequence run without cache (int8: bit-exact)."})
public final class GenerateCommand implements Callable<Integer> {

  /** Test-size decoders for --functional (not zoo models): the FUNCTIONAL tests' shapes. */
  static final Map<String, ModelConfig> TINY = Map.of(
      "llama-tiny", LlamaConfig.tiny(2, 128, 4, 344, 512),
      "gpt2-tiny", new Gpt2Config("gpt2-tiny", 2, 128, 4, 512, 512, 256, 1e-5));

  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, description = "A decoder of the zoo (gpt2*, llama-*), or llama-tiny / gpt2-tiny (2 layers, hidden 128).")
  String model;
  @Option(names = "--layers", description = "Use only this many transformer layers (e.g. 2 for a functional check).")
  Integer layers;
  @Option(names = {"--prompt-len", "--seq"}, defaultValue = "128", description = "Prompt tokens, the sequence length of the prefill (--seq as in bench and compile; default ${DEFAULT-VALUE}).")
  int promptLen;
  @Option(names = "--tokens", defaultValue = "64", description = "New tokens to generate: 1 from the prefill, the rest from decode steps (default ${DEFAULT-VALUE}).")
  int tokens;
  @Option(names = {"--variants", "--variant"}, split = ",", defaultValue = "cpu,cpu-peak,pimllm", description = "Variants (default ${DEFAULT-VALUE}).")
  List<String> variants;
  @Option(names = "--dpus", defaultValue = "2048", description = "DPU budget (default ${DEFAULT-VALUE}).")
  int dpus;
  @Option(names = "--hw", defaultValue = "upmem-2560-450", description = "Hardware preset name or JSON file (default ${DEFAULT-VALUE}).")
  String hw;
  @Option(names = "--timing-samples", defaultValue = "3", description = "Cache lengths at which a decode step is compiled"
      + " and timed; the other steps are interpolated linearly (exact when tokens - 1 <= this; default ${DEFAULT-VALUE}).")
  int timingSamples;
  @Option(names = "--weights", defaultValue = "int8", description = "Weight precision: int8, or int4 (int4 weights of the"
      + " dense layers with an integer multiplier per group of 128 K elements; int4-g64, int4-g32 for smaller groups);"
      + " activations int8 (default ${DEFAULT-VALUE}).")
  String weights;
  @Option(names = "--disable-pass", split = ",", paramLabel = "NAME", description = "Switch off a pass of every variant's pipeline by name (repeatable),"
      + " e.g. PartitionCpuPim to keep every GEMM PGEMMlib can run on the DPUs.")
  List<String> disabledPasses = new ArrayList<>();
  @Option(names = "--functional", description = "Generate real tokens (FUNCTIONAL mode, small models only) and check them against full-sequence runs.")
  boolean functional;
  @Option(names = "--seed", defaultValue = "7", description = "Seed of the random prompt (default ${DEFAULT-VALUE}).")
  long seed;
  @Option(names = "--json", description = "Print a JSON list of records instead of text.")
  boolean json;
  @Option(names = "--plot", paramLabel = "FILE.png", description = "Write a bar chart (PNG) of decode and prefill tokens/s"
      + " per variant, the cpu and cpu-peak baselines beside the PIM variants.")
  java.nio.file.Path plot;
  @Option(names = "--trace", paramLabel = "FILE", description = "Write a Chrome trace-event JSON of the prefill and the"
      + " first decode step per variant (open in Perfetto).")
  java.nio.file.Path trace;
  @Option(names = "--no-progress", description = "Do not show the progress bar (it is off anyway when the output is not a terminal).")
  boolean noProgress;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    ModelConfig cfg = config();
    positive("--prompt-len", promptLen);
    positive("--tokens", tokens);
    positive("--dpus", dpus);
    if ((long) promptLen + tokens - 1 > cfg.maxPositions()) { // long: two large ints must not wrap past the check
      throw new IllegalArgumentException("--prompt-len " + promptLen + " + --tokens " + tokens + " needs " + ((long) promptLen + tokens - 1)
          + " positions but " + cfg.name() + " has " + cfg.maxPositions());
    }
    for (String v : variants) {
      if (!Pipelines.VARIANTS.contains(v)) {
        throw new IllegalArgumentException("unknown variant '" + v + "'; known variants: " + String.join(", ", Pipelines.VARIANTS));
      }
    }
    if (functional) {
      checkFunctionalSize(cfg);
    }
    CompileOptions.Precision precision = CompileOptions.Precision.ofWeights(weights);
    java.util.function.Function<String, CompileOptions> options = v -> CompileOptions.variant(v).withPrecision(precision)
        .disable(disabledPasses.toArray(String[]::new));
    Target target = Target.of(hw, dpus);
    if (plot != null && !plot.toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
      throw new IllegalArgumentException("--plot writes a PNG image; give a file name ending in .png, got " + plot);
    }
    BenchCommand.checkWritable(plot, "--plot"); // before the run, not after it
    BenchCommand.checkWritable(trace, "--trace");
    Generator.Graphs graphs = graphs(cfg);
    int[] prompt = ModelZoo.sampleInputs(cfg, promptLen, seed).get("input_ids").ints();
    Map<String, Generator.Result> results = new LinkedHashMap<>();
    // one step per graph the Generator builds (each is compiled and run or simulated next), and one for the trace
    int graphsPerVariant = functional ? 1 + (tokens - 1) + tokens : 1 + Math.min(tokens - 1, timingSamples);
    try (Progress progress = Progress.of("generate", variants.size() * graphsPerVariant + (trace != null ? 1 : 0),
        noProgress)) {
      for (String v : variants) {
        Generator g = new Generator(progress.counting(graphs, v), target, options.apply(v));
        results.put(v, functional ? g.generate(prompt, tokens, true, 0.0) : g.simulate(promptLen, tokens, timingSamples));
      }
      if (trace != null) {
        progress.message("trace");
        GenerateOutputs.writeTrace(trace, graphs, target, variants, options, promptLen, cfg.name());
        progress.step();
      }
    }
    if (json) {
      out.println(HwCommand.JSON.writeValueAsString(records(cfg, results)));
    } else {
      print(out, cfg, results);
    }
    if (plot != null) {
      GenerateOutputs.writePlot(plot, String.format(Locale.ROOT, "%s: prompt %d, %d new tokens, %d DPUs of %s (simulated by"
          + " pimllm generate)", cfg.name(), promptLen, tokens, dpus, hw), results);
    }
    List<String> written = new ArrayList<>();
    if (trace != null) written.add(trace.toString());
    if (plot != null) written.add(plot.toString());
    if (!written.isEmpty() && !json) out.println("wrote " + String.join(", ", written));
    return 0;
  }

  private ModelConfig config() {
    ModelConfig c = TINY.containsKey(model.toLowerCase(Locale.ROOT)) ? TINY.get(model.toLowerCase(Locale.ROOT)) : ModelZoo.get(model);
    if (c.family() == ModelConfig.Family.BERT) {
      throw new IllegalArgumentException(c.name() + " is an encoder (BERT): generate needs a decoder (gpt2*, llama-*)");
    }
    return CompileCommand.withLayers(c, layers); // 1 .. the model's layers, as compile and models check
  }

  /**
   * --functional runs real weights through the reference and the simulated DPUs: refuse a model over bench
   * --functional's weight limit at once (llama-7b ran for minutes into a 4.5 GB heap before failing).
   */
  private static void checkFunctionalSize(ModelConfig c) {
    long weights = ModelZoo.stats(ModelZoo.build(c, 1)).int8WeightBytes();
    long limit = org.pimllm.benchmarks.e2e.EndToEnd.FUNCTIONAL_WEIGHT_LIMIT_BYTES;
    if (weights > limit) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "--functional generates with real weights: %s has"
          + " %.0f MiB of int8 weights, more than the %d MiB this check allows (as bench --functional); use llama-tiny,"
          + " gpt2-tiny, --layers to shorten the model, or drop --functional", c.name(), weights / 1048576.0,
          limit >> 20));
    }
  }

  static Generator.Graphs graphs(ModelConfig c) {
    WeightSource w = WeightSource.synthetic(0);
    return new Generator.Graphs() {
      @Override
      public IRModule prefill(int seq) {
        return ModelZoo.buildPrefill(c, seq, w);
      }

      @Override
      public IRModule decode(int past) {
        return ModelZoo.buildDecode(c, past, w);
      }

      @Override
      public IRModule full(int seq) {
        return ModelZoo.build(c, seq, w);
      }
    };
  }

  private List<Map<String, Object>> records(ModelConfig cfg, Map<String, Generator.Result> results) {
    List<Map<String, Object>> list = new ArrayList<>();
    results.forEach((v, r) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("model", cfg.name());
      m.put("variant", v);
      m.put("decodeVariant", Generator.decodeVariant(v));
      m.put("weights", CompileOptions.Precision.ofWeights(weights).weightsName());
      m.put("dpus", dpus);
      m.put("hw", hw);
      m.put("promptLen", promptLen);
      m.put("tokens", tokens);
      m.put("ttftMs", r.ttftSeconds() * 1e3);
      m.put("msPerToken", r.secondsPerToken() * 1e3);
      m.put("tokensPerSecond", r.tokensPerSecond());
      m.put("oneTimeMs", r.oneTimeSeconds() * 1e3);
      m.put("decodePimGemms", r.decodePimGemms());
      if (functional) {
        m.put("generated", r.generated());
        m.put("matchesReference", r.matchesReference());
      }
      list.add(m);
    });
    return list;
  }

  private void print(PrintWriter out, ModelConfig cfg, Map<String, Generator.Result> results) {
    out.printf(Locale.ROOT, "%s, prompt %d tokens, %d new tokens, %d DPUs of %s, %s weights, int8 activations, KV cache on the host%n",
        cfg.name(), promptLen, tokens, dpus, hw, CompileOptions.Precision.ofWeights(weights).weightsName());
    out.printf(Locale.ROOT, "%-12s %-12s %12s %12s %10s %12s %10s %10s%n", "variant", "decodes as", "TTFT ms", "ms/token",
        "tokens/s", "one-time ms", "vs cpu", "vs peak");
    Generator.Result cpu = results.get("cpu");
    Generator.Result peak = results.get("cpu-peak");
    results.forEach((v, r) -> out.printf(Locale.ROOT, "%-12s %-12s %12.3f %12.3f %10.2f %12.1f %10s %10s%n", v,
        Generator.decodeVariant(v), r.ttftSeconds() * 1e3, r.secondsPerToken() * 1e3, r.tokensPerSecond(),
        r.oneTimeSeconds() * 1e3, speedup(cpu, r), speedup(peak, r)));
    out.println("vs cpu / vs peak: decode speedup (ms per token of the baseline over this variant's).");
    if (functional) {
      results.forEach((v, r) -> out.printf(Locale.ROOT, "%-12s tokens %s: %s%n", v, r.generated(),
          r.matchesReference() ? "match the full-sequence reference (bit-exact logits)" : "DIFFER from the full-sequence reference"));
    } else {
      out.printf(Locale.ROOT, "Decode steps timed at %d cache lengths and interpolated linearly; every time is simulated.%n",
          Math.min(timingSamples, Math.max(tokens - 1, 0)));
    }
  }

  private static String speedup(Generator.Result base, Generator.Result r) {
    if (base == null || r.secondsPerToken() == 0) return "-";
    return String.format(Locale.ROOT, "%.2fx", base.secondsPerToken() / r.secondsPerToken());
  }

  private static void positive(String option, int value) {
    if (value < 1) throw new IllegalArgumentException(option + " must be at least 1, got " + value);
  }
}
