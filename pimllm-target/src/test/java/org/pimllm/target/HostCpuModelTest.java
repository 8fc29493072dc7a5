package org.pimllm.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.GemmShape;
import org.pimllm.sim.HardwareConfig;

class HostCpuModelTest {
  static final HardwareConfig HW = HardwareConfig.preset("upmem-2556-350");

  @Test
  void presetCarriesThePapersHost() {
    HardwareConfig.HostCpu c = HW.hostCpu();
    assertEquals(8, c.cores()); // 2 sockets x 4 cores of Xeon Gold 5222
    assertEquals(3.8e9, c.clockHz(), 1);
    assertEquals(128, c.int8MacsPerCycle());
    assertEquals(281.6e9, c.memoryBytesPerSecond(), 1);
  }

  @Test
  void largeInt8GemmIsComputeBoundAtThePeakProfilesRate() {
    // 512 x 4096 x 4096 int8: 8.59e9 MACs; peak = 8 cores x 3.8 GHz x 128 = 3.891e12 MAC/s; PEAK profile 0.6 of it.
    HostCpuModel m = HostCpuModel.of(HW, HostCpuModel.Profile.PEAK);
    GemmShape s = GemmShape.of(1, 512, 4096, 4096);
    double expected = 5e-6 + 512.0 * 4096 * 4096 / (8 * 3.8e9 * 128 * 0.6);
    assertEquals(expected, m.gemmSeconds(s, GemmDType.INT8), expected * 1e-12);
  }

  @Test
  void gemvIsMemoryBound() {
    // 1 x 4096 x 4096 int8: reads 4 KiB of A + 16 MiB of B, writes 16 KiB of C at 0.8 x 281.6 GB/s (PEAK; the
    // calibrated TVM_CPU profile runs at ~1% of the int8 peak, so a GEMV is compute-bound there).
    HostCpuModel m = HostCpuModel.of(HW, HostCpuModel.Profile.PEAK);
    double bytes = 4096 + 4096.0 * 4096 + 4096 * 4;
    double expected = 5e-6 + bytes / (281.6e9 * 0.8);
    assertEquals(expected, m.gemmSeconds(GemmShape.of(1, 1, 4096, 4096), GemmDType.INT8), expected * 1e-12);
  }

  @Test
  void peakIsFasterThanTvmCpuAndFp32SlowerThanInt8() {
    HostCpuModel tvm = HostCpuModel.of(HW, HostCpuModel.Profile.TVM_CPU);
    HostCpuModel peak = HostCpuModel.of(HW, HostCpuModel.Profile.PEAK);
    GemmShape s = GemmShape.of(1, 128, 768, 3072);
    assertTrue(peak.gemmSeconds(s, GemmDType.INT8) < tvm.gemmSeconds(s, GemmDType.INT8));
    assertTrue(peak.gemmSeconds(s, GemmDType.INT8) < peak.gemmSeconds(s, GemmDType.FP32));
  }

  @Test
  void elementwiseIsARoofline() {
    HostCpuModel m = HostCpuModel.of(HW, HostCpuModel.Profile.PEAK);
    // 1e6 elements x 8 bytes at 0.8 x 281.6 GB/s vs 1e6 x 10 flops at 8 x 3.8e9 x 64 x 0.6 flop/s: memory wins.
    double expected = 5e-6 + Math.max(8e6 / (281.6e9 * 0.8), 1e7 / (8 * 3.8e9 * 64 * 0.6));
    assertEquals(expected, m.elementwiseSeconds(1_000_000, 8, 10), expected * 1e-12);
    assertThrows(IllegalArgumentException.class, () -> m.elementwiseSeconds(-1, 4, 1));
  }
}
