package org.pimllm.hostblas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The host-model fractions from given measurements (hand-made numbers, no timing). */
class HostFractionsTest {

  private static HostBench.GemmResult gemm(String name, int m, int k, int n, HostBench.Precision p, double seconds,
      double fraction) {
    return new HostBench.GemmResult(new HostBench.Shape(name, m, k, n), p, new Timing(seconds, seconds, seconds, 1), 0,
        fraction);
  }

  @Test
  void bestPrefillFractionAndTheLargestGemvOverStreamTriad() {
    List<HostBench.GemmResult> gemms = List.of(
        gemm("small gemv", 1, 768, 3072, HostBench.Precision.INT8, 1e-4, 0.05),
        gemm("big gemv", 1, 4000, 10000, HostBench.Precision.INT8, 0.01, 0.01),      // 40 MB in 10 ms = 4 GB/s
        gemm("prefill a", 128, 768, 3072, HostBench.Precision.INT8, 0.01, 0.30),
        gemm("prefill b", 512, 768, 3072, HostBench.Precision.INT8, 0.02, 0.45),
        gemm("fp32 prefill", 512, 768, 3072, HostBench.Precision.FP32, 0.02, 0.90)); // not int8: ignored
    List<HostBench.StreamResult> stream = List.of(
        new HostBench.StreamResult("copy", 10, 1, new Timing(1, 1, 1, 1), 9.0),
        new HostBench.StreamResult("triad", 10, 1, new Timing(1, 1, 1, 1), 8.0));
    HostFractions f = HostFractions.of(gemms, stream, 0.8);
    assertEquals(0.45, f.prefillComputeFraction(), 1e-12);
    assertEquals("prefill b", f.prefillShape());
    assertEquals("big gemv", f.gemvShape());
    assertEquals(4.0, f.gemvGbPerSecond(), 1e-9);
    assertEquals(0.5, f.gemvStreamFraction(), 1e-9);
    assertEquals(0.4, f.gemvMemoryFraction(), 1e-9);
  }

  @Test
  void withoutGemmsTheFractionsAreUnknown() {
    HostFractions f = HostFractions.of(List.of(), List.of(), 0.8);
    assertTrue(Double.isNaN(f.prefillComputeFraction()));
    assertTrue(Double.isNaN(f.gemvMemoryFraction()));
  }
}
