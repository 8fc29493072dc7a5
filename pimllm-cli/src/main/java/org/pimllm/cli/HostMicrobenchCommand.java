package org.pimllm.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pimllm.hostblas.HostBench;
import org.pimllm.hostblas.HostCpu;
import org.pimllm.hostblas.Citability;
import org.pimllm.hostblas.HostFractions;
import org.pimllm.hostblas.OneDnn;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pimllm microbench host}: this machine measured (not simulated): oneDNN's int8 and fp32 GEMMs at the zoo
 * models' prefill and GEMV shapes and a STREAM-like memory bandwidth, next to the CPU's peak.
 */
@Command(name = "host", mixinStandardHelpOptions = true,
    description = "MEASURE this machine: oneDNN int8 (u8 x s8 -> s32) and fp32 GEMMs at zoo-model shapes and"
        + " STREAM-like copy/triad bandwidth, next to the CPU's peak (cores, clock, SIMD from /proc/cpuinfo).")
final class HostMicrobenchCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Option(names = "--m", split = ",", defaultValue = "1,128,512",
      description = "Rows M of the GEMMs (activations; 1 = GEMV/decode, 128 and 512 = prefill) (default: ${DEFAULT-VALUE}).")
  List<Integer> ms;

  @Option(names = "--warmup", defaultValue = "2", description = "Warmup runs per measurement (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--reps", defaultValue = "5", description = "Measured repetitions per measurement (default: ${DEFAULT-VALUE}).")
  int reps;

  @Option(names = "--stream-mib", defaultValue = "64",
      description = "Size of each STREAM array in MiB, well above the caches (default: ${DEFAULT-VALUE}).")
  int streamMib;

  @Option(names = "--hw", defaultValue = "upmem-2560-450", description = "Preset whose hostCpu efficiencies the measured"
      + " fractions are printed next to (default: ${DEFAULT-VALUE}).")
  String hw;

  /** Load average per core above which the figures describe other processes more than this CPU. */
  static final double IDLE_LOAD_PER_CORE = 0.5;

  @Override
  public Integer call() throws Exception {
    MicrobenchCommand.positive("--reps", reps);
    MicrobenchCommand.positive("--stream-mib", streamMib);
    if (warmup < 0) throw new IllegalArgumentException("--warmup must be 0 or more, got " + warmup);
    for (int m : ms) MicrobenchCommand.positive("--m", m);
    PrintWriter out = spec.commandLine().getOut();
    org.pimllm.sim.HardwareConfig preset = org.pimllm.sim.HardwareConfig.presetOrFile(hw);
    HostCpu cpu = HostCpu.detect();
    double loadBefore = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    OneDnn.Availability dnnl = OneDnn.availability();
    List<HostBench.GemmResult> gemms = new ArrayList<>();
    if (dnnl.loaded()) {
      for (HostBench.Shape s : HostBench.zooShapes(ms.stream().mapToInt(Integer::intValue).toArray())) {
        for (HostBench.Precision p : HostBench.Precision.values()) {
          gemms.add(HostBench.gemm(s, p, cpu, warmup, reps));
        }
      }
    }
    long elements = (long) streamMib * 1024 * 1024 / Double.BYTES;
    List<HostBench.StreamResult> stream = HostBench.stream(elements, cpu.cores(), warmup, reps);
    double loadAfter = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    double load = Math.max(loadBefore, loadAfter);
    boolean idle = load >= 0 && load <= IDLE_LOAD_PER_CORE * cpu.cores();
    HostFractions fractions = HostFractions.of(gemms, stream, preset.hostCpu().peak().memoryEfficiency());
    long gemvBytes = gemms.stream().filter(g -> g.shape().name().equals(fractions.gemvShape()))
        .mapToLong(g -> (long) g.shape().k() * g.shape().n()).findFirst().orElse(0); // int8 weights: 1 B each
    Citability cite = Citability.judge(fractions, idle, gemvBytes, elements * Double.BYTES, Citability.lastLevelCacheBytes());
    if (json) {
      Map<String, Object> all = new LinkedHashMap<>();
      all.put("measured", "on this machine (wall clock)");
      all.put("cpu", cpu);
      all.put("simdBits", cpu.simdBits());
      all.put("int8PeakGops", cpu.int8PeakGops());
      all.put("fp32PeakGflops", cpu.fp32PeakGflops());
      all.put("peakNote", cpu.peakNote());
      all.put("onednn", dnnl);
      all.put("gemms", gemms);
      all.put("stream", stream);
      all.put("loadAverage", load);
      all.put("idleEnoughToCite", idle);
      all.put("hostModelFractions", fractions);
      all.put("citable", cite);
      out.println(HwCommand.JSON.writeValueAsString(all));
      return 0;
    }
    out.printf(Locale.ROOT, "Host CPU (measured on this machine): %s, flags %s%n", cpu.model(), cpu.flags());
    out.printf(Locale.ROOT, "  peak int8 %.1f GOPS, fp32 %.1f GFLOPS: %s%n", cpu.int8PeakGops(),
        cpu.fp32PeakGflops(), cpu.peakNote());
    out.println("  " + dnnl.reason());
    if (!gemms.isEmpty()) {
      out.printf(Locale.ROOT, "%n  %-34s %-5s %12s %9s %10s %8s%n", "GEMM (M x K x N)", "type", "median ms",
          "spread", "GOPS", "of peak");
      for (HostBench.GemmResult g : gemms) {
        out.printf(Locale.ROOT, "  %-34s %-5s %12.3f %8.1f%% %10.2f %7.1f%%%n", g.shape().name(),
            g.precision().name().toLowerCase(Locale.ROOT), g.timing().medianSeconds() * 1e3,
            g.timing().spread() * 100, g.gops(), g.fractionOfPeak() * 100);
      }
    }
    out.printf(Locale.ROOT, "%n  %-10s %14s %8s %12s %9s %10s%n", "STREAM", "elements", "threads", "median ms",
        "spread", "GB/s");
    for (HostBench.StreamResult s : stream) {
      out.printf(Locale.ROOT, "  %-10s %14d %8d %12.3f %8.1f%% %10.2f%n", s.kernel(), s.elements(), s.threads(),
          s.timing().medianSeconds() * 1e3, s.timing().spread() * 100, s.gbPerSecond());
    }
    out.printf(Locale.ROOT, "%n  %d warmup run(s), %d measured repetition(s) each; spread = (max - min) / median;"
        + " int8 activations 0..127, weights -128..127%n", warmup, reps);
    printFractions(out, fractions, preset, load, idle, cpu.cores(), cite);
    return 0;
  }

  /** The measured fractions next to the preset's hostCpu efficiencies they stand for (docs/host-baseline.md). */
  private static void printFractions(PrintWriter out, HostFractions f, org.pimllm.sim.HardwareConfig preset, double load,
      boolean idle, int cores, Citability cite) {
    var peak = preset.hostCpu().peak();
    out.printf(Locale.ROOT, "%nHost-model fractions measured here, next to preset %s's hostCpu values%n", preset.name());
    out.printf(Locale.ROOT, "  %-28s preset %5.2f   measured %s (best prefill int8 GEMM over this CPU's int8 peak%s)%n",
        "peakComputeEfficiency", peak.computeEfficiency(), frac(f.prefillComputeFraction()),
        f.prefillShape().isEmpty() ? "" : ", " + f.prefillShape());
    out.printf(Locale.ROOT, "  %-28s preset %5.2f   measured %s (int8 GEMV %s streams %.2f GB/s of weights = %s of STREAM"
        + " triad, x peakMemoryEfficiency %.2f)%n", "peakGemvMemoryEfficiency", peak.gemvMemoryEfficiency(),
        frac(f.gemvMemoryFraction()), f.gemvShape(), f.gemvGbPerSecond(), frac(f.gemvStreamFraction()),
        f.streamMemoryEfficiency());
    out.printf(Locale.ROOT, "  load average %.2f on %d cores: %s%n", load, cores, idle
        ? "idle enough to cite (docs/host-baseline.md says how they transfer to the modelled host)"
        : "NOT idle (above " + IDLE_LOAD_PER_CORE + " per core): these figures describe the load, do not cite them");
    out.printf(Locale.ROOT, "  cite peakComputeEfficiency: %s; cite peakGemvMemoryEfficiency: %s%n",
        cite.prefillCompute() ? "yes" : "no", cite.gemvMemory() ? "yes" : "no");
    for (String r : cite.reasons()) out.println("    not citable: " + r);
  }

  private static String frac(double x) {
    return Double.isNaN(x) ? "-" : String.format(Locale.ROOT, "%.3f", x);
  }
}
