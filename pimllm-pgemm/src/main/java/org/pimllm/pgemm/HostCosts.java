package org.pimllm.pgemm;

import org.pimllm.sim.HardwareConfig;

/** Host-CPU work PGEMMlib charges as HOST time, costed from the preset's host-CPU section. */
final class HostCosts {
  private HostCosts() {}

  /** Transposing a row-major B of {@code bytes} to column-major. */
  static double transposeSeconds(HardwareConfig hw, long bytes) {
    return bytes / hw.hostCpu().transposeBytesPerSecond();
  }

  /** Summing K-tiled partial C blocks that total {@code partialBytes}. */
  static double reduceSeconds(HardwareConfig hw, long partialBytes) {
    return partialBytes / hw.hostCpu().reduceBytesPerSecond();
  }
}
