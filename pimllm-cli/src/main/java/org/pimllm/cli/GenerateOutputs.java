package org.pimllm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pimllm.benchmarks.e2e.BenchReport;
import org.pimllm.benchmarks.e2e.Charts;
import org.pimllm.driver.CompileOptions;
import org.pimllm.driver.Generator;
import org.pimllm.driver.PimLlm;
import org.pimllm.runtime.CompiledModule;
import org.pimllm.runtime.RunReport;
import org.pimllm.runtime.Span;
import org.pimllm.sim.Mode;
import org.pimllm.target.Target;

/**
 * The files of {@code pimllm generate}: {@code --plot} (tokens/s per variant with both CPU baselines as reference
 * lines) and {@code --trace} (a Chrome trace of the prefill and the first decode step per variant, as bench's trace).
 * Every figure is simulated.
 */
final class GenerateOutputs {

  private GenerateOutputs() {
  }

  /**
   * Bars of decode tokens/s and prefill (prompt) tokens/s per variant on a log axis, each group with the cpu and
   * cpu-peak baselines as bars beside the PIM variants, every bar labelled with its value.
   */
  static void writePlot(Path file, String title, Map<String, Generator.Result> results) throws IOException {
    String decode = "decode (new tokens/s)";
    String prefill = "prefill (prompt tokens/s)";
    Map<String, Map<String, Double>> values = new LinkedHashMap<>();
    results.forEach((v, r) -> {
      Map<String, Double> row = new LinkedHashMap<>();
      row.put(decode, r.tokensPerSecond());
      row.put(prefill, r.ttftSeconds() > 0 ? r.promptLen() / r.ttftSeconds() : Double.NaN);
      values.put(v + (Generator.decodeVariant(v).equals(v) ? "" : " (decodes as " + Generator.decodeVariant(v) + ")"), row);
    });
    // the CPU baselines are bars of their own beside each PIM variant, in both groups
    var chart = Charts.logBars(title, "", "tokens per second (log scale)", values, null, "", Map.of());
    Charts.savePng(chart, file, 1200, 720);
  }

  /**
   * A Chrome trace-event file (open in https://ui.perfetto.dev): per variant one process whose host and PIM threads
   * show the prefill of {@code promptLen} tokens, then the first decode step (cache length promptLen) right after
   * it, and a phase thread naming the two. Compiled again here in TIMING_ONLY, as Generator.simulate compiles them.
   */
  static void writeTrace(Path file, Generator.Graphs graphs, Target target, List<String> variants,
      java.util.function.Function<String, CompileOptions> options, int promptLen, String modelName) throws IOException {
    ObjectMapper om = new ObjectMapper();
    ObjectNode root = om.createObjectNode();
    ArrayNode evs = root.putArray("traceEvents");
    int pid = 1;
    for (String v : variants) {
      RunReport prefill = simulate(graphs.prefill(promptLen), target, options.apply(Generator.prefillVariant(v)));
      RunReport step = simulate(graphs.decode(promptLen), target, options.apply(Generator.decodeVariant(v)));
      String proc = modelName + " prompt " + promptLen + ", " + target.dpus() + " DPUs: " + v
          + (Generator.decodeVariant(v).equals(v) ? "" : " (decodes as " + Generator.decodeVariant(v) + ")");
      meta(evs, pid, 0, "process_name", proc);
      meta(evs, pid, 0, "thread_name", "phase");
      meta(evs, pid, 1, "thread_name", "host CPU");
      meta(evs, pid, 2, "thread_name", "PIM (DPUs + transfers)");
      double t0 = 0;
      double t1 = prefill.totalSeconds();
      phase(evs, pid, "prefill (" + promptLen + " tokens) = time to first token", t0, t1);
      spans(evs, pid, prefill.timeline(), t0);
      phase(evs, pid, "decode step 1 (cache " + promptLen + " tokens)", t1, step.totalSeconds());
      spans(evs, pid, step.timeline(), t1);
      pid++;
    }
    root.put("displayTimeUnit", "ms");
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) Files.createDirectories(parent);
    om.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
  }

  private static RunReport simulate(org.pimllm.ir.IRModule graph, Target target, CompileOptions options) {
    try (CompiledModule m = PimLlm.compile(graph, target, options.withMode(Mode.TIMING_ONLY))) {
      return m.simulate();
    }
  }

  private static void meta(ArrayNode evs, int pid, int tid, String kind, String name) {
    evs.addObject().put("name", kind).put("ph", "M").put("pid", pid).put("tid", tid).putObject("args").put("name", name);
  }

  private static void phase(ArrayNode evs, int pid, String name, double startS, double seconds) {
    evs.addObject().put("name", name).put("cat", "phase").put("ph", "X").put("pid", pid).put("tid", 0)
        .put("ts", startS * 1e6).put("dur", seconds * 1e6);
  }

  private static void spans(ArrayNode evs, int pid, List<Span> timeline, double offsetS) {
    for (Span s : timeline) {
      ObjectNode n = evs.addObject();
      n.put("name", s.label()).put("cat", s.category().key()).put("ph", "X").put("pid", pid)
          .put("tid", BenchReport.onHost(s.category()) ? 1 : 2).put("ts", (offsetS + s.startSeconds()) * 1e6)
          .put("dur", s.seconds() * 1e6);
      ObjectNode args = n.putObject("args");
      args.put("op", s.op());
      if (s.bytes() > 0) args.put("bytes", s.bytes());
    }
  }
}
