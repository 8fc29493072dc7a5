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
import org.pimllm.driver.Roofline;
import org.pimllm.ir.IRModule;
import org.pimllm.passes.KvCachePlacement;
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
 * {@code pimllm generate}: token generation (prefill, then greedy decode steps with a KV cache on the host or in MRAM) on the
 * simulated machine: time to first token, ms per output token and tokens/s per variant, with speedups over cpu
 * and cpu-peak.
 */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Token generation: prefill --prompt-len tokens, then greedy decode steps with a KV cache (on the host"
        + " or in the DPUs' MRAM, --kv-cache) until --tokens new tokens; simulated time to first token (the prefill), ms per output token (mean"
        + " decode step) and tokens/s per variant, with speedups over cpu and cpu-peak.",
        "pimllm decodes as the full system (+host: weights resident in the DPUs' MRAM, placed once and reported apart;"
            + " calls asynchronous per rank; sibling fusion; host ops at the tuned profile); the decode ablation's steps"
            + " pim-percall, +resident, +async, +fusion, +host prefill as pimllm. static quantization (int8 activations; int8 or --weights int4 weights); synthetic"
            + " weights (nothing materialized in timing runs). Per variant: the roofline of a token (from the preset),"
            + " the mean step's time by bound and what bounds it.",
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
  @Option(names = {"--variants", "--variant"}, split = ",", defaultValue = "cpu,cpu-peak,pimllm", description = "Variants (default"
      + " ${DEFAULT-VALUE}); the decode ablation's steps: pim-percall, +resident, +async, +fusion, +host (= pimllm's decode).")
  List<String> variants;
  @Option(names = "--dpus", defaultValue = "2048", description = "DPU budget (default ${DEFAULT-VALUE}).")
  int dpus;
  @Option(names = "--hw", defaultValue = "upmem-2560-450", description = "Hardware preset name or JSON file (default ${DEFAULT-VALUE}).")
  String hw;
  @Option(names = "--timing-samples", defaultValue = "3", description = "Cache lengths at which a decode step is compiled"
      + " and timed; the other steps are interpolated linearly (exact when tokens - 1 <= this; default ${DEFAULT-VALUE}).")
  int timingSamples;
  @picocli.CommandLine.Mixin WeightsOption weights;
  @Option(names = "--disable-pass", split = ",", paramLabel = "NAME", description = "Switch a pass off in every"
      + " variant's prefill and decode step (repeatable or comma-separated), e.g. PartitionCpuPim to keep every GEMM"
      + " PGEMMlib can run on the DPUs.")
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
  @Option(names = "--kv-cache", defaultValue = "auto", description = "Where the KV caches of pimllm's decode steps live:"
      + " host (the cache is an input of each step), mram (kept in the DPUs' MRAM across steps; each step appends its row"
      + " and runs attention's GEMVs on the DPUs), auto (the cheaper by the placement's cost model; default ${DEFAULT-VALUE}).")
  String kvCache;
  @Option(names = "--prefill-weights", defaultValue = "resident", description = "pimllm's prefill: resident (uses the decode"
      + " steps' resident weights, one copy placed once, plans cutting B as the decode plans do) or pushed (sends its"
      + " weights with every call, as the paper's prefill; default ${DEFAULT-VALUE}).")
  String prefillWeights;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    ModelConfig cfg = config();
    positive("--prompt-len", promptLen);
    positive("--tokens", tokens);
    positive("--dpus", dpus);
    checkPositions(cfg, "--prompt-len", promptLen, tokens);
    for (String v : variants) {
      if (!Pipelines.VARIANTS.contains(v) && !Pipelines.DECODE_ABLATION.contains(v)) {
        throw new IllegalArgumentException("unknown variant '" + v + "'; known variants: " + String.join(", ", Pipelines.VARIANTS)
            + "; decode ablation: " + String.join(", ", Pipelines.DECODE_ABLATION));
      }
    }
    if (functional) {
      checkFunctionalSize(cfg);
    }
    CompileOptions.Precision precision = weights.precision();
    java.util.function.Function<String, CompileOptions> options = v -> CompileOptions.variant(v).withPrecision(precision)
        .disable(disabledPasses.toArray(String[]::new));
    KvCachePlacement.Mode kv = KvCachePlacement.Mode.parse(kvCache);
    if (!prefillWeights.equals("resident") && !prefillWeights.equals("pushed")) {
      throw new IllegalArgumentException("--prefill-weights must be resident or pushed, got '" + prefillWeights + "'");
    }
    Target target = Target.of(hw, dpus);
    BenchCommand.checkPng(plot);
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
        Generator g = new Generator(progress.counting(graphs, v), target, options.apply(v), kv)
            .withSharedResidency(prefillWeights.equals("resident"));
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
      Map<String, Object> m = record(cfg.name(), v, dpus, hw, weights.precision().weightsName(), r);
      if (functional) {
        m.put("generated", r.generated());
        m.put("matchesReference", r.matchesReference());
      }
      list.add(m);
    });
    return list;
  }

  /**
   * One generation record, the JSON of {@code generate} and of {@code bench --phase decode} alike (one place, so a
   * field added here appears in both): model, variant, decode variant, weights, DPUs, preset, prompt length, tokens,
   * TTFT, ms per token, tokens/s, one-time placement, the step's PIM GEMMs and the KV cache's placement.
   */
  static Map<String, Object> record(String model, String variant, int dpus, String hw, String weights, Generator.Result r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", model);
    m.put("variant", variant);
    m.put("prefillVariant", Generator.prefillVariant(variant));
    m.put("decodeVariant", Generator.decodeVariant(variant));
    m.put("weights", weights);
    m.put("dpus", dpus);
    m.put("hw", hw);
    m.put("promptLen", r.promptLen());
    m.put("tokens", r.tokens());
    m.put("ttftMs", r.ttftSeconds() * 1e3);
    m.put("msPerToken", r.secondsPerToken() * 1e3);
    m.put("tokensPerSecond", r.tokensPerSecond());
    m.put("oneTimeMs", r.oneTimeSeconds() * 1e3);
    m.put("decodePimGemms", r.decodePimGemms());
    m.put("kvCache", kvSummary(r));
    m.put("kvPlacementMs", r.kvPlacementSeconds() * 1e3);
    if (r.kvNote() != null) m.put("kvNote", r.kvNote());
    if (r.roofline() != null) {
      m.put("rooflineMsPerToken", r.roofline().seconds() * 1e3);
      m.put("bound", r.bound().key());
      Map<String, Object> roof = new LinkedHashMap<>();
      roof.put("computeMs", r.roofline().computeSeconds() * 1e3);
      roof.put("mramMs", r.roofline().mramSeconds() * 1e3);
      roof.put("transferMs", r.roofline().transferSeconds() * 1e3);
      roof.put("hostMs", r.roofline().hostSeconds() * 1e3);
      m.put("roofline", roof);
      Map<String, Object> step = new LinkedHashMap<>();
      r.stepBreakdown().forEach((c, secs) -> step.put(c.key(), secs * 1e3));
      m.put("stepMsByCategory", step);
      m.put("stepOverlapMs", r.stepOverlapSeconds() * 1e3);
      Map<String, Object> bounds = new LinkedHashMap<>();
      r.roofline().byBound(r.stepBreakdown()).forEach((b, secs) -> bounds.put(b.key(), secs * 1e3));
      m.put("stepMsByBound", bounds);
      List<Map<String, Object>> timed = new ArrayList<>();
      for (Generator.TimedStep t : r.timedSteps()) {
        Map<String, Object> ts = new LinkedHashMap<>();
        ts.put("cacheLength", t.cacheLength());
        ts.put("ms", t.seconds() * 1e3);
        ts.put("rooflineMs", t.rooflineSeconds() * 1e3);
        ts.put("bound", t.bound().key());
        timed.add(ts);
      }
      m.put("timedSteps", timed);
    }
    return m;
  }

  /** The KV placement of the run's steps: "host", or e.g. "mram 64/64" (caches in MRAM / caches of a step). */
  static String kvSummary(Generator.Result r) {
    return r.kvSteps().stream().map(Generator.KvStep::placement).distinct().reduce((a, b) -> a + ", " + b).orElse("host");
  }

  private void print(PrintWriter out, ModelConfig cfg, Map<String, Generator.Result> results) {
    out.printf(Locale.ROOT, "%s, prompt %d tokens, %d new tokens, %d DPUs of %s, %s weights, int8 activations, KV cache placement %s%n",
        cfg.name(), promptLen, tokens, dpus, hw, weights.precision().weightsName(), kvCache);
    out.printf(Locale.ROOT, "%-12s %-12s %12s %12s %10s %12s %10s %10s%n", "variant", "decodes as", "TTFT ms", "ms/token",
        "tokens/s", "one-time ms", "vs cpu", "vs peak");
    Generator.Result cpu = results.get("cpu");
    Generator.Result peak = results.get("cpu-peak");
    results.forEach((v, r) -> out.printf(Locale.ROOT, "%-12s %-12s %12.3f %12.3f %10.2f %12.1f %10s %10s%n", v,
        Generator.decodeVariant(v), r.ttftSeconds() * 1e3, r.secondsPerToken() * 1e3, r.tokensPerSecond(),
        r.oneTimeSeconds() * 1e3, speedup(cpu, r), speedup(peak, r)));
    out.println("vs cpu / vs peak: decode speedup (ms per token of the baseline over this variant's).");
    printBounds(out, results);
    results.forEach((v, r) -> {
      String kv = kvSummary(r);
      if (r.kvSteps().isEmpty() || kv.equals("host")) return;
      if (r.kvSteps().stream().allMatch(s -> s.placement().startsWith("mram 0/"))) {
        String est = r.kvSteps().getFirst().estimate();
        out.printf(Locale.ROOT, "%-12s KV caches on the host (%s)%s%n", v, kv, est == null ? "" : "; estimate per step: " + est);
        if (r.kvNote() != null) out.printf(Locale.ROOT, "%-12s note: %s%n", v, r.kvNote());
        return;
      }
      StringBuilder sb = new StringBuilder();
      for (Generator.KvStep s : r.kvSteps()) {
        sb.append(String.format(Locale.ROOT, " len %d: %s, %.3f ms;", s.cacheLength(), s.placement(), s.kvGemmSeconds() * 1e3));
      }
      out.printf(Locale.ROOT, "%-12s KV caches in MRAM per step (timed steps; ms of the GEMVs on MRAM caches, appends included):%s"
          + " placing the prompt's caches %.3f ms (in the first step)%n", v, sb, r.kvPlacementSeconds() * 1e3);
      String est = r.kvSteps().getFirst().estimate();
      if (est != null) out.printf(Locale.ROOT, "%-12s KV placement estimate per step (all caches, mean cache length): %s%n", v, est);
      if (r.kvNote() != null) out.printf(Locale.ROOT, "%-12s note: %s%n", v, r.kvNote());
    });
    if (functional) {
      results.forEach((v, r) -> out.printf(Locale.ROOT, "%-12s tokens %s: %s%n", v, r.generated(),
          r.matchesReference() ? "match the full-sequence reference (bit-exact logits)" : "DIFFER from the full-sequence reference"));
    } else {
      out.printf(Locale.ROOT, "Decode steps timed at %d cache lengths and interpolated linearly; every time is simulated.%n",
          Math.min(timingSamples, Math.max(tokens - 1, 0)));
    }
  }

  /** Per variant: the roofline, the mean step's time by bound with its share, and what bounds the step. */
  private static void printBounds(PrintWriter out, Map<String, Generator.Result> results) {
    // the full system's step if it ran (its fused graph has its own host ops), else the first variant's
    Generator.Result any = results.containsKey("pimllm") && results.get("pimllm").roofline() != null ? results.get("pimllm")
        : results.values().stream().filter(r -> r.roofline() != null).findFirst().orElse(null);
    if (any == null) return;
    Roofline roof = any.roofline();
    out.printf(Locale.ROOT, "Roofline of a token (from the preset, not simulated; %s's step): %.3f ms = max(compute %.3f,"
        + " MRAM %.3f, transfer %.3f) + host ops at PEAK %.3f (bound: %s)%n", any.variant(), roof.seconds() * 1e3,
        roof.computeSeconds() * 1e3,
        roof.mramSeconds() * 1e3, roof.transferSeconds() * 1e3, roof.hostSeconds() * 1e3, roof.bound().text());
    out.printf(Locale.ROOT, "%-12s %10s %8s  %s%n", "variant", "x roofline", "overlap", "mean decode step by bound, ms (share of the busy time)");
    results.forEach((v, r) -> {
      if (r.roofline() == null || r.stepBreakdown().isEmpty()) return;
      Map<Roofline.Bound, Double> by = r.roofline().byBound(r.stepBreakdown());
      double busy = by.values().stream().mapToDouble(Double::doubleValue).sum();
      StringBuilder sb = new StringBuilder();
      by.forEach((b, secs) -> sb.append(String.format(Locale.ROOT, "%s %.1f (%.0f%%); ", b.text(), secs * 1e3,
          busy > 0 ? 100 * secs / busy : 0)));
      sb.append("bound: ").append(r.bound().text());
      out.printf(Locale.ROOT, "%-12s %9.2fx %8.1f  %s%n", v, r.secondsPerToken() / r.roofline().seconds(),
          r.stepOverlapSeconds() * 1e3, sb);
    });
    out.println("x roofline: ms per token over the roofline of the variant's own step (fusion changes its host ops);"
        + " overlap: ms of the categories that ran at the same time (asynchronous calls), so the shares are of the busy"
        + " time, which exceeds the step by that much; host ops include the GEMMs left on the CPU.");
  }

  /** A prompt of promptLen tokens and tokens - 1 decode steps must fit the model's positions (bench: --seq). */
  static void checkPositions(ModelConfig cfg, String promptOption, int promptLen, int tokens) {
    if ((long) promptLen + tokens - 1 > cfg.maxPositions()) { // long: two large ints must not wrap past the check
      throw new IllegalArgumentException(promptOption + " " + promptLen + " + --tokens " + tokens + " needs "
          + ((long) promptLen + tokens - 1) + " positions but " + cfg.name() + " has " + cfg.maxPositions());
    }
  }

  /** ms per token of the baseline over the variant's ("-" without a baseline or decode steps). */
  static String speedup(Generator.Result base, Generator.Result r) {
    if (base == null || r.secondsPerToken() == 0) return "-";
    return String.format(Locale.ROOT, "%.2fx", base.secondsPerToken() / r.secondsPerToken());
  }

  private static void positive(String option, int value) {
    if (value < 1) throw new IllegalArgumentException(option + " must be at least 1, got " + value);
  }
}
