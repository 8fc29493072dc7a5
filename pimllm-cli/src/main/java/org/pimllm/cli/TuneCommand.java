package org.pimllm.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.GemmShape;
import org.pimllm.pgemm.TilingPlan;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.tileselector.Oracle;
import org.pimllm.tileselector.PaperSuite;
import org.pimllm.tileselector.Tuning;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pimllm tune}: the Tile-Selector's plan for a GEMM (or the paper suite), optionally against the oracle. */
@Command(name = "tune", mixinStandardHelpOptions = true,
    description = {"Choose a PGEMMlib plan with the Tile-Selector's analytical model and simulate it.",
        "With --oracle also simulate every candidate plan and compare. --suite paper runs the built-in suite of GEMMs"
            + " from the PIM-LLM paper's models (seq 128 and 512; 256..2,048 DPUs)."})
public final class TuneCommand implements Callable<Integer> {
  @Option(names = "--b", defaultValue = "1", description = "Batch count (default ${DEFAULT-VALUE}).")
  int b;
  @Option(names = "--m", description = "Rows of A and C.")
  Integer m;
  @Option(names = "--k", description = "Columns of A, rows of B.")
  Integer k;
  @Option(names = "--n", description = "Columns of B and C.")
  Integer n;
  @Option(names = {"--precision", "--dtype"}, defaultValue = "int8", paramLabel = "int8|int16|int32|fp32|int4", description = "Element type:"
      + " int8, int16, int32, fp32 or int4 (int8 x int4 weights with group multipliers; int4_g64, int4_g32)"
      + " (default ${DEFAULT-VALUE}, as every command; --dtype is the old name).")
  String dtype;
  @Option(names = "--dpus", defaultValue = "2048", description = "DPU budget (default ${DEFAULT-VALUE}).")
  int dpus;
  @Option(names = "--hw", defaultValue = "upmem-2560-450", description = "Hardware preset name or JSON file (default ${DEFAULT-VALUE}, as pimllm gemm).")
  String hw;
  @Option(names = "--suite", description = "Run a built-in suite instead of one shape: paper (64 GEMMs of the paper's models) or random (seeded random shapes, off-suite).")
  String suite;
  @Option(names = "--seed", defaultValue = "1", description = "Seed of --suite random (default ${DEFAULT-VALUE}).")
  long seed;
  /** The most cases of --suite random (seconds each with --oracle; the outcomes are all kept for the summary). */
  static final int MAX_RANDOM_CASES = 10_000;

  @Option(names = "--count", defaultValue = "100", description = "Cases of --suite random (default ${DEFAULT-VALUE}).")
  int count;
  @Option(names = "--oracle", description = "Also simulate every candidate plan (the exhaustive oracle) and compare.")
  boolean oracle;
  @Option(names = "--threads", description = "Oracle worker threads (default: min(2, cores)).")
  Integer threads;
  @Option(names = "--json", description = "Print JSON instead of text.")
  boolean json;
  @Option(names = "--no-progress", description = "Do not show the progress bar (it is off anyway when the output is not a terminal).")
  boolean noProgress;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    HardwareConfig cfg = HardwareConfig.presetOrFile(hw);
    int nThreads = threads == null ? Oracle.defaultThreads() : threads;
    if (nThreads < 1) {
      throw new IllegalArgumentException("--threads must be >= 1, got " + nThreads);
    }
    Tuning tuning = new Tuning(cfg, oracle ? nThreads : 0);
    PrintWriter out = spec.commandLine().getOut();
    Object result;
    if (suite != null) {
      if (m != null || k != null || n != null) {
        throw new IllegalArgumentException("--suite runs its own shapes; drop --m/--k/--n (or drop --suite)");
      }
      List<PaperSuite.Case> cases = switch (suite.toLowerCase(Locale.ROOT)) {
        case "paper" -> PaperSuite.cases();
        case "random" -> {
          if (count < 1 || count > MAX_RANDOM_CASES) {
            // a count in the millions runs for hours and holds every outcome in memory: refuse it now
            throw new IllegalArgumentException("--count must be between 1 and " + MAX_RANDOM_CASES + ", got " + count);
          }
          yield PaperSuite.random(seed, count);
        }
        default -> throw new IllegalArgumentException("unknown suite '" + suite + "'; known: paper, random");
      };
      result = runSuite(cfg, tuning, out, suite.toLowerCase(Locale.ROOT), cases);
    } else {
      if (m == null || k == null || n == null) {
        throw new IllegalArgumentException("give the GEMM shape with --m, --k and --n (and --b for a batch), or --suite paper");
      }
      CompileCommand.checkDpus(dpus, cfg);
      GemmShape shape = GemmShape.of(b, m, k, n);
      GemmDType type = GemmDType.parse(dtype);
      GemmCommand.checkFits(shape, type, cfg, dpus);
      Tuning.Outcome o = withProgress(tuning, "oracle", shape, type, dpus, tuning.candidateCount(shape, type, dpus));
      result = caseJson(o);
      if (!json) {
        printCase(out, o, true);
      }
    }
    if (json) {
      out.println(HwCommand.JSON.writeValueAsString(result));
    }
    out.flush();
    return 0;
  }

  private Map<String, Object> runSuite(HardwareConfig cfg, Tuning tuning, PrintWriter out, String name,
      List<PaperSuite.Case> cases) {
    List<Tuning.Outcome> outcomes = new ArrayList<>();
    if (!json) {
      out.printf(Locale.ROOT, "Tile-Selector on the %s suite (%d cases, %s)%n", name, cases.size(), cfg.name());
    }
    try (ProgressBar bar = progressBar(oracle ? "oracle" : "tune", cases.size())) {
      for (PaperSuite.Case c : cases) {
        Tuning.Outcome o = tuning.tune(c.name(), c.shape(), c.dtype(), c.dpus(), null);
        outcomes.add(o);
        if (bar != null) {
          bar.step();
        }
        if (!json) {
          printCase(out, o, false);
          out.flush();
        }
      }
    }
    double median = tuning.medianSelectionMicros(cases);
    Tuning.Summary s = Tuning.summarize(outcomes, median);
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("cases", s.cases());
    if (oracle) {
      summary.put("geomeanOracleOverSelected", s.geomeanRatio());
      summary.put("optimal", s.optimal());
      summary.put("within5Percent", s.within5());
    }
    summary.put("medianSelectionMicros", s.medianSelectionMicros());
    if (!json) {
      out.printf(Locale.ROOT, "summary: %d cases", s.cases());
      if (oracle) {
        out.printf(Locale.ROOT, "; geomean oracle/selected %.4f; optimal %d/%d; within 5%% %d/%d", s.geomeanRatio(),
            s.optimal(), s.cases(), s.within5(), s.cases());
      }
      out.printf(Locale.ROOT, "; median selection %.0f us (wall clock, after warm-up)%n", s.medianSelectionMicros());
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("suite", name);
    root.put("hw", cfg.name());
    List<Object> list = new ArrayList<>();
    outcomes.forEach(o -> list.add(caseJson(o)));
    root.put("cases", list);
    root.put("summary", summary);
    return root;
  }

  private Tuning.Outcome withProgress(Tuning tuning, String label, GemmShape shape, GemmDType type, int d, int total) {
    if (!oracle) {
      return tuning.tune("", shape, type, d, null);
    }
    try (ProgressBar bar = progressBar(label, total)) {
      return tuning.tune("", shape, type, d, bar == null ? null : done -> bar.stepTo(done));
    }
  }

  /** A progress bar on stderr, or null when off (--no-progress, or the output is not a terminal). */
  private ProgressBar progressBar(String label, int total) {
    if (!Main.showProgress(noProgress)) {
      return null;
    }
    PrintWriter err = spec.commandLine().getErr();
    return new ProgressBarBuilder().setTaskName(label).setInitialMax(total)
        .setConsumer(new DelegatingProgressBarConsumer(line -> {
          err.print('\r' + line);
          err.flush();
        }, 80))
        .build();
  }

  private void printCase(PrintWriter out, Tuning.Outcome o, boolean detailed) {
    if (!detailed) {
      out.printf(Locale.ROOT, "%-30s %-20s %4d DPUs  selected %9.4f ms  predicted %9.4f ms", o.name(), o.shape(), o.dpus(),
          o.selectedSeconds() * 1e3, o.selection().predictedSeconds() * 1e3);
      if (o.oracle() != null) {
        out.printf(Locale.ROOT, "  oracle %9.4f ms  ratio %.4f  rank %d/%d", o.oracleSeconds() * 1e3, o.ratio(), o.rank(),
            o.oracle().all().size());
      }
      out.printf(Locale.ROOT, "  cpu %9.4f ms%n", o.cpuSeconds() * 1e3);
      return;
    }
    out.printf(Locale.ROOT, "GEMM %s %s, at most %d DPUs%n", o.shape(), o.dtype().cliName(), o.dpus());
    out.printf(Locale.ROOT, "  selected plan   %s%n", o.selection().plan());
    out.printf(Locale.ROOT, "  predicted       %.4f ms (analytical model)%n", o.selection().predictedSeconds() * 1e3);
    out.printf(Locale.ROOT, "  simulated       %.4f ms (TIMING_ONLY simulation of the selected plan)%n", o.selectedSeconds() * 1e3);
    out.printf(Locale.ROOT, "  selection       %.0f us wall clock (one call in a fresh JVM, JIT warm-up included), %d partitions searched%n", o.selection().selectionMicros(),
        o.selection().candidates());
    if (o.oracle() != null) {
      out.printf(Locale.ROOT, "  oracle plan     %s%n", o.oracle().best().plan());
      out.printf(Locale.ROOT, "  oracle          %.4f ms (fastest of %d candidates; %d simulated, the rest bounded slower)%n",
          o.oracleSeconds() * 1e3, o.oracle().all().size(), o.oracle().simulatedCount());
      out.printf(Locale.ROOT, "  oracle/selected %.4f, rank %d%n", o.ratio(), o.rank());
    }
    out.printf(Locale.ROOT, "  host CPU        %.4f ms (TVM_CPU profile), %.4f ms (PEAK profile) (host-CPU model)%n",
        o.cpuSeconds() * 1e3, o.cpuPeakSeconds() * 1e3);
  }

  private Map<String, Object> caseJson(Tuning.Outcome o) {
    Map<String, Object> j = new LinkedHashMap<>();
    if (!o.name().isEmpty()) {
      j.put("name", o.name());
    }
    GemmShape s = o.shape();
    Map<String, Object> shape = new LinkedHashMap<>(); // not Map.of: its key order changes from JVM to JVM
    shape.put("b", s.b());
    shape.put("m", s.m());
    shape.put("k", s.k());
    shape.put("n", s.n());
    j.put("shape", shape);
    j.put("dtype", o.dtype().cliName());
    j.put("dpus", o.dpus());
    j.put("plan", planJson(o.selection().plan()));
    j.put("predictedMs", o.selection().predictedSeconds() * 1e3);
    j.put("selectedMs", o.selectedSeconds() * 1e3);
    j.put("selectionMicros", o.selection().selectionMicros());
    j.put("partitionsSearched", o.selection().candidates());
    if (o.oracle() != null) {
      j.put("oracleMs", o.oracleSeconds() * 1e3);
      j.put("oraclePlan", planJson(o.oracle().best().plan()));
      j.put("oracleOverSelected", o.ratio());
      j.put("rank", o.rank());
      j.put("candidates", o.oracle().all().size());
      j.put("candidatesSimulated", o.oracle().simulatedCount());
    }
    j.put("cpuMs", o.cpuSeconds() * 1e3);
    j.put("cpuPeakMs", o.cpuPeakSeconds() * 1e3);
    return j;
  }

  private static Map<String, Object> planJson(TilingPlan p) {
    Map<String, Object> m = GemmCommand.planJson(p);
    m.put("kSplit", p.kernel().kSplit());
    return m;
  }
}
