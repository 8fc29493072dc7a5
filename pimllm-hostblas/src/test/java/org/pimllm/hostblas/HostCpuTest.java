package org.pimllm.hostblas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostCpuTest {

  private static final List<String> AVX2_VM = List.of(
      "processor\t: 0", "model name\t: AMD EPYC", "cpu MHz\t\t: 2445.406",
      "flags\t\t: fpu sse4_2 avx avx2 fma bmi2", "", "processor\t: 1", "model name\t: AMD EPYC",
      "cpu MHz\t\t: 2000.000", "flags\t\t: fpu avx2");

  @Test
  void readsModelClockAndSimdFlagsFromCpuinfo() {
    HostCpu cpu = HostCpu.parse(AVX2_VM, -1, 2);
    assertEquals("AMD EPYC", cpu.model());
    assertEquals(2.445406, cpu.ghz(), 1e-9);
    assertEquals("/proc/cpuinfo cpu MHz", cpu.clockSource());
    assertEquals(256, cpu.simdBits());
    assertFalse(cpu.int8Vnni());
    assertTrue(cpu.flags().contains("fma"));
  }

  @Test
  void peaksFollowFromCoresClockAndWidth() {
    HostCpu cpu = HostCpu.parse(AVX2_VM, 3_000_000, 2); // cpufreq max 3 GHz wins over cpu MHz
    assertEquals(3.0, cpu.ghz(), 1e-12);
    // 2 cores x 3 GHz x 8 fp32 lanes x 2 (FMA) x 2 pipes
    assertEquals(192.0, cpu.fp32PeakGflops(), 1e-9);
    // 2 cores x 3 GHz x 32 int8 lanes x 2 pipes / 2 (no VNNI) x 2 ops
    assertEquals(384.0, cpu.int8PeakGops(), 1e-9);
  }

  @Test
  void avx512VnniDoublesTheWidthAndDropsTheInt16Step() {
    HostCpu cpu = HostCpu.parse(List.of("model name : X", "cpu MHz : 1000", "flags : avx2 avx512f avx512_vnni"), -1, 1);
    assertEquals(512, cpu.simdBits());
    assertTrue(cpu.int8Vnni());
    // 1 core x 1 GHz x 64 int8 lanes x 2 pipes x 2 ops
    assertEquals(256.0, cpu.int8PeakGops(), 1e-9);
  }

  @Test
  void timingTakesTheMedianAndSpread() {
    Timing t = Timing.of(new double[] {3, 1, 2, 10});
    assertEquals(2.5, t.medianSeconds());
    assertEquals(1, t.minSeconds());
    assertEquals(10, t.maxSeconds());
    assertEquals(3.6, t.spread(), 1e-12);
  }
}
