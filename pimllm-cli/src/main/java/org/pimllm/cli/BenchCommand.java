package org.pimllm.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.pimllm.passes.FloatGemms;
import org.pimllm.benchmarks.e2e.BenchConfig;
import org.pimllm.benchmarks.e2e.BenchReport;
import org.pimllm.benchmarks.e2e.EndToEnd;
import org.pimllm.benchmarks.e2e.MeasuredCpu;
import org.pimllm.driver.CompileOptions;
import org.pimllm.models.onnx.OnnxModel;
import org.pimllm.models.onnx.OnnxReader;
import org.pimllm.models.zoo.ModelConfig;
import org.pimllm.models.zoo.ModelZoo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pimllm bench}: the PIM-LLM paper's end-to-end evaluation on the simulated machine. With no arguments:
 * its 10 models, seq 128, batch 1, 2,048 DPUs, every variant, TIMING_ONLY.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"End-to-end benchmark: simulated time of one inference per model, sequence length, DPU count and variant.",
        "Variants: cpu (the paper's TVM-CPU baseline), cpu-peak (the same host at a realistic fraction of its AVX-512"
            + " VNNI peak), naive (BaseGEMM, unpooled, run-time transposition), base (+ DPU pool: the paper's"
            + " normalization point), ts (+ Tile-Selector), ts+adj (+ build-time layout), ts+adj+qkv (+ QKV fusion),"
            + " pimllm (+ CPU/PIM cooperation). Not in the default list: cpu-measured, the cpu pipeline run and timed"
            + " on this machine (GEMMs through oneDNN; wall clock, median of --measure-reps runs), printed next to the"
            + " simulated figures.",
        "Prints the times, speedups over base (Figure 13), over cpu and over cpu-peak with geometric means, and"
            + " where the time goes."})
public final class BenchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = {"--models", "--model"}, split = ",", description = "Zoo models (default: the paper's 10: bert-tiny..bert-large, gpt2, gpt2-medium, llama-3b, llama-7b).")
  List<String> models;
  @Option(names = "--onnx", paramLabel = "FILE|minilm-l6|minilm-l6-q", description = "Benchmark an imported ONNX"
      + " text encoder instead of zoo models: an .onnx file or a bundled model (minilm-l6, minilm-l6-q); imported for"
      + " batch 1 and each --seq. An fp32 model is quantized to int8 like the zoo models; a quantized one runs as built.")
  String onnx;
  @picocli.CommandLine.Mixin WeightsOption weights;
  @Option(names = "--quant", paramLabel = "static|dynamic", description = "How fp32 models are quantized to int8:"
      + " static: symmetric int8 activations with one fixed range (the paper's setting); dynamic: uint8 activations"
      + " with a scale and zero point from each inference's values at run time (qnn.dynamic_quantize on the host,"
      + " like ONNX Runtime's dynamic quantization) (default static). Not for an already quantized ONNX model.")
  String quant;
  @Option(names = "--seq", split = ",", defaultValue = "128", description = "Sequence lengths, e.g. 128,512 (default ${DEFAULT-VALUE}).")
  List<Integer> seqs;
  @Option(names = "--dpus", split = ",", defaultValue = "2048", description = "DPU counts, e.g. 256,512,1024,2048 (default ${DEFAULT-VALUE}).")
  List<Integer> dpus;
  @Option(names = {"--variants", "--variant"}, split = ",", description = "Variants (default: cpu,cpu-peak,naive,base,ts,ts+adj,ts+adj+qkv,pimllm).")
  List<String> variants;
  @Option(names = "--hw", defaultValue = BenchConfig.DEFAULT_HW, description = "Hardware preset name or JSON file (default ${DEFAULT-VALUE}).")
  String hw;
  @Option(names = "--fp32-gemms", defaultValue = "pim", paramLabel = "pim|host", description = "Where fp32 GEMMs may run: "
      + "pim (as each variant places them, software floating point on the DPUs) or host (only integer GEMMs go to PIM) "
      + "(default ${DEFAULT-VALUE}).")
  String fp32Gemms;
  @Option(names = "--functional", description = "Run on real data and check every output against the reference executor (small models only).")
  boolean functional;
  @Option(names = "--measure-host", description = "Also time the host kernels on this machine (wall clock) next to the host-CPU model.")
  boolean measureHost;
  @Option(names = "--json", paramLabel = "FILE", description = "Write one JSON record per (model, seq, dpus, variant) with totalMs and per-category times.")
  Path json;
  @Option(names = "--csv", paramLabel = "FILE", description = "Write the records as CSV.")
  Path csv;
  @Option(names = "--trace", paramLabel = "FILE", description = "Write a Chrome trace-event JSON of one inference of the first model per variant (open in Perfetto).")
  Path trace;
  @Option(names = "--plot", paramLabel = "FILE.png", description = "Write a bar chart of the speedups over base (PNG).")
  Path plot;
  @Option(names = "--measure-warmup", defaultValue = "1", description = "cpu-measured: inferences run and discarded first (default ${DEFAULT-VALUE}).")
  int measureWarmup;
  @Option(names = "--measure-reps", defaultValue = "5", description = "cpu-measured: inferences timed; the median is reported (default ${DEFAULT-VALUE}).")
  int measureReps;
  @Option(names = "--no-progress", description = "Do not show the progress bar (it is off anyway when the output is not a terminal).")
  boolean noProgress;
  @Option(names = "--phase", defaultValue = "prefill", paramLabel = "prefill|decode|both", description = "prefill: one"
      + " inference of --seq tokens (the paper's evaluation); decode: token generation of the decoder models (encoders"
      + " skipped): --seq is the prompt length, then --tokens new tokens, TTFT, ms per token and tokens/s as `pimllm"
      + " generate` times them (variants default cpu,cpu-peak,pimllm; pimllm decodes as the full system +host); both: the"
      + " two, with the decode records in FILE.decode.json beside --json FILE (default ${DEFAULT-VALUE}).")
  String phase;
  @Option(names = "--tokens", defaultValue = "64", description = "Decode: new tokens per prompt (default ${DEFAULT-VALUE}).")
  int tokens;
  @Option(names = "--timing-samples", defaultValue = "3", description = "Decode: cache lengths at which a step is compiled"
      + " and timed, the others interpolated (default ${DEFAULT-VALUE}).")
  int timingSamples;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (onnx != null && models != null) {
      throw new IllegalArgumentException("--onnx and --models both name the models to run; give one of them");
    }
    CompileOptions.Precision quantized = switch (quant == null ? "static" : quant.toLowerCase(java.util.Locale.ROOT)) {
      case "static" -> CompileOptions.Precision.INT8;
      case "dynamic" -> CompileOptions.Precision.INT8_DYNAMIC;
      default -> throw new IllegalArgumentException("--quant must be static or dynamic, got '" + quant + "'");
    };
    CompileOptions.Precision weightsPrecision = weights.precision();
    if (weightsPrecision.int4Group() != null && quantized != CompileOptions.Precision.INT8) {
      throw new IllegalArgumentException("--weights " + weights.name + " needs --quant static");
    }
    CompileOptions.Precision int8 = weightsPrecision.int4Group() != null ? weightsPrecision : quantized;
    List<EndToEnd.NamedModel> named = onnx != null ? List.of(onnxModel(onnx, int8)) : null;
    if (named != null && quant != null && named.getFirst().precision() == CompileOptions.Precision.AS_BUILT) {
      throw new IllegalArgumentException("--quant quantizes fp32 models; " + onnx + " is already quantized and runs as built");
    }
    List<String> ms = named != null ? named.stream().map(EndToEnd.NamedModel::name).toList()
        : models != null ? models : ModelZoo.paperModels().stream().map(ModelConfig::name).toList();
    String ph = phase.trim().toLowerCase(java.util.Locale.ROOT);
    if (!List.of("prefill", "decode", "both").contains(ph)) {
      throw new IllegalArgumentException("--phase must be prefill, decode or both, got '" + phase + "'");
    }
    if (!ph.equals("prefill")) {
      if (named != null) throw new IllegalArgumentException("--phase " + ph + " needs zoo decoders (gpt2*, llama-*); --onnx models are encoders");
      if (functional) throw new IllegalArgumentException("--phase " + ph + " is timing only; check tokens with `pimllm generate --functional`");
    }
    if (ph.equals("decode")) return decodeOnly(out, ms);
    List<String> vs = variants != null ? variants : BenchConfig.ALL_VARIANTS;
    BenchConfig cfg = new BenchConfig(ms, seqs, dpus, vs, hw, functional, measureHost, FloatGemms.parse(fp32Gemms));
    // a bad preset, DPU count or model fails before the progress bar starts
    if (named == null) {
      EndToEnd.validate(cfg);
      named = ms.stream().map(m -> EndToEnd.NamedModel.zoo(m, int8)).toList();
    } else {
      EndToEnd.validateTarget(cfg);
    }
    List<EndToEnd.NamedModel> toRun = named;
    checkWeightsFitMram(toRun, cfg);
    MeasuredCpu.Settings measured = new MeasuredCpu.Settings(measureWarmup, measureReps);
    if (cfg.variants().contains(MeasuredCpu.VARIANT)) {
      for (EndToEnd.NamedModel m : toRun) {
        for (int seq : cfg.seqs()) MeasuredCpu.checkFits(m.name(), m.build().apply(seq));
      }
    }
    checkPng(plot);
    // an output file that cannot be written fails now, not after the whole benchmark ran
    checkWritable(json, "--json");
    checkWritable(csv, "--csv");
    checkWritable(trace, "--trace");
    checkWritable(plot, "--plot");
    long t0 = System.nanoTime();
    EndToEnd.Results results;
    if (!Main.showProgress(noProgress)) {
      results = EndToEnd.run(cfg, toRun, measured, r -> { });
    } else {
      try (ProgressBar pb = new ProgressBarBuilder().setTaskName("bench").setInitialMax(cfg.runs())
          .setStyle(ProgressBarStyle.ASCII).setConsumer(new me.tongfei.progressbar.InteractiveConsoleProgressBarConsumer(System.err))
          .setUpdateIntervalMillis(250).build()) {
        results = EndToEnd.run(cfg, toRun, measured, r -> {
          pb.setExtraMessage(r.model() + " " + r.variant());
          pb.step();
        });
      }
    }
    BenchReport report = new BenchReport(results);
    if (int8 == CompileOptions.Precision.INT8_DYNAMIC) {
      out.println("fp32 models quantized with --quant dynamic: uint8 activations, scale and zero point from each"
          + " inference's values at run time (qnn.dynamic_quantize on the host)");
    }
    if (onnx != null && toRun.getFirst().precision() == CompileOptions.Precision.AS_BUILT) {
      out.println(toRun.getFirst().name() + " is int8 already (MatMulInteger): it runs its own int8 GEMMs as built,"
          + " not requantized");
    }
    report.print(out);
    noteCpuHeavyRuns(out, results.records());
    out.printf(java.util.Locale.ROOT, "%n%d runs in %.1f s of wall-clock time; every time above is simulated (simulator +"
        + " host-CPU model of preset %s), not measured%s.%n", cfg.runs(), (System.nanoTime() - t0) * 1e-9, hw,
        cfg.variants().contains(MeasuredCpu.VARIANT) ? ", except cpu-measured: measured on this machine" : "");
    List<String> written = new ArrayList<>();
    if (json != null) {
      report.writeJson(json);
      written.add(json.toString());
    }
    if (csv != null) {
      report.writeCsv(csv);
      written.add(csv.toString());
    }
    if (trace != null) {
      report.writeTrace(trace);
      written.add(trace.toString());
    }
    if (plot != null) {
      report.writePlot(plot);
      written.add(plot.toString());
    }
    if (ph.equals("both")) {
      List<java.util.Map<String, Object>> decoded = decode(out, ms);
      if (json != null) {
        Path dj = decodeJson(json);
        Files.writeString(dj, HwCommand.JSON.writeValueAsString(decoded));
        written.add(dj.toString());
      }
    }
    if (!written.isEmpty()) out.println("wrote " + String.join(", ", written));
    out.flush();
    return 0;
  }

  /** --phase decode: token generation of the decoder models only. */
  private int decodeOnly(PrintWriter out, List<String> ms) throws java.io.IOException {
    checkWritable(json, "--json");
    List<java.util.Map<String, Object>> decoded = decode(out, ms);
    if (json != null) {
      Files.writeString(json, HwCommand.JSON.writeValueAsString(decoded));
      out.println("wrote " + json);
    }
    out.flush();
    return 0;
  }

  private List<java.util.Map<String, Object>> decode(PrintWriter out, List<String> ms) {
    List<String> vs = variants != null ? variants : BenchDecode.DEFAULT_VARIANTS;
    List<ModelConfig> decoders = BenchDecode.decoders(out, ms);
    BenchDecode.validate(decoders, seqs, vs, tokens, timingSamples);
    for (int d : dpus) org.pimllm.target.Target.of(hw, d); // a bad preset or DPU count fails before any run
    return BenchDecode.run(out, decoders, seqs, dpus, vs, hw, tokens, timingSamples, weights.precision());
  }

  /** Where --phase both writes its decode records: FILE.decode.json beside --json FILE. */
  static Path decodeJson(Path json) {
    String n = json.getFileName().toString();
    String base = n.toLowerCase(java.util.Locale.ROOT).endsWith(".json") ? n.substring(0, n.length() - 5) : n;
    return json.resolveSibling(base + ".decode.json");
  }

  /**
   * A PIM variant whose runs kept most GEMMs on the CPU gets one note naming them, so a user does not read a near-CPU
   * time as a PIM result without knowing why.
   */
  static void noteCpuHeavyRuns(PrintWriter out, List<org.pimllm.benchmarks.e2e.BenchRecord> records) {
    List<String> runs = records.stream()
        .filter(r -> !r.variant().startsWith("cpu") && r.cpuGemms() > r.pimGemms())
        .map(r -> r.model() + "/" + r.variant() + "@" + r.dpus() + " (" + r.cpuGemms() + " of " + (r.cpuGemms() + r.pimGemms())
            + " on the CPU)")
        .toList();
    if (!runs.isEmpty()) {
      out.println("note: most GEMMs ran on the CPU in " + String.join(", ", runs) + ": PartitionCpuPim estimated the host"
          + " faster, or PGEMMlib had no legal plan; `pimllm compile --model M --variant V --dpus D` shows each GEMM's"
          + " placement and estimates");
    }
  }

  /**
   * A policy, not a hardware limit: the paper's variants stream each weight with every call, so they could run on
   * fewer DPUs than hold the model, but such a run simulates for minutes (one DPU doing a 7B model's GEMMs) or ends
   * with nearly every GEMM on the CPU. When the model's int8 GEMM weights exceed the MRAM of the smallest --dpus
   * count, bench refuses at once with the sizes and the DPU count that would hold them.
   */
  static void checkWeightsFitMram(List<EndToEnd.NamedModel> models, BenchConfig cfg) {
    if (cfg.variants().stream().allMatch(v -> v.startsWith("cpu"))) {
      return; // the CPU baselines use no DPU
    }
    org.pimllm.sim.HardwareConfig hw = org.pimllm.sim.HardwareConfig.presetOrFile(cfg.hw());
    int fewest = cfg.dpus().stream().mapToInt(Integer::intValue).min().orElseThrow();
    for (EndToEnd.NamedModel m : models) {
      List<org.pimllm.driver.MramFit.Weight> weights = org.pimllm.driver.MramFit.gemmWeights(m.build().apply(cfg.seqs().getFirst()), true);
      long needed = Math.ceilDiv(org.pimllm.driver.MramFit.total(weights), hw.mramBytes());
      org.pimllm.driver.MramFit.check(weights, fewest, hw.mramBytes(), hw.name(), m.name() + " (int8)", "PIM variants would"
          + " stream every weight on every call for minutes of simulation; give --dpus " + needed + " or more (the machine has "
          + hw.totalDpus() + "), or only the cpu variants");
    }
  }

  /**
   * Fails with a one-line error naming {@code option}, the path and the cause when {@code file} cannot be written;
   * creates missing parent folders (e.g. {@code out/} of {@code --plot out/speedup.png}). A file this creates to
   * try is removed again.
   */
  /** --plot names a PNG file (null: no plot). */
  static void checkPng(Path plot) {
    if (plot != null && !plot.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".png")) {
      throw new IllegalArgumentException("--plot writes a PNG image; give a file name ending in .png, got " + plot);
    }
  }

  static void checkWritable(Path file, String option) {
    if (file == null) {
      return;
    }
    String cause = null;
    Path parent = file.toAbsolutePath().getParent();
    if (Files.isDirectory(file)) {
      cause = "it is a directory";
    } else if (parent != null && Files.exists(parent) && !Files.isDirectory(parent)) {
      cause = parent + " is not a folder";
    } else {
      boolean existed = Files.exists(file);
      try {
        if (parent != null) {
          Files.createDirectories(parent);
        }
        try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
          // opened for writing: the benchmark's output can go there
        }
        if (!existed) {
          Files.delete(file);
        }
      } catch (java.nio.file.AccessDeniedException e) {
        cause = "permission denied" + (e.getFile() != null && !e.getFile().equals(file.toString()) ? " (" + e.getFile() + ")" : "");
      } catch (java.nio.file.NoSuchFileException e) { // e.g. under /proc: the folder exists, the file cannot be made
        cause = "no such file, and it cannot be created there";
      } catch (java.nio.file.FileSystemException e) {
        cause = e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
      } catch (java.io.IOException e) {
        cause = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
      }
    }
    if (cause != null) {
      throw new IllegalArgumentException(option + " " + file + " cannot be written: " + cause);
    }
  }

  /**
   * The ONNX model as a benchmark model: imported for (1, seq) per sequence length, synthetic token inputs; an fp32
   * model compiled at {@code int8}, a quantized one as built.
   */
  static EndToEnd.NamedModel onnxModel(String onnx, CompileOptions.Precision int8) {
    OnnxInputs.Model model = OnnxInputs.resolve(onnx, null);
    OnnxModel parsed = OnnxReader.read(model.file());
    RunCommand.checkEncoderShape(parsed, model);
    String name = OnnxInputs.BUNDLED.containsKey(onnx) ? onnx : model.file().getFileName().toString();
    CompileOptions.Precision precision = OnnxInputs.isQuantized(parsed) ? CompileOptions.Precision.AS_BUILT : int8;
    return new EndToEnd.NamedModel(name, seq -> OnnxInputs.importBatch(parsed, OnnxInputs.synthetic(seq)),
        seq -> OnnxInputs.tensors(parsed, OnnxInputs.synthetic(seq)), precision);
  }
}
