package org.pimllm.target;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.GemmShape;

/** The host streams an int4 weight by its packed bytes: K / 2 per column plus one multiplier per group. */
class Int4HostCostTest {

  @Test
  void anInt4GemvStreamsHalfTheWeightBytes() {
    // 1 x 4096 x 4096: 4 KiB of A, 4096 x (2048 + 4096 / 128) bytes of B, 16 KiB of C, at 0.4 x 281.6 GB/s + 5 us
    double bytes = 4096 + 4096.0 * (2048 + 32) + 4096 * 4;
    double peak = 5e-6 + bytes / (281.6e9 * 0.4);
    assertEquals(peak, HostCpuModel.of(HostCpuModelTest.HW, HostCpuModel.Profile.PEAK)
        .gemmSeconds(GemmShape.of(1, 1, 4096, 4096), GemmDType.INT4_G128), peak * 1e-12);
    assertEquals(4096L * (2048 + 128), GemmDType.INT4_G32.bBytes(4096, 4096));
    assertEquals(100L * 4096, GemmDType.INT8.bBytes(4096, 100));
  }

  @Test
  void aPrefillGemmWithInt4WeightsComputesAtTheInt8Rate() {
    HostCpuModel tvm = HostCpuModel.of(HostCpuModelTest.HW, HostCpuModel.Profile.TVM_CPU);
    GemmShape s = GemmShape.of(1, 128, 4096, 4096);
    assertEquals(tvm.gemmSeconds(s, GemmDType.INT8), tvm.gemmSeconds(s, GemmDType.INT4_G128), 1e-15);
  }
}
