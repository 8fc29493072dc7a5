package org.pimllm.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pimllm.passes.FloatGemms;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Tensor;
import org.pimllm.models.onnx.OnnxModel;
import org.pimllm.models.onnx.OnnxReader;
import org.pimllm.models.onnx.OnnxRuntimeReference;
import org.pimllm.passes.CalibrationRunner;
import org.pimllm.passes.QuantizeInt8;
import org.pimllm.driver.CompileOptions;
import org.pimllm.runtime.CompiledModule;
import org.pimllm.driver.PimLlm;
import org.pimllm.runtime.RunReport;
import org.pimllm.target.Target;
import org.pimllm.runtime.TimeCategory;
import org.pimllm.sim.Mode;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pimllm run --onnx FILE|minilm-l6|minilm-l6-q}: imports an ONNX encoder, compiles it for the
 * simulated PIM machine, runs it on real data (FUNCTIONAL mode: DPUs compute the GEMMs through PGEMMlib)
 * and prints the embeddings, the simulated time by category and, with {@code --compare-ort}, the
 * difference from ONNX Runtime on the same inputs. The sentences run one inference each, or with
 * {@code --batching padded} as one padded batch.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Run an ONNX text encoder on real text on the simulated PIM machine.",
        "E.g. the bundled all-MiniLM-L6-v2 (minilm-l6, minilm-l6-q): prints the simulated time breakdown and, with"
            + " --compare-ort, the accuracy against ONNX Runtime."})
public final class RunCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--onnx", required = true, paramLabel = "FILE|minilm-l6|minilm-l6-q",
      description = "An .onnx file, or a bundled model: minilm-l6 (fp32), minilm-l6-q (dynamically quantized).")
  String onnx;

  static final class Inputs {
    @Option(names = "--text", description = "A sentence (repeatable).")
    List<String> texts;
    @Option(names = "--tokens", description = "Token ids of one sequence, comma-separated (repeatable).")
    List<String> tokens;
    @Option(names = "--sentences", paramLabel = "builtin", description = "builtin: the built-in set of "
        + "24 varied sentences used for the accuracy figures.")
    String sentences;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Inputs inputs;

  @Option(names = "--tokenizer", description = "tokenizer.json for --text with a FILE (default: FILE's name with -tokenizer.json).")
  java.nio.file.Path tokenizer;
  @Option(names = "--dpus", defaultValue = "2048", description = "DPU budget (default ${DEFAULT-VALUE}).")
  int dpus;
  @Option(names = "--hw", defaultValue = "upmem-2560-450", description = "Hardware preset name or JSON file (default ${DEFAULT-VALUE}).")
  String hw;
  @Option(names = "--variant", defaultValue = "pimllm", description = "Pass configuration (default ${DEFAULT-VALUE}).")
  String variant;
  @Option(names = "--precision", defaultValue = "int8", paramLabel = "int8|fp32", description = "int8: quantize an"
      + " fp32 model's GEMMs with our QuantizeInt8 pass, as every command does; an already int8 model (minilm-l6-q)"
      + " runs its own int8 GEMMs as built; fp32: the model as stored, e.g. to match ONNX Runtime to 1e-4"
      + " (default ${DEFAULT-VALUE}).")
  String precision;
  @Option(names = "--quant", paramLabel = "static|dynamic", description = "With --precision int8:"
      + " static: symmetric int8 with fixed ranges, --act-abs-max or calibrated on the run's own inputs (the paper's"
      + " setting, as compile and bench); dynamic: each GEMM input quantized at run time from its batch's range"
      + " (uint8 with a zero point, like ONNX Runtime's dynamic quantization; closer to fp32) (default static).")
  String quant;
  @Option(names = "--quant-attention", paramLabel = "fp32|int8", description = "With --precision"
      + " int8: whether the GEMMs of two activations (attention's batch matmuls) stay fp32 or are quantized too"
      + " (default int8).")
  String quantAttention;
  @Option(names = "--act-abs-max", description = "With --precision int8 --quant static: one activation range for every"
      + " tensor (default: calibrate each GEMM input's range on the run's own inputs).")
  Double actAbsMax;
  @Option(names = "--fp32-gemms", defaultValue = "pim", paramLabel = "pim|host", description = "Where fp32 GEMMs may run: "
      + "pim (software floating point on the DPUs, as the variant places them) or host (only integer GEMMs go to PIM; "
      + "e.g. the quantized model's fp32 attention matmuls stay on the CPU) (default ${DEFAULT-VALUE}).")
  String fp32Gemms;
  @Option(names = "--batching", defaultValue = "each", paramLabel = "each|padded", description = "each: one inference "
      + "per sequence (batch 1, no padding), so each embedding depends on its own sentence only; padded: all sequences "
      + "in one batch padded to the longest, where a dynamically quantized model takes its activation ranges from the "
      + "whole batch, padding included (default ${DEFAULT-VALUE}).")
  String batching;
  @Option(names = "--compare-ort", description = "Also run ONNX Runtime on the same inputs and report the differences.")
  boolean compareOrt;
  @Option(names = "--ort-graph-opt", defaultValue = "none", paramLabel = "none|all", description = "ONNX Runtime's graph "
      + "optimizations for --compare-ort: none runs the graph as written, node by node; all lets ONNX Runtime fuse nodes, "
      + "which changes float rounding (default ${DEFAULT-VALUE}; see docs/onnx.md).")
  String ortGraphOpt;
  @Option(names = "--json", description = "Print one JSON object (fields include maxAbsDiff, meanCosine, sentences).")
  boolean json;

  /** --precision int8 on a model that is int8 already: it runs as built. */
  private boolean asBuiltInt8;

  @Override
  public Integer call() throws Exception {
    OnnxInputs.Model model = OnnxInputs.resolve(onnx, tokenizer);
    CompileOptions.Precision prec = switch (precision.toLowerCase(Locale.ROOT)) {
      case "fp32" -> CompileOptions.Precision.AS_BUILT;
      case "int8" -> CompileOptions.Precision.INT8;
      default -> throw new IllegalArgumentException("--precision must be fp32 or int8, got '" + precision + "'");
    };
    if (prec != CompileOptions.Precision.INT8 && (quant != null || quantAttention != null || actAbsMax != null)) {
      throw new IllegalArgumentException("--quant, --quant-attention and --act-abs-max choose how --precision int8"
          + " quantizes; add --precision int8 or drop them");
    }
    if (actAbsMax != null) {
      CompileCommand.checkActAbsMax(actAbsMax);
    }
    boolean quantGiven = quant != null || quantAttention != null || actAbsMax != null;
    quant = quant == null ? "static" : quant;
    quantAttention = quantAttention == null ? "int8" : quantAttention;
    if (prec == CompileOptions.Precision.INT8) {
      scheme();          // bad --quant / --quant-attention values fail before the import
      attentionGemms();
    }
    floatGemms(); // a bad --fp32-gemms value fails before the import
    OnnxModel parsed = OnnxReader.read(model.file());
    checkEncoderShape(parsed, model);
    if (prec == CompileOptions.Precision.INT8 && OnnxInputs.isQuantized(parsed)) {
      if (quantGiven) {
        throw new IllegalArgumentException(model.file().getFileName() + " is already quantized (it has MatMulInteger);"
            + " it runs as built, so --quant, --quant-attention and --act-abs-max do not apply");
      }
      prec = CompileOptions.Precision.AS_BUILT; // int8 asked, int8 given: run its own int8 GEMMs as they are
      asBuiltInt8 = true;
    }
    OnnxInputs.Batch batch = inputs.tokens != null ? OnnxInputs.fromTokens(inputs.tokens, model, OnnxInputs.maxTokens(parsed))
        : OnnxInputs.fromTexts(inputs.sentences != null ? OnnxInputs.builtin(inputs.sentences) : inputs.texts, model,
            OnnxInputs.maxTokens(parsed));
    List<OnnxInputs.Batch> batches = switch (batching.toLowerCase(Locale.ROOT)) {
      case "padded" -> List.of(batch);
      case "each" -> OnnxInputs.rows(batch);
      default -> throw new IllegalArgumentException("--batching must be padded or each, got '" + batching + "'");
    };
    OnnxRuntimeReference.GraphOptimization ortOpt = switch (ortGraphOpt.toLowerCase(Locale.ROOT)) {
      case "none" -> OnnxRuntimeReference.GraphOptimization.NONE;
      case "all" -> OnnxRuntimeReference.GraphOptimization.ALL;
      default -> throw new IllegalArgumentException("--ort-graph-opt must be none or all, got '" + ortGraphOpt + "'");
    };

    if (asBuiltInt8) { // said once the inputs are known to be good
      spec.commandLine().getErr().println("note: " + model.file().getFileName() + " is already int8 (MatMulInteger);"
          + " it runs as built");
    }
    List<OnnxInputs.Hidden> hidden = new ArrayList<>();
    List<RunReport> reports = new ArrayList<>();
    for (OnnxInputs.Batch b : batches) {
      reports.add(infer(parsed, b, prec, hidden));
    }
    OnnxInputs.Comparison cmp = null;
    if (compareOrt) {
      List<float[]> ref = new ArrayList<>();
      try (OnnxRuntimeReference ort = new OnnxRuntimeReference(model.file(), ortOpt)) {
        for (OnnxInputs.Batch b : batches) {
          ref.add(OnnxInputs.ortLastHiddenState(ort, parsed, b));
        }
      }
      cmp = OnnxInputs.compare(hidden, ref, hiddenSize(hidden));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(HwCommand.JSON.writeValueAsString(toJson(model, batch, hidden, reports, cmp)));
    } else {
      print(out, model, batch, hidden, reports, cmp);
    }
    out.flush();
    return 0;
  }

  /**
   * pimllm run feeds token ids and reads a last_hidden_state: a graph with no nodes or whose first output is not
   * (batch, tokens, hidden) is an error naming the file and what it has.
   */
  static void checkEncoderShape(OnnxModel parsed, OnnxInputs.Model model) {
    String file = model.file().getFileName().toString();
    if (parsed.graph().nodes().isEmpty()) {
      throw new IllegalArgumentException(file + " has no nodes: there is nothing to run");
    }
    if (parsed.graph().outputs().isEmpty()) {
      throw new IllegalArgumentException(file + " declares no graph output");
    }
    OnnxModel.ValueInfo first = parsed.graph().outputs().getFirst();
    if (!first.shape().isEmpty() && first.shape().size() != 3) {
      throw new IllegalArgumentException(file + ": its first output '" + first.name() + "' has " + first.shape().size()
          + " dimension(s); pimllm run reads a text encoder's last_hidden_state (batch, tokens, hidden)");
    }
  }

  /** Imports the model for one batch, compiles it, runs it on the batch (FUNCTIONAL) and keeps its hidden states. */
  private RunReport infer(OnnxModel parsed, OnnxInputs.Batch batch, CompileOptions.Precision prec, List<OnnxInputs.Hidden> sink) {
    IRModule module = OnnxInputs.importBatch(parsed, batch);
    Map<String, Tensor> feeds = OnnxInputs.tensors(parsed, batch);
    // int8: the driver's pipeline quantizes with this run's configuration (calibrated on these feeds)
    CompileOptions options = CompileOptions.variant(variant).withMode(Mode.FUNCTIONAL)
        .withPrecision(CompileOptions.Precision.AS_BUILT).withFloatGemms(floatGemms());
    Target target = Target.of(hw, dpus);
    try (CompiledModule compiled = prec == CompileOptions.Precision.INT8
        ? PimLlm.compile(module, target, options, quantConfig(feeds)) : PimLlm.compile(module, target, options)) {
      var result = compiled.run(feeds);
      if (result.outputs().isEmpty() || result.outputs().get(0).shape().length != 3) {
        throw new IllegalArgumentException(parsed.graph().name() + ": the first output is not (batch, tokens, hidden);"
            + " pimllm run reads a text encoder's last_hidden_state");
      }
      sink.add(new OnnxInputs.Hidden(batch, result.outputs().get(0).toFloatArray()));
      hostGemms = compiled.hostGemms();
      return result.report();
    }
  }

  /** Which kernels computed the host GEMMs of the last inference ({@link CompiledModule#hostGemms}). */
  private String hostGemms = "";

  private FloatGemms floatGemms() {
    return FloatGemms.parse(fp32Gemms);
  }

  /** The QuantizeInt8 configuration of --quant, --quant-attention and --act-abs-max (calibration samples: feeds). */
  private QuantizeInt8.Config quantConfig(Map<String, Tensor> feeds) {
    QuantizeInt8.ActivationGemms attention = attentionGemms();
    if (scheme() == QuantizeInt8.Scheme.DYNAMIC) {
      return QuantizeInt8.Config.dynamic(attention);
    }
    // without --act-abs-max: ranges calibrated by the reference interpreter on these very inputs (optimistic)
    return (actAbsMax != null ? QuantizeInt8.Config.ranges(actAbsMax)
        : QuantizeInt8.Config.calibrate(CalibrationRunner.reference(), List.of(feeds))).withActivationGemms(attention);
  }

  private QuantizeInt8.Scheme scheme() {
    QuantizeInt8.Scheme s = switch (quant.toLowerCase(Locale.ROOT)) {
      case "dynamic" -> QuantizeInt8.Scheme.DYNAMIC;
      case "static" -> QuantizeInt8.Scheme.STATIC;
      default -> throw new IllegalArgumentException("--quant must be static or dynamic, got '" + quant + "'");
    };
    if (s == QuantizeInt8.Scheme.DYNAMIC && actAbsMax != null) {
      throw new IllegalArgumentException("--act-abs-max sets a static range; it needs --quant static"
          + " (--quant dynamic computes each range at run time)");
    }
    return s;
  }

  private QuantizeInt8.ActivationGemms attentionGemms() {
    return switch (quantAttention.toLowerCase(Locale.ROOT)) {
      case "fp32" -> QuantizeInt8.ActivationGemms.FP32;
      case "int8" -> QuantizeInt8.ActivationGemms.QUANTIZED;
      default -> throw new IllegalArgumentException("--quant-attention must be fp32 or int8, got '" + quantAttention + "'");
    };
  }

  private static int hiddenSize(List<OnnxInputs.Hidden> hidden) {
    OnnxInputs.Hidden h = hidden.getFirst();
    return h.values().length / (h.batch().count() * h.batch().length());
  }

  /** Simulated seconds by category, summed over the inferences. */
  private static Map<TimeCategory, Double> byCategory(List<RunReport> reports) {
    Map<TimeCategory, Double> sum = new java.util.EnumMap<>(TimeCategory.class);
    reports.forEach(r -> r.byCategory().forEach((k, v) -> sum.merge(k, v, Double::sum)));
    return sum;
  }

  /** Each sentence's mean-pooled embedding, in input order. */
  private static List<float[]> embeddings(List<OnnxInputs.Hidden> hidden) {
    int size = hiddenSize(hidden);
    List<float[]> out = new ArrayList<>();
    for (OnnxInputs.Hidden h : hidden) {
      for (int s = 0; s < h.batch().count(); s++) {
        out.add(OnnxInputs.meanPool(h.values(), h.batch(), s, size));
      }
    }
    return out;
  }

  private void print(PrintWriter out, OnnxInputs.Model model, OnnxInputs.Batch batch, List<OnnxInputs.Hidden> hidden,
      List<RunReport> reports, OnnxInputs.Comparison cmp) {
    String shape = reports.size() == 1 ? batch.count() + " sequence(s) padded to " + batch.length() + " tokens"
        : batch.count() + " sequence(s), one inference each";
    out.printf(Locale.ROOT, "%s: %s, precision %s, variant %s, %d DPUs, %s%n",
        model.file().getFileName(), shape, precisionText(), variant, dpus, hw);
    List<float[]> emb = embeddings(hidden);
    for (int s = 0; s < batch.count(); s++) {
      float[] e = emb.get(s);
      out.printf(Locale.ROOT, "  [%d] %d tokens, mean-pooled embedding |e| = %.4f, e[0..3] = %.4f %.4f %.4f %.4f  %s%n",
          s, batch.lengths()[s], OnnxInputs.norm(e), e[0], e[1], e[2], e[3], batch.label(s));
    }
    long pim = reports.stream().mapToLong(RunReport::pimGemms).sum();
    out.printf(Locale.ROOT, "simulated time of %s: %.3f ms (model, not measured); %d GEMMs on PIM, %d on the CPU%n",
        reports.size() == 1 ? "one batch inference" : "the " + reports.size() + " inferences",
        reports.stream().mapToDouble(RunReport::totalSeconds).sum() * 1e3,
        pim, reports.stream().mapToLong(RunReport::cpuGemms).sum());
    if (pim == 0 && !variant.startsWith("cpu")) {
      out.printf(Locale.ROOT, "note: no GEMM ran on PIM: at these sizes (%d tokens) the placement (PartitionCpuPim) estimates"
          + " the host faster for each; --variant ts+adj keeps every GEMM on PIM, and `pimllm compile` shows both"
          + " estimates per GEMM%n", batch.length());
    }
    for (Map.Entry<TimeCategory, Double> e : byCategory(reports).entrySet()) {
      if (e.getValue() > 0) {
        out.printf(Locale.ROOT, "  %-12s %10.3f ms%n", e.getKey().name().toLowerCase(Locale.ROOT), e.getValue() * 1e3);
      }
    }
    out.printf(Locale.ROOT, "one-time set-up (pool, resident weights): %.3f ms%n",
        reports.stream().mapToDouble(RunReport::oneTimeSeconds).sum() * 1e3);
    out.println("host GEMMs computed by: " + hostGemms);
    if (cmp != null) {
      out.printf(Locale.ROOT, "vs ONNX Runtime (graph optimizations %s) on the same inputs: max |diff| of last_hidden_state = %.3g, "
          + "mean cosine of mean-pooled embeddings = %.6f (min %.6f) over %d sentence(s)%n",
          ortGraphOpt, cmp.maxAbsDiff(), cmp.meanCosine(), cmp.minCosine(), batch.count());
    }
  }

  /** What ran, in words: int8 with its scheme and where the ranges came from, int8 as built, or fp32. */
  private String precisionText() {
    if (asBuiltInt8) {
      return "int8 as built (the model's own quantized GEMMs)";
    }
    if (!precision.equalsIgnoreCase("int8")) {
      return "fp32 (as stored)";
    }
    return quant.equalsIgnoreCase("dynamic") ? "int8 (--quant dynamic: ranges per batch at run time)"
        : "int8 (--quant static: " + (actAbsMax == null ? "ranges calibrated on these inputs" : "|x| <= " + actAbsMax) + ")";
  }

  private Map<String, Object> toJson(OnnxInputs.Model model, OnnxInputs.Batch batch, List<OnnxInputs.Hidden> hidden,
      List<RunReport> reports, OnnxInputs.Comparison cmp) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", model.file().getFileName().toString());
    m.put("precision", precision);
    m.put("asBuilt", asBuiltInt8);
    boolean int8 = precision.equalsIgnoreCase("int8") && !asBuiltInt8;
    boolean dynamic = quant.equalsIgnoreCase("dynamic");
    m.put("quant", int8 ? quant.toLowerCase(Locale.ROOT) : null);
    m.put("quantAttention", int8 ? quantAttention.toLowerCase(Locale.ROOT) : null);
    m.put("activationRanges", !int8 ? null : dynamic ? "per batch at run time"
        : actAbsMax == null ? "calibrated on the inputs" : "static " + actAbsMax);
    m.put("variant", variant);
    m.put("fp32Gemms", fp32Gemms.toLowerCase(Locale.ROOT));
    m.put("hw", hw);
    m.put("dpus", dpus);
    m.put("sentences", batch.count());
    m.put("batching", batching.toLowerCase(Locale.ROOT));
    m.put("inferences", reports.size());
    m.put("paddedLength", reports.size() == 1 ? batch.length() : null);
    m.put("simulatedMs", reports.stream().mapToDouble(RunReport::totalSeconds).sum() * 1e3);
    Map<String, Double> cats = new LinkedHashMap<>();
    byCategory(reports).forEach((k, v) -> cats.put(k.name().toLowerCase(Locale.ROOT), v * 1e3));
    m.put("simulatedMsByCategory", cats);
    m.put("oneTimeMs", reports.stream().mapToDouble(RunReport::oneTimeSeconds).sum() * 1e3);
    m.put("pimGemms", reports.stream().mapToLong(RunReport::pimGemms).sum());
    m.put("cpuGemms", reports.stream().mapToLong(RunReport::cpuGemms).sum());
    m.put("ortGraphOptimization", cmp == null ? null : ortGraphOpt.toLowerCase(Locale.ROOT));
    m.put("maxAbsDiff", cmp == null ? null : cmp.maxAbsDiff());
    m.put("meanCosine", cmp == null ? null : cmp.meanCosine());
    m.put("minCosine", cmp == null ? null : cmp.minCosine());
    List<float[]> emb = embeddings(hidden);
    List<Map<String, Object>> per = new ArrayList<>();
    for (int s = 0; s < batch.count(); s++) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("input", batch.label(s));
      r.put("tokens", batch.lengths()[s]);
      r.put("embeddingNorm", OnnxInputs.norm(emb.get(s)));
      if (reports.size() > 1) {
        r.put("simulatedMs", reports.get(s).totalSeconds() * 1e3);
      }
      if (cmp != null) {
        r.put("cosine", cmp.cosines()[s]);
      }
      per.add(r);
    }
    m.put("perSentence", per);
    return m;
  }
}
