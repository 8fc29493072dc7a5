package org.pimllm.sim.microbench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Locale;
import org.pimllm.sim.Category;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.sim.Mode;
import org.pimllm.sim.PimSystem;
import org.pimllm.sim.Timeline;

/**
 * PrIM's benchmarks (CMU-SAFARI/prim-benchmarks) reimplemented as DPU programs with PrIM's host code around
 * them, timed as PrIM's host timers time them. Each run returns the four times of the real-hardware CSV
 * (calibration/prim-real-hardware.csv): kernel, CPU-DPU, DPU-CPU and inter-DPU, in milliseconds of simulated
 * time. {@code param} is the CSV's total problem size (PrIM's strong scaling, -x 1). In FUNCTIONAL mode every
 * run checks its output against a CPU reference and fails if they differ.
 */
public final class PrimSuite {
  private PrimSuite() {}

  /** PrIM's NR_TASKLETS for every benchmark of the CSV (its Makefiles' default; the CSV's tasklets column). */
  static final int TASKLETS = 16;

  /** Times in ms as the CSV's columns name them, and whether the output was checked (FUNCTIONAL). */
  public record Times(double kernelMs, double cpuDpuMs, double dpuCpuMs, double interDpuMs, boolean verified) {}

  /** The benchmarks, by the CSV's names. */
  public enum Bench {
    BS("BS"), HST_L("HST-L"), HST_S("HST-S"), MLP("MLP"), RED("RED"), SCAN_RSS("SCAN-RSS"),
    SCAN_SSA("SCAN-SSA"), SEL("SEL"), TRNS("TRNS"), TS("TS"), UNI("UNI");

    private final String csvName;

    Bench(String csvName) {
      this.csvName = csvName;
    }

    public String csvName() {
      return csvName;
    }

    /** The benchmark of a CSV name (case-insensitive), or a one-line error naming the known ones. */
    public static Bench of(String name) {
      for (Bench b : values()) {
        if (b.csvName.equalsIgnoreCase(name) || b.name().equalsIgnoreCase(name)) {
          return b;
        }
      }
      throw new IllegalArgumentException("unknown PrIM benchmark '" + name + "'; known: "
          + String.join(", ", Arrays.stream(values()).map(Bench::csvName).toList()));
    }
  }

  /** Runs one benchmark at dpus DPUs with the CSV's param. */
  public static Times run(HardwareConfig cfg, Bench bench, int dpus, long param, Mode mode) {
    if (dpus < 1) {
      throw new IllegalArgumentException("--dpus must be at least 1, got " + dpus);
    }
    if (dpus > cfg.totalDpus()) { // before any per-DPU table is sized by it
      throw new IllegalArgumentException("cannot allocate " + dpus + " DPUs: " + cfg.name() + " has "
          + cfg.totalDpus() + "; choose 1.." + cfg.totalDpus() + " or another preset (pimllm hw list)");
    }
    if (param < 1) {
      throw new IllegalArgumentException("--param must be at least 1, got " + param);
    }
    return switch (bench) {
      case RED -> PrimStream.red(cfg, dpus, param, mode);
      case SCAN_RSS -> PrimStream.scanRss(cfg, dpus, param, mode);
      case SCAN_SSA -> PrimStream.scanSsa(cfg, dpus, param, mode);
      case SEL -> PrimStream.sel(cfg, dpus, param, mode);
      case UNI -> PrimStream.uni(cfg, dpus, param, mode);
      case HST_L -> PrimHst.run(cfg, dpus, param, true, mode);
      case HST_S -> PrimHst.run(cfg, dpus, param, false, mode);
      case BS -> PrimBs.run(cfg, dpus, param, mode);
      case MLP -> PrimMlp.run(cfg, dpus, param, mode);
      case TRNS -> PrimTrns.run(cfg, dpus, param, mode);
      case TS -> PrimTs.run(cfg, dpus, param, mode);
    };
  }

  // ---- host-side helpers shared by the benchmarks ----

  /** A PrIM host timer: the simulated time elapsed between start() and stop(), summed over intervals. */
  static final class HostTimer {
    private final Timeline tl;
    private long mark = -1;
    private double seconds;

    HostTimer(Timeline tl) {
      this.tl = tl;
    }

    void start() {
      mark = tl.mark();
    }

    void stop() {
      seconds += tl.totalSince(mark);
      mark = -1;
    }

    double ms() {
      return seconds * 1e3;
    }
  }

  /**
   * Host work inside a timer (a merge, a scan over per-DPU results): charged as HOST time at the preset's
   * single-core streaming rate (hostCpu.reduceGBps) over the bytes the loop reads.
   */
  static void hostLoop(PimSystem sys, String label, long bytesRead) {
    sys.timeline().charge(Category.HOST, label, bytesRead / sys.config().hostCpu().reduceBytesPerSecond());
  }

  static void check(boolean ok, String bench) {
    if (!ok) {
      throw new IllegalStateException(bench + ": the DPU result differs from the CPU reference");
    }
  }

  static long divCeil(long a, long b) {
    return (a + b - 1) / b;
  }

  static long roundUp(long a, long m) {
    return divCeil(a, m) * m;
  }

  static byte[] longs(long[] v, int from, int count) {
    ByteBuffer b = ByteBuffer.allocate(8 * count).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      b.putLong(from + i < v.length ? v[from + i] : 0);
    }
    return b.array();
  }

  static long[] toLongs(byte[] bytes) {
    long[] v = new long[bytes.length / 8];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(v);
    return v;
  }

  static byte[] ints(int[] v, int from, int count) {
    ByteBuffer b = ByteBuffer.allocate(4 * count).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      b.putInt(from + i < v.length ? v[from + i] : 0);
    }
    return b.array();
  }

  static int[] toInts(byte[] bytes) {
    int[] v = new int[bytes.length / 4];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(v);
    return v;
  }

  /** FUNCTIONAL runs hold the whole input in Java arrays: keep them small. */
  static void functionalLimit(Mode mode, long elements, String bench) {
    if (mode == Mode.FUNCTIONAL && elements > (16L << 20)) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "%s: FUNCTIONAL runs are limited to 16 Mi elements (got %d); use TIMING_ONLY for more", bench, elements));
    }
  }
}
