package org.pimllm.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pimllm.sim.DType;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.sim.HostTransferModel;
import org.pimllm.sim.Mode;
import org.pimllm.sim.OpClass;
import org.pimllm.sim.microbench.ArithBench;
import org.pimllm.sim.microbench.Calibration;
import org.pimllm.sim.microbench.GemvBench;
import org.pimllm.sim.microbench.MramBench;
import org.pimllm.sim.microbench.PrimHardware;
import org.pimllm.sim.microbench.PrimSuite;
import org.pimllm.sim.microbench.VaBench;
import org.pimllm.sim.microbench.XferBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pimllm microbench ...}: PrIM's microbenchmarks run as DPU programs on the simulator. */
@Command(name = "microbench", mixinStandardHelpOptions = true,
    description = "Run PrIM's microbenchmarks on the simulator (every figure is simulated, not measured; except"
        + " 'host', which measures this machine).",
    subcommands = {MicrobenchCommand.Mram.class, MicrobenchCommand.Arith.class, MicrobenchCommand.Xfer.class,
        MicrobenchCommand.Va.class, MicrobenchCommand.Gemv.class, MicrobenchCommand.Calibrate.class,
        MicrobenchCommand.Prim.class, HostMicrobenchCommand.class})
public final class MicrobenchCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  /** Options every microbenchmark takes. */
  static final class Common {
    @Option(names = "--hw", paramLabel = "PRESET", defaultValue = "upmem-2556-350",
        description = "Hardware preset or preset JSON file (default: ${DEFAULT-VALUE}, PrIM's system).")
    String hw;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE) CommandLine.Model.CommandSpec spec;

    HardwareConfig config() {
      return HardwareConfig.presetOrFile(hw);
    }

    /**
     * Prints a result record's components (enums in lower case) as JSON, or as aligned "name value" lines
     * under a title.
     */
    void print(String title, Record result) throws JsonProcessingException {
      PrintWriter out = spec.commandLine().getOut();
      Map<String, Object> all = new LinkedHashMap<>();
      all.put("hw", hw);
      Map<String, Object> fields = new LinkedHashMap<>();
      for (var c : result.getClass().getRecordComponents()) {
        Object v;
        try {
          v = c.getAccessor().invoke(result);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("cannot read " + c.getName() + " of " + result, e);
        }
        fields.put(c.getName(), v instanceof Enum<?> en ? en.name().toLowerCase(Locale.ROOT) : v);
      }
      all.putAll(fields);
      if (json) {
        out.println(HwCommand.JSON.writeValueAsString(all));
        return;
      }
      out.println(title + " on " + hw + " (simulated)");
      int width = fields.keySet().stream().mapToInt(String::length).max().orElse(8);
      fields.forEach((k, v) -> out.printf(Locale.ROOT, "  %-" + width + "s  %s%n", k,
          v instanceof Double d ? String.format(Locale.ROOT, "%.4g", d) : v));
    }
  }

  /** Options of the PrIM kernels (VA, GEMV): DPUs, tasklets, verification. */
  static final class Kernel {
    @Option(names = "--dpus", defaultValue = "1", description = "DPUs (default: ${DEFAULT-VALUE}).")
    int dpus;

    @Option(names = "--tasklets", defaultValue = "16", description = "Tasklets (default: ${DEFAULT-VALUE}).")
    int tasklets;

    @Option(names = "--verify", description = "Run FUNCTIONAL and check the result against the CPU (slower).")
    boolean verify;

    int dpus() {
      positive("--dpus", dpus);
      return dpus;
    }

    Mode mode() {
      return verify ? Mode.FUNCTIONAL : Mode.TIMING_ONLY;
    }

    @Override
    public String toString() {
      return dpus + " DPU(s) x " + tasklets + " tasklet(s)";
    }
  }

  static <E extends Enum<E>> E parse(Class<E> type, String option, String value) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(value)) {
        return e;
      }
    }
    StringBuilder known = new StringBuilder();
    for (E e : type.getEnumConstants()) {
      known.append(known.isEmpty() ? "" : ", ").append(e.name().toLowerCase(Locale.ROOT));
    }
    throw new IllegalArgumentException(option + " " + value + " is not one of: " + known);
  }

  static void positive(String option, long v) {
    if (v < 1) {
      throw new IllegalArgumentException(option + " must be at least 1, got " + v);
    }
  }

  @Command(name = "mram", mixinStandardHelpOptions = true,
      description = "MRAM<->WRAM DMA latency (cycles) and bandwidth (MB/s), as PrIM's MRAM-Latency measures them.")
  static final class Mram implements Callable<Integer> {
    @Mixin Common common;

    @Option(names = "--direction", defaultValue = "read", description = "read or write (default: ${DEFAULT-VALUE}).")
    String direction;

    @Option(names = "--bytes", defaultValue = "2048", description = "Bytes per transfer, 8..2048 (default: ${DEFAULT-VALUE}).")
    int bytes;

    @Option(names = "--tasklets", defaultValue = "1", description = "Tasklets (default: ${DEFAULT-VALUE}).")
    int tasklets;

    @Override
    public Integer call() throws JsonProcessingException {
      var r = MramBench.run(common.config(), parse(MramBench.Direction.class, "--direction", direction), bytes, tasklets);
      common.print("MRAM " + direction + " " + bytes + " B x " + tasklets + " tasklet(s)", r);
      return 0;
    }
  }

  @Command(name = "arith", mixinStandardHelpOptions = true,
      description = "Arithmetic throughput (MOPS) streaming from MRAM, as PrIM's Arithmetic-Throughput measures it.")
  static final class Arith implements Callable<Integer> {
    @Mixin Common common;

    @Option(names = "--op", defaultValue = "add", description = "add, sub, mul or div (default: ${DEFAULT-VALUE}).")
    String op;

    @Option(names = "--dtype", defaultValue = "int32", description = "int32, int64, float or double (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--tasklets", defaultValue = "16", description = "Tasklets (default: ${DEFAULT-VALUE}).")
    int tasklets;

    @Override
    public Integer call() throws JsonProcessingException {
      var r = ArithBench.run(common.config(), parse(OpClass.class, "--op", op), parse(DType.class, "--dtype", dtype),
          tasklets);
      common.print("arith " + op + " " + dtype + " x " + tasklets + " tasklet(s)", r);
      return 0;
    }
  }

  @Command(name = "xfer", mixinStandardHelpOptions = true,
      description = "Host<->DPU transfer time and bandwidth (bytes delivered to all DPUs / time), as PrIM's CPU-DPU.")
  static final class Xfer implements Callable<Integer> {
    @Mixin Common common;

    @Option(names = "--kind", defaultValue = "parallel", description = "serial, parallel or broadcast (default: ${DEFAULT-VALUE}).")
    String kind;

    @Option(names = "--direction", defaultValue = "h2d", description = "h2d or d2h (default: ${DEFAULT-VALUE}).")
    String direction;

    @Option(names = "--dpus", defaultValue = "64", description = "DPUs (default: ${DEFAULT-VALUE}, one rank).")
    int dpus;

    @Option(names = "--bytes-per-dpu", defaultValue = "33554432", description = "Bytes per DPU, a multiple of 8 (default: ${DEFAULT-VALUE}).")
    long bytesPerDpu;

    @Option(names = "--numa-aware", description = "Place host buffers on each rank's socket (default: the preset's host.numaAwareAllocation; the stock SDK does not).")
    boolean numaAware;

    @Override
    public Integer call() throws JsonProcessingException {
      positive("--dpus", dpus);
      var cfg = numaAware ? common.config().withNumaAwareAllocation(true) : common.config();
      var r = XferBench.run(cfg, parse(HostTransferModel.Kind.class, "--kind", kind),
          parse(HostTransferModel.Direction.class, "--direction", direction), dpus, bytesPerDpu);
      common.print("xfer " + kind + " " + direction + " " + dpus + " DPU(s) x " + bytesPerDpu + " B"
          + (cfg.host().numaAwareAllocation() ? ", NUMA-aware buffers" : ""), r);
      return 0;
    }
  }

  @Command(name = "va", mixinStandardHelpOptions = true,
      description = "PrIM's vector addition (int32): CPU-DPU, kernel and DPU-CPU times.")
  static final class Va implements Callable<Integer> {
    @Mixin Common common;

    @Mixin Kernel kernel;

    @Option(names = "--elements", defaultValue = "2621440", description = "Elements in total (default: ${DEFAULT-VALUE}, PrIM's).")
    long elements;

    @Override
    public Integer call() throws JsonProcessingException {
      var r = VaBench.run(common.config(), kernel.dpus(), elements, kernel.tasklets, kernel.mode());
      common.print("VA " + elements + " elements on " + kernel, r);
      return 0;
    }
  }

  @Command(name = "gemv", mixinStandardHelpOptions = true,
      description = "PrIM's GEMV (uint32): CPU-DPU, kernel and DPU-CPU times.")
  static final class Gemv implements Callable<Integer> {
    @Mixin Common common;

    @Mixin Kernel kernel;

    @Option(names = "--rows", defaultValue = "8192", description = "M, rows of the matrix (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--cols", defaultValue = "1024", description = "N, columns, even (default: ${DEFAULT-VALUE}).")
    int cols;

    @Override
    public Integer call() throws JsonProcessingException {
      var r = GemvBench.run(common.config(), kernel.dpus(), rows, cols, kernel.tasklets, kernel.mode());
      common.print("GEMV " + rows + " x " + cols + " on " + kernel, r);
      return 0;
    }
  }

  @Command(name = "calibration", mixinStandardHelpOptions = true,
      description = "Every published PrIM figure next to the simulator's value and the error (Markdown table).")
  static final class Calibrate implements Callable<Integer> {
    @Mixin Common common;

    @Override
    public Integer call() throws JsonProcessingException {
      List<Calibration.Row> rows = Calibration.rows(common.config());
      PrintWriter out = common.spec.commandLine().getOut();
      if (common.json) {
        out.println(HwCommand.JSON.writeValueAsString(new java.util.TreeMap<>(Map.of("hw", common.hw, "rows", rows))));
      } else {
        out.print(Calibration.markdown(rows));
        out.flush();
      }
      return 0;
    }
  }

  @Command(name = "prim", mixinStandardHelpOptions = true,
      description = {"A PrIM benchmark at the real-hardware CSV's sizes, simulated.",
          "BS, HST-L, HST-S, MLP, RED, SCAN-RSS, SCAN-SSA, SEL, TRNS, TS, UNI: kernel, CPU-DPU, DPU-CPU and inter-DPU"
              + " times (ms, simulated).",
          "With --all: every row of calibration/prim-real-hardware.csv, measured vs simulated, and the MAPE."})
  static final class Prim implements Callable<Integer> {
    @Mixin Common common;

    @CommandLine.Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "Benchmark name as in the CSV.")
    String name;

    @Option(names = "--dpus", defaultValue = "1", description = "DPUs (default: ${DEFAULT-VALUE}).")
    int dpus;

    @Option(names = "--param", description = "Total problem size, as the CSV's param column.")
    Long param;

    @Option(names = "--all", description = "Every CSV row: measured vs simulated times and errors, then the MAPE.")
    boolean all;

    @Option(names = "--verify", description = "Run FUNCTIONAL and check the output against the CPU (small sizes).")
    boolean verify;

    @Override
    public Integer call() throws JsonProcessingException {
      PrintWriter out = common.spec.commandLine().getOut();
      if (all) {
        if (name != null || param != null) {
          throw new IllegalArgumentException("--all runs every CSV row; drop NAME and --param");
        }
        List<PrimHardware.Row> rows = PrimHardware.compare(common.config());
        if (common.json) {
          Map<String, Object> doc = new LinkedHashMap<>();
          doc.put("hw", common.hw);
          doc.put("rows", rows.stream().map(Prim::json).toList());
          doc.put("mape", PrimHardware.mapes(rows));
          out.println(HwCommand.JSON.writeValueAsString(doc));
        } else {
          out.print(PrimHardware.markdown(rows));
          out.flush();
        }
        return 0;
      }
      if (name == null) {
        throw new IllegalArgumentException("name a benchmark (BS, HST-L, HST-S, MLP, RED, SCAN-RSS, SCAN-SSA, SEL,"
            + " TRNS, TS, UNI) or use --all");
      }
      if (param == null) {
        throw new IllegalArgumentException("--param is required: the total problem size, as the CSV's param column");
      }
      positive("--dpus", dpus);
      PrimSuite.Bench bench = PrimSuite.Bench.of(name);
      var r = PrimSuite.run(common.config(), bench, dpus, param, verify ? Mode.FUNCTIONAL : Mode.TIMING_ONLY);
      common.print("PrIM " + bench.csvName() + " param " + param + " on " + dpus + " DPU(s)", r);
      return 0;
    }

    private static Map<String, Object> json(PrimHardware.Row r) {
      Map<String, Object> m = new LinkedHashMap<>();
      var hw = r.hw();
      var sim = r.sim();
      m.put("benchmark", hw.benchmark());
      m.put("dpus", hw.dpus());
      m.put("param", hw.param());
      m.put("hwKernelMs", hw.kernelMs());
      m.put("kernelMs", sim.kernelMs());
      m.put("kernelError", r.kernelError());
      m.put("hwCpuDpuMs", hw.cpuDpuMs());
      m.put("cpuDpuMs", sim.cpuDpuMs());
      m.put("hwDpuCpuMs", hw.dpuCpuMs());
      m.put("dpuCpuMs", sim.dpuCpuMs());
      m.put("hwInterDpuMs", hw.interDpuMs());
      m.put("interDpuMs", sim.interDpuMs());
      m.put("transferError", r.transferError());
      return m;
    }
  }
}
