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
  void gemvIsTheWeightStreamAtTheProfilesGemvBandwidth() {
    // 1 x 4096 x 4096 int8: reads 4 KiB of A + 16 MiB of B, writes 16 KiB of C at the preset's GEMV fraction of
    // 281.6 GB/s (PEAK 0.4, TVM_CPU 0.25), plus the call (5 us, 20 us); the compute efficiency plays no part.
    double bytes = 4096 + 4096.0 * 4096 + 4096 * 4;
    double peak = 5e-6 + bytes / (281.6e9 * 0.4);
    double tvm = 20e-6 + bytes / (281.6e9 * 0.25);
    GemmShape s = GemmShape.of(1, 1, 4096, 4096);
    assertEquals(peak, HostCpuModel.of(HW, HostCpuModel.Profile.PEAK).gemmSeconds(s, GemmDType.INT8), peak * 1e-12);
    assertEquals(tvm, HostCpuModel.of(HW, HostCpuModel.Profile.TVM_CPU).gemmSeconds(s, GemmDType.INT8), tvm * 1e-12);
    // batched GEMVs (attention of a decode step over a 32-head KV cache of 200 rows): each batch streams its B
    double attn = 5e-6 + 32 * (128 * 4 + 128.0 * 200 * 4 + 200 * 4) / (281.6e9 * 0.4);
    assertEquals(attn, HostCpuModel.of(HW, HostCpuModel.Profile.PEAK).gemmSeconds(GemmShape.of(32, 1, 128, 200),
        GemmDType.FP32), attn * 1e-12);
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
