package org.pimllm.sim.microbench;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.sim.Mode;
import org.pimllm.sim.microbench.PrimSuite.Bench;

/**
 * Every PrIM benchmark in FUNCTIONAL mode on small inputs: the run itself compares the DPUs' output with a CPU
 * reference of PrIM's host code and throws if they differ, so a passing run is a verified one.
 */
class PrimSuiteTest {
  static final HardwareConfig CFG = HardwareConfig.preset("upmem-2556-350");

  @ParameterizedTest
  @CsvSource({
      "RED, 1, 5000", "RED, 4, 20000", "RED, 3, 10001",
      "SCAN-SSA, 1, 5000", "SCAN-SSA, 4, 20000",
      "SCAN-RSS, 1, 5000", "SCAN-RSS, 4, 20000",
      "SEL, 1, 5000", "SEL, 4, 20000",
      "UNI, 1, 5000", "UNI, 4, 20001",
      "HST-S, 1, 5000", "HST-S, 4, 20002",
      "HST-L, 1, 3000", "HST-L, 4, 8000",
      "BS, 1, 4096", "BS, 4, 8192",
      "MLP, 1, 64", "MLP, 4, 130",
      "TRNS, 4, 8", "TRNS, 16, 5",
      "TS, 1, 2048", "TS, 4, 4096"})
  void functionalResultEqualsTheCpuReference(String name, int dpus, long param) {
    PrimSuite.Times t = PrimSuite.run(CFG, Bench.of(name), dpus, param, Mode.FUNCTIONAL);
    assertTrue(t.verified());
    assertTrue(t.kernelMs() > 0 && t.cpuDpuMs() > 0 && t.dpuCpuMs() > 0, t.toString());
  }

  @ParameterizedTest
  @CsvSource({"RED, 4, 20000", "SEL, 4, 20000", "UNI, 4, 20001", "BS, 4, 8192", "HST-L, 4, 8000", "TS, 4, 4096",
      "TRNS, 4, 8", "SCAN-SSA, 4, 20000", "MLP, 4, 130"})
  void timingOnlyGivesTheSameTimesAsFunctional(String name, int dpus, long param) {
    PrimSuite.Times f = PrimSuite.run(CFG, Bench.of(name), dpus, param, Mode.FUNCTIONAL);
    PrimSuite.Times t = PrimSuite.run(CFG, Bench.of(name), dpus, param, Mode.TIMING_ONLY);
    org.junit.jupiter.api.Assertions.assertEquals(f.kernelMs(), t.kernelMs(), 1e-9 * f.kernelMs(), name);
    org.junit.jupiter.api.Assertions.assertEquals(f.cpuDpuMs(), t.cpuDpuMs(), 1e-9 * f.cpuDpuMs(), name);
    org.junit.jupiter.api.Assertions.assertEquals(f.dpuCpuMs(), t.dpuCpuMs(), 1e-9 * f.dpuCpuMs(), name);
    org.junit.jupiter.api.Assertions.assertEquals(f.interDpuMs(), t.interDpuMs(), 1e-9 + 1e-9 * f.interDpuMs(), name);
  }

  @Test
  void unknownNamesAndBadParamsGiveOneLineErrors() {
    var e = assertThrows(IllegalArgumentException.class, () -> Bench.of("GEMM"));
    assertTrue(e.getMessage().contains("known: BS, HST-L"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PrimSuite.run(CFG, Bench.RED, 4, 0, Mode.TIMING_ONLY));
    assertThrows(IllegalArgumentException.class, () -> PrimSuite.run(CFG, Bench.TRNS, 128, 8, Mode.TIMING_ONLY));
  }
}
