package org.pimllm.hostblas;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * This machine's CPU as the OS describes it (/proc/cpuinfo, /sys), and the peak rates that follow from it.
 *
 * <p>Read from the machine: the model name, the logical cores the JVM may use, the clock (cpufreq's maximum when
 * /sys exposes it, else /proc/cpuinfo's "cpu MHz", which on a VM is the nominal clock) and the SIMD flags. Not
 * readable anywhere, so stated as an assumption in {@link #peakNote()}: the number of vector FMA / multiply-add
 * pipes per core ({@link #VECTOR_PIPES}, two on every x86 core of the last decade with AVX2).
 *
 * @param model the "model name" line
 * @param cores logical cores available to the JVM
 * @param ghz the clock used for the peak, in GHz
 * @param clockSource where {@code ghz} came from
 * @param flags the SIMD-relevant flags present (avx2, fma, avx512f, avx512_vnni, avx_vnni, amx_int8, ...)
 */
public record HostCpu(String model, int cores, double ghz, String clockSource, Set<String> flags) {

  /** Vector multiply-add pipes per core: an assumption (see the class comment), stated next to every peak. */
  public static final int VECTOR_PIPES = 2;

  private static final List<String> SIMD_FLAGS = List.of("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw",
      "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_int8", "amx_bf16");

  /** Reads this machine; on a system without /proc/cpuinfo every field says "unknown" and the width is 128. */
  public static HostCpu detect() {
    List<String> lines;
    try {
      lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
    } catch (IOException | RuntimeException e) {
      lines = List.of();
    }
    return parse(lines, readMaxFreqKhz(), Runtime.getRuntime().availableProcessors());
  }

  /** Parses /proc/cpuinfo lines; {@code maxFreqKhz} is cpufreq's cpuinfo_max_freq or -1. */
  static HostCpu parse(List<String> cpuinfo, long maxFreqKhz, int cores) {
    String model = "unknown";
    double mhz = -1;
    Set<String> flags = new TreeSet<>();
    for (String line : cpuinfo) {
      int colon = line.indexOf(':');
      if (colon < 0) continue;
      String key = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      switch (key) {
        case "model name" -> { if (model.equals("unknown")) model = value; }
        case "cpu MHz" -> { if (mhz < 0) mhz = Double.parseDouble(value); }
        case "flags" -> {
          if (flags.isEmpty()) {
            for (String f : value.split("\\s+")) if (SIMD_FLAGS.contains(f)) flags.add(f);
          }
        }
        default -> { }
      }
    }
    if (maxFreqKhz > 0) {
      return new HostCpu(model, cores, maxFreqKhz / 1e6, "cpufreq cpuinfo_max_freq", flags);
    }
    return new HostCpu(model, cores, mhz > 0 ? mhz / 1e3 : 0, mhz > 0 ? "/proc/cpuinfo cpu MHz" : "unknown", flags);
  }

  private static long readMaxFreqKhz() {
    try {
      return Long.parseLong(Files.readString(Path.of("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq")).trim());
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The widest vector register the flags allow, in bits. */
  public int simdBits() {
    if (flags.contains("avx512f")) return 512;
    if (flags.contains("avx2") || flags.contains("avx")) return 256;
    return 128;
  }

  /** True when int8 dot products accumulate straight into int32 (VNNI) rather than through a saturating int16 step. */
  public boolean int8Vnni() {
    return flags.contains("avx512_vnni") || flags.contains("avx_vnni") || flags.contains("amx_int8");
  }

  /** fp32 peak, GFLOP/s: cores x GHz x lanes x 2 (FMA) x pipes. */
  public double fp32PeakGflops() {
    return cores * ghz * (simdBits() / 32.0) * 2 * VECTOR_PIPES;
  }

  /**
   * int8 peak, GOP/s (a MAC is two ops): cores x GHz x (bits / 8) MACs per instruction x pipes x 2; without VNNI an
   * int8 MAC takes two instructions (vpmaddubsw, then vpmaddwd to int32), so half that.
   */
  public double int8PeakGops() {
    double macsPerCycle = (simdBits() / 8.0) * VECTOR_PIPES / (int8Vnni() ? 1 : 2);
    return cores * ghz * macsPerCycle * 2;
  }

  /** How the peaks were obtained, one line. */
  public String peakNote() {
    return String.format(Locale.ROOT, "%d cores x %.3f GHz (%s) x %d-bit SIMD%s x %d vector pipes per core (assumed)%s",
        cores, ghz, clockSource, simdBits(), int8Vnni() ? " with VNNI" : " without VNNI", VECTOR_PIPES,
        flags.contains("amx_int8") ? "; AMX tiles not counted (oneDNN may use them: ONEDNN_MAX_CPU_ISA=AVX512_CORE_VNNI"
            + " keeps it to the vector units this peak counts)" : "");
  }
}
