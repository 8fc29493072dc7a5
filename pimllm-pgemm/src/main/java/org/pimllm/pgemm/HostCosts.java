package org.pimllm.pgemm;

import org.pimllm.sim.HardwareConfig;

/**
 * Host-CPU work PGEMMlib charges as HOST time, costed from the preset's host-CPU section. Public so cost models
 * that do not run the simulator (the Tile-Selector) charge the same.
 */
public final class HostCosts {
  private HostCosts() {}

  /** Transposing a row-major B of {@code bytes} to column-major. */
  public static double transposeSeconds(HardwareConfig hw, long bytes) {
    return bytes / hw.hostCpu().transposeBytesPerSecond();
  }

  /** Summing K-tiled partial C blocks that total {@code partialBytes}. */
  public static double reduceSeconds(HardwareConfig hw, long partialBytes) {
    return partialBytes / hw.hostCpu().reduceBytesPerSecond();
  }

  /** Bytes of the whole B of a shape (what a row-major B's transposition moves). */
  public static long bBytes(GemmShape s, GemmDType t) {
    return s.b() * t.bBytes(s.k(), s.n());
  }

  /** Bytes of the partial C blocks of fK K parts that the host sums. */
  public static long kPartialBytes(GemmShape s, GemmDType t, int fK) {
    return (long) fK * s.b() * s.m() * s.n() * t.accumulatorBytes();
  }
}
