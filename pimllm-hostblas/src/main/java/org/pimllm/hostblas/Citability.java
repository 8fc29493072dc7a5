package org.pimllm.hostblas;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether the fractions {@link HostFractions} measured on this machine may stand for the modelled host's DRAM-bound
 * and compute-bound efficiencies. Being idle is not enough: a fraction over 1 means the peak it divides by is too low
 * (the clock read is not the clock the cores run at, or the core count of a VM is not what the GEMM used), and a
 * GEMV or STREAM whose bytes fit this CPU's last-level cache measures the cache, not DRAM (VMs on large-cache
 * servers report hundreds of MiB of L3).
 *
 * @param prefillCompute  whether {@code prefillComputeFraction} may be cited
 * @param gemvMemory      whether {@code gemvMemoryFraction} may be cited
 * @param llcBytes        this CPU's last-level cache as the kernel reports it (-1 if unknown)
 * @param reasons         why not, one sentence each (empty when both may be cited)
 */
public record Citability(boolean prefillCompute, boolean gemvMemory, long llcBytes, List<String> reasons) {

  /**
   * Judges measured fractions: {@code idle} from the load average, {@code gemvWeightBytes} the bytes the measured GEMV
   * streams, {@code streamArrayBytes} the bytes of one STREAM array (triad touches three).
   */
  public static Citability judge(HostFractions f, boolean idle, long gemvWeightBytes, long streamArrayBytes, long llcBytes) {
    List<String> why = new ArrayList<>();
    boolean compute = idle;
    boolean memory = idle;
    if (!idle) why.add("the machine was not idle");
    if (!(f.prefillComputeFraction() <= 1)) {
      compute = false;
      why.add(String.format(Locale.ROOT, "the prefill GEMM reached %.2f of the computed peak: the peak is underestimated"
          + " (the clock read is not what the cores run at, or the VM's cores are not what the GEMM used)",
          f.prefillComputeFraction()));
    }
    if (llcBytes > 0 && gemvWeightBytes <= llcBytes) {
      memory = false;
      why.add(String.format(Locale.ROOT, "the GEMV's %.1f MiB of weights fit this CPU's %.0f MiB last-level cache: it"
          + " streams from the cache, not from DRAM", gemvWeightBytes / 1048576.0, llcBytes / 1048576.0));
    }
    if (llcBytes > 0 && 3 * streamArrayBytes <= llcBytes) {
      memory = false;
      why.add(String.format(Locale.ROOT, "STREAM's three %.0f MiB arrays fit the %.0f MiB last-level cache (use a larger"
          + " --stream-mib)", streamArrayBytes / 1048576.0, llcBytes / 1048576.0));
    }
    if (!(f.gemvMemoryFraction() <= 1)) {
      memory = false;
      why.add(String.format(Locale.ROOT, "the GEMV stream reached %.2f of the DRAM bandwidth it is scaled to",
          f.gemvMemoryFraction()));
    }
    return new Citability(compute, memory, llcBytes, List.copyOf(why));
  }

  /** The largest cache of cpu0 that /sys reports (the last level), in bytes, or -1 if unknown. */
  public static long lastLevelCacheBytes() {
    long best = -1;
    for (int i = 0; i < 8; i++) {
      Path size = Path.of("/sys/devices/system/cpu/cpu0/cache/index" + i + "/size");
      try {
        best = Math.max(best, parseSize(Files.readString(size).trim()));
      } catch (IOException | RuntimeException e) {
        // no such level (or not Linux): keep what was found
      }
    }
    return best;
  }

  /** "491520K", "32M", "1024" (bytes) as bytes. */
  static long parseSize(String s) {
    char unit = Character.toUpperCase(s.charAt(s.length() - 1));
    long scale = unit == 'K' ? 1L << 10 : unit == 'M' ? 1L << 20 : unit == 'G' ? 1L << 30 : 1;
    String digits = scale == 1 ? s : s.substring(0, s.length() - 1);
    return Long.parseLong(digits.trim()) * scale;
  }
}
