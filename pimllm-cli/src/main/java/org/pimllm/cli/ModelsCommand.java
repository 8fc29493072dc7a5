package org.pimllm.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.text.PrintOptions;
import org.pimllm.ir.text.Printer;
import org.pimllm.models.zoo.CheckpointWeights;
import org.pimllm.models.zoo.ModelConfig;
import org.pimllm.models.zoo.ModelStats;
import org.pimllm.models.zoo.ModelZoo;
import org.pimllm.sim.HardwareConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pimllm models}: the zoo with parameter counts (counted in each built graph) and the int8
 * MRAM footprint of its GEMM weights against the MRAM of a preset's DPUs; with
 * {@code --checkpoint}, checks that a checkpoint file provides every parameter of a model.
 */
@Command(name = "models", mixinStandardHelpOptions = true,
    description = {"List the model zoo: shapes, parameter counts and the int8 MRAM footprint of the GEMM weights.",
        "Counts come from the built graphs (each distinct constant once; BERT without the pooler).",
        "With --checkpoint FILE and one MODEL: check that the file (.safetensors or .gguf) holds every parameter."})
public final class ModelsCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "MODEL", arity = "0..*", description = "Zoo models to list (default: all).")
  List<String> names = new ArrayList<>();

  @Option(names = "--hw", defaultValue = "upmem-2560-450", description = "Hardware preset name or JSON file (default ${DEFAULT-VALUE}).")
  String hw;

  @Option(names = "--dpus", description = "DPUs whose MRAM holds the weights (default: all DPUs of the preset).")
  Integer dpus;

  @Option(names = "--json", description = "Print one JSON array.")
  boolean json;

  @Option(names = "--checkpoint", paramLabel = "FILE", description = "A .safetensors or .gguf checkpoint to check against one MODEL.")
  Path checkpoint;

  @Option(names = "--print-ir", description = "Print the graph of one MODEL in the IR text form; its weights are seeded synthetic descriptors, so `pimllm compile --ir FILE` loads it back.")
  boolean printIr;

  @Option(names = "--seq", defaultValue = "128", description = "Sequence length of the graph for --print-ir (default ${DEFAULT-VALUE}).")
  int seq;

  @Option(names = "--layers", description = "Build only this many transformer layers for --print-ir (default: all).")
  Integer layers;

  @Override
  public Integer call() throws JsonProcessingException {
    HardwareConfig machine = HardwareConfig.presetOrFile(hw);
    if (dpus != null) {
      machine = machine.withDpus(dpus);
    }
    List<ModelConfig> models = names.isEmpty() ? ModelZoo.models() : names.stream().map(ModelZoo::get).toList();
    if (checkpoint != null) {
      return checkCheckpoint(models);
    }
    if (printIr) {
      return printIr(models);
    }
    long capacity = (long) machine.totalDpus() * machine.mramBytes();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (ModelConfig c : models) {
      rows.add(row(c, ModelZoo.stats(ModelZoo.build(c, 128)), machine, capacity));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(HwCommand.JSON.writeValueAsString(rows));
      return 0;
    }
    out.printf("MRAM: %d DPUs x %s = %s (%s)%n", machine.totalDpus(), bytes(machine.mramBytes()), bytes(capacity), machine.name());
    out.printf("%-12s %-6s %3s %5s %3s %6s %6s %9s %9s %10s %6s %5s %11s%n", "model", "family", "L", "H", "A", "FFN",
        "vocab", "params", "GEMM w", "int8 MRAM", "MRAM%", "fits", "largest w");
    for (Map<String, Object> r : rows) {
      out.printf("%-12s %-6s %3d %5d %3d %6d %6d %9s %9s %10s %5.1f%% %5s %11s%n", r.get("model"), r.get("family"),
          r.get("layers"), r.get("hidden"), r.get("heads"), r.get("ffn"), r.get("vocab"), count((long) r.get("parameters")),
          count((long) r.get("gemmWeightParameters")), bytes((long) r.get("int8WeightBytes")),
          (double) r.get("mramFraction") * 100, (boolean) r.get("fitsInMram") ? "yes" : "NO",
          bytes((long) r.get("largestGemmWeightBytes")));
    }
    out.println("params: all weights, biases, norms and embeddings in the graph (BERT: encoder without pooler;"
        + " GPT-2: LM head tied to wte, counted once).");
    out.println("GEMM w: weights of nn.dense/nn.matmul (what PIM keeps in MRAM); int8 MRAM: those at 1 byte each,"
        + " against the aggregate MRAM; largest w: the biggest single GEMM weight (BaseGEMM copies all of B to every DPU,"
        + " whose MRAM is " + bytes(machine.mramBytes()) + ").");
    return 0;
  }

  private static Map<String, Object> row(ModelConfig c, ModelStats s, HardwareConfig machine, long capacity) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("model", c.name());
    r.put("family", c.family().name().toLowerCase(Locale.ROOT));
    r.put("layers", c.layers());
    r.put("hidden", c.hidden());
    r.put("heads", c.heads());
    r.put("ffn", c.ffn());
    r.put("vocab", c.vocab());
    r.put("parameters", s.parameters());
    r.put("gemmWeightParameters", s.gemmWeightParameters());
    r.put("int8WeightBytes", s.int8WeightBytes());
    r.put("mramBytes", capacity);
    r.put("dpus", machine.totalDpus());
    r.put("mramFraction", (double) s.int8WeightBytes() / capacity);
    r.put("fitsInMram", s.int8WeightBytes() <= capacity);
    r.put("largestGemmWeight", s.largestGemmWeightName());
    r.put("largestGemmWeightBytes", s.largestGemmWeight());
    r.put("largestFitsOneDpu", s.largestGemmWeight() <= machine.mramBytes());
    return r;
  }

  private int printIr(List<ModelConfig> models) {
    if (models.size() != 1) {
      throw new IllegalArgumentException("--print-ir needs exactly one MODEL, e.g. 'pimllm models llama-7b --print-ir --layers 1 --seq 16'");
    }
    ModelConfig c = CompileCommand.withLayers(models.getFirst(), layers);
    PrintWriter out = spec.commandLine().getOut();
    out.print(Printer.print(ModelZoo.build(c, seq), PrintOptions.LISTING));
    out.flush();
    return 0;
  }

  private int checkCheckpoint(List<ModelConfig> models) {
    if (models.size() != 1) {
      throw new IllegalArgumentException("--checkpoint needs exactly one MODEL, e.g. 'pimllm models gpt2 --checkpoint model.safetensors'");
    }
    ModelConfig c = models.getFirst();
    CheckpointWeights w = CheckpointWeights.open(checkpoint, c);
    IRModule m = ModelZoo.build(c, 1, w); // shapes are checked while building; nothing is decoded
    ModelStats s = ModelZoo.stats(m);
    PrintWriter out = spec.commandLine().getOut();
    out.printf("%s: %s provides all %s parameters of %s (%d tensors in the file)%n", checkpoint,
        w.checkpoint().format(), count(s.parameters()), c.name(), w.checkpoint().tensors().size());
    List<String> unused = w.unusedTensors();
    if (!unused.isEmpty()) {
      out.printf("%d tensors not used by the graph: %s%s%n", unused.size(), String.join(", ", unused.subList(0, Math.min(8, unused.size()))),
          unused.size() > 8 ? ", ..." : "");
    }
    return 0;
  }

  static String count(long n) {
    if (n >= 1_000_000_000L) {
      return String.format(Locale.ROOT, "%.2fB", n / 1e9);
    }
    return n >= 1_000_000 ? String.format(Locale.ROOT, "%.1fM", n / 1e6) : String.format(Locale.ROOT, "%.1fK", n / 1e3);
  }

  static String bytes(long b) {
    if (b >= 1L << 30) {
      return String.format(Locale.ROOT, "%.2f GiB", b / (double) (1L << 30));
    }
    return String.format(Locale.ROOT, "%.1f MiB", b / (double) (1L << 20));
  }
}
