package org.pimllm.hostblas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CitabilityTest {

  private static HostFractions fractions(double prefill, double gemv) {
    return new HostFractions(prefill, "p", gemv / 0.8, "g", 50, 0.8, gemv);
  }

  private static final long MIB = 1L << 20;

  @Test
  void idleFractionsBelowOneOverDramSizedDataAreCitable() {
    Citability c = Citability.judge(fractions(0.55, 0.4), true, 45 * MIB, 64 * MIB, 32 * MIB);
    assertTrue(c.prefillCompute() && c.gemvMemory(), c.reasons().toString());
    assertTrue(c.reasons().isEmpty());
  }

  @Test
  void aFractionOverOneMeansTheComputedPeakIsTooLow() {
    Citability c = Citability.judge(fractions(1.21, 0.4), true, 45 * MIB, 64 * MIB, 32 * MIB);
    assertFalse(c.prefillCompute());
    assertTrue(c.gemvMemory());
    assertTrue(c.reasons().getFirst().contains("1.21 of the computed peak"), c.reasons().toString());
  }

  @Test
  void dataThatFitsTheLastLevelCacheDoesNotMeasureDram() {
    // a VM reporting 480 MiB of L3: the 45 MiB GEMV and STREAM's 3 x 64 MiB stay in the cache
    Citability c = Citability.judge(fractions(0.6, 0.9), true, 45 * MIB, 64 * MIB, 480 * MIB);
    assertTrue(c.prefillCompute());
    assertFalse(c.gemvMemory());
    assertEquals(2, c.reasons().size(), c.reasons().toString());
    assertTrue(c.reasons().get(0).contains("45.0 MiB of weights fit this CPU's 480 MiB"), c.reasons().toString());
  }

  @Test
  void aBusyMachineCitesNothing() {
    Citability c = Citability.judge(fractions(0.5, 0.3), false, 45 * MIB, 64 * MIB, -1);
    assertFalse(c.prefillCompute() || c.gemvMemory());
    assertEquals("the machine was not idle", c.reasons().getFirst());
  }

  @Test
  void cacheSizesParseAsTheKernelWritesThem() {
    assertEquals(491520L * 1024, Citability.parseSize("491520K"));
    assertEquals(32L << 20, Citability.parseSize("32M"));
    assertEquals(4096, Citability.parseSize("4096"));
  }
}
