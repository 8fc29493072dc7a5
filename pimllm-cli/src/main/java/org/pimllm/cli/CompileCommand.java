package org.pimllm.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.text.ParseException;
import org.pimllm.ir.text.Parser;
import org.pimllm.ir.text.PrintOptions;
import org.pimllm.ir.text.Printer;
import org.pimllm.models.zoo.ModelZoo;
import org.pimllm.passes.CalibrationRunner;
import org.pimllm.passes.IrDump;
import org.pimllm.passes.PassInstrument;
import org.pimllm.passes.PassTiming;
import org.pimllm.passes.PlacementTable;
import org.pimllm.driver.CompileOptions;
import org.pimllm.driver.Pipelines;
import org.pimllm.passes.QuantizeInt8;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.target.Target;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code pimllm compile}: runs the pass pipeline on a zoo model or an IR file and prints the
 * optimized IR and the placement table (each GEMM: shape, CPU or PIM, plan, estimated time).
 */
@Command(name = "compile", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Compile a model for the simulated PIM machine and show where each GEMM runs.",
        "Runs the pass pipeline and prints the optimized IR and where each GEMM runs (CPU or PIM), with its plan and"
            + " estimated time (model estimates, not measurements)."})
public final class CompileCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  static final class Source {
    @Option(names = "--model", description = "A model of the zoo (e.g. bert-base, gpt2, llama-7b).")
    String model;
    @Option(names = "--ir", description = "An IR text file (.relay), e.g. as `pimllm models MODEL --print-ir` prints it"
        + " (synthetic weights as seeded descriptors) or --dump-dir writes it.")
    Path ir;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  @Option(names = "--seq", defaultValue = "128", description = "Sequence length of a zoo model (default ${DEFAULT-VALUE}).")
  int seq;
  @Option(names = "--layers", description = "Build a zoo model with only this many layers (quick looks at big models).")
  Integer layers;
  @Option(names = "--dpus", defaultValue = "2048", description = "DPU budget of one GEMM (default ${DEFAULT-VALUE}).")
  int dpus;
  @Option(names = "--hw", defaultValue = "upmem-2560-450", description = "Hardware preset name or JSON file (default ${DEFAULT-VALUE}).")
  String hw;
  @Option(names = "--variant", defaultValue = "pimllm",
      description = "Pass configuration: naive, base, ts, ts+adj, ts+adj+qkv, pimllm, cpu, cpu-peak (default ${DEFAULT-VALUE}).")
  String variant;
  @Option(names = "--opt-level", defaultValue = "3", description = "Passes above this opt level do not run (default ${DEFAULT-VALUE}).")
  int optLevel;
  @Option(names = "--disable-pass", split = ",", paramLabel = "NAME", description = "Switch a pass off (repeatable or comma-separated).")
  List<String> disabled = new ArrayList<>();
  @Option(names = "--precision", defaultValue = "int8", paramLabel = "int8|fp32", description = "int8: quantize the fp32"
      + " graph's GEMMs first (QuantizeInt8), as `pimllm bench` runs every variant; fp32: compile the graph as built"
      + " (default ${DEFAULT-VALUE}).")
  String precision;
  /** The former switch; int8 is now the default, so it only says so again. */
  @Option(names = "--int8", hidden = true, description = "Same as --precision int8 (the default).")
  boolean int8Flag;
  @picocli.CommandLine.Mixin WeightsOption weights;
  @Option(names = "--quant", defaultValue = "static", paramLabel = "static|dynamic", description = "With --precision int8:"
      + " static: symmetric int8 activations with the range --act-abs-max (the paper's setting, bench's default); dynamic:"
      + " uint8 activations with ranges taken at run time (default ${DEFAULT-VALUE}).")
  String quant;
  @Option(names = "--act-abs-max", defaultValue = "8.0",
      description = "Activation range |x| <= this for static int8 scales (affects numerics only, not plans or times; default ${DEFAULT-VALUE}).")
  double actAbsMax;
  /** The most --calibrate samples (each a reference-interpreter run of the whole model). */
  static final int MAX_CALIBRATION_SAMPLES = 1000;

  @Option(names = "--calibrate", paramLabel = "N",
      description = "With --precision int8 --quant static and --model: activation ranges from N sample inputs run through"
          + " the IR's reference interpreter (slow; small models) instead of --act-abs-max.")
  Integer calibrate;
  @Option(names = "--print-ir", defaultValue = "after", description = "Print the IR before, after, both or none (default ${DEFAULT-VALUE}).")
  String printIr;
  @Option(names = "--dump-dir", description = "Write the IR before and after every pass into this folder.")
  Path dumpDir;
  @Option(names = "--timing", description = "Print the wall-clock time of every pass (measured in this JVM).")
  boolean timing;
  @Option(names = "--json", description = "Print only the placement table as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (!List.of("before", "after", "both", "none").contains(printIr)) {
      throw new IllegalArgumentException("--print-ir must be before, after, both or none, got '" + printIr + "'");
    }
    if (dumpDir != null && dumpDir.toString().isBlank()) {
      // an empty path is the working directory: files would land beside whatever runs there
      throw new IllegalArgumentException("--dump-dir needs a folder name, got an empty path");
    }
    HardwareConfig cfg = HardwareConfig.presetOrFile(hw);
    checkDpus(dpus, cfg);
    Pipelines.Pipeline pipeline = Pipelines.forVariant(variant);
    boolean int8 = switch (int8Flag ? "int8" : precision.toLowerCase(java.util.Locale.ROOT)) {
      case "int8" -> true;
      case "fp32" -> false;
      default -> throw new IllegalArgumentException("--precision must be int8 or fp32, got '" + precision + "'");
    };
    boolean dynamic = switch (quant.toLowerCase(java.util.Locale.ROOT)) {
      case "static" -> false;
      case "dynamic" -> true;
      default -> throw new IllegalArgumentException("--quant must be static or dynamic, got '" + quant + "'");
    };
    checkActAbsMax(actAbsMax);
    if (calibrate != null && (!int8 || dynamic || source.model == null || calibrate < 1)) {
      throw new IllegalArgumentException("--calibrate N needs --precision int8 --quant static, --model and N >= 1"
          + " (sample inputs come from the zoo)");
    }
    if (calibrate != null && calibrate > MAX_CALIBRATION_SAMPLES) {
      // each sample is a whole reference-interpreter run: a huge N would run for days instead of failing now
      throw new IllegalArgumentException("--calibrate takes at most " + MAX_CALIBRATION_SAMPLES + " samples, got "
          + calibrate);
    }
    Integer int4Group = weights.precision().int4Group();
    if (int4Group != null && (!int8 || dynamic)) {
      throw new IllegalArgumentException("--weights " + weights.name + " needs --precision int8 --quant static");
    }
    IRModule before = load();
    checkNoEmptyGemms(before);
    if (int8) {
      pipeline = pipeline.withQuantization(dynamic ? QuantizeInt8.Config.dynamic(QuantizeInt8.ActivationGemms.QUANTIZED)
          : (calibrate == null ? QuantizeInt8.Config.ranges(actAbsMax)
          : QuantizeInt8.Config.calibrate(CalibrationRunner.reference(), samples(calibrate))).withInt4Weights(int4Group));
    }
    PassTiming passTiming = new PassTiming();
    List<PassInstrument> instruments = new ArrayList<>(List.of(passTiming));
    if (dumpDir != null) {
      instruments.add(new IrDump(dumpDir, true, true));
    }
    Target target = pipeline.target(cfg, dpus);
    CompileOptions options = CompileOptions.variant(variant).withOptLevel(optLevel).disable(disabled.toArray(String[]::new));
    IRModule after = pipeline.run(before, target, options, instruments.toArray(PassInstrument[]::new));
    PlacementTable table = PlacementTable.of(after, pipeline.costModel(target));

    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(HwCommand.JSON.writeValueAsString(toJson(table)));
    } else {
      if (printIr.equals("before") || printIr.equals("both")) {
        out.println("// IR before the passes");
        out.print(Printer.print(before, PrintOptions.LISTING));
      }
      if (printIr.equals("after") || printIr.equals("both")) {
        out.println("// IR after the passes (variant " + pipeline.variant() + ", " + target + ")");
        out.print(Printer.print(after, PrintOptions.LISTING));
      }
      out.println("// " + (!int8 ? "fp32: the graph as built" : dynamic ? "int8, --quant dynamic: ranges per inference at run time"
          : calibrate != null ? "int8, --quant static: ranges calibrated on " + calibrate + " zoo sample input(s)"
          : "int8, --quant static: |x| <= " + actAbsMax) + "; variant " + pipeline.variant() + ", " + dpus + " DPUs of " + hw);
      out.print(table.format());
      if (timing) {
        out.print(passTiming.report());
      }
    }
    out.flush();
    return 0;
  }

  /**
   * A GEMM with an empty operand (a zero dimension) has nothing to place or time: an error naming it, rather than a
   * GEMM that silently disappears from the placement table.
   */
  static void checkNoEmptyGemms(IRModule module) {
    for (org.pimllm.ir.Expr e : org.pimllm.ir.ExprVisitor.postOrder(module.main().body())) {
      if (e instanceof org.pimllm.ir.Call c && (c.is(org.pimllm.ir.Ops.DENSE) || c.is(org.pimllm.ir.Ops.MATMUL)
          || c.is(org.pimllm.ir.Ops.BATCH_MATMUL))) {
        for (org.pimllm.ir.Expr arg : c.args()) {
          if (arg.type() instanceof org.pimllm.ir.TensorType t && t.numElements() == 0) {
            throw new IllegalArgumentException(c.op().name() + " has an empty operand " + t + " (a zero dimension):"
                + " a GEMM needs at least one row, column and reduction element");
          }
        }
      }
    }
  }

  /** A --dpus budget must be one of the machine's DPU counts (pimllm compile and pimllm tune). */
  static void checkDpus(int dpus, HardwareConfig cfg) {
    if (dpus < 1 || dpus > cfg.totalDpus()) {
      throw new IllegalArgumentException("--dpus must be between 1 and the " + cfg.totalDpus() + " DPUs of " + cfg.name() + ", got " + dpus);
    }
  }

  /** An activation range must be a positive finite number (pimllm compile and pimllm run). */
  static void checkActAbsMax(double absMax) {
    if (!(absMax > 0) || Double.isInfinite(absMax)) {
      throw new IllegalArgumentException("--act-abs-max must be a positive finite number, got " + absMax);
    }
  }

  private org.pimllm.models.zoo.ModelConfig zooConfig() {
    return withLayers(ModelZoo.get(source.model), layers);
  }

  /** The model with only its first {@code layers} layers (null: all); more than it has is an error (compile, models). */
  static org.pimllm.models.zoo.ModelConfig withLayers(org.pimllm.models.zoo.ModelConfig config, Integer layers) {
    if (layers != null && (layers < 1 || layers > config.layers())) {
      throw new IllegalArgumentException("--layers must be between 1 and the " + config.layers() + " layers of "
          + config.name() + ", got " + layers);
    }
    return layers != null ? config.withLayers(layers) : config;
  }

  private List<Map<String, org.pimllm.ir.Tensor>> samples(int n) {
    List<Map<String, org.pimllm.ir.Tensor>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(ModelZoo.sampleInputs(zooConfig(), seq, 1000 + i));
    }
    return out;
  }

  private IRModule load() throws IOException {
    if (source.model != null) {
      return ModelZoo.build(zooConfig(), seq);
    }
    String text;
    if (Files.isDirectory(source.ir)) {
      throw new IllegalArgumentException("IR file " + source.ir + " is a directory; give a .relay text file");
    }
    try {
      text = Files.readString(source.ir);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("IR file " + source.ir + " does not exist");
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IllegalArgumentException("IR file " + source.ir + " is not UTF-8 text (a binary file?); give a .relay text file");
    } catch (IOException e) {
      throw new IllegalArgumentException("IR file " + source.ir + " cannot be read: " + e.getMessage());
    }
    try {
      // constants the passes derived lazily (transposed, concatenated, quantized weights) reload from their keys
      return Parser.parse(text, org.pimllm.passes.eval.DerivedConstants.resolver(Parser.NO_LOADERS));
    } catch (ParseException e) {
      throw new IllegalArgumentException(source.ir + ": " + e.getMessage(), e);
    }
  }

  static Map<String, Object> toJson(PlacementTable t) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (PlacementTable.Row r : t.gemms()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", r.name());
      m.put("b", r.b());
      m.put("m", r.m());
      m.put("k", r.k());
      m.put("n", r.n());
      m.put("placement", r.placement());
      m.put("plan", r.plan());
      m.put("estimatedMs", Double.isFinite(r.estimatedMs()) ? r.estimatedMs() : null);
      m.put("cpuEstimatedMs", Double.isFinite(r.cpuMs()) ? r.cpuMs() : null);
      m.put("pimEstimatedMs", Double.isFinite(r.pimMs()) ? r.pimMs() : null);
      m.put("why", r.why());
      rows.add(m);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("gemms", rows);
    out.put("dpuPool", t.dpuPool());
    return out;
  }
}
