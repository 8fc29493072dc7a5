package org.pimllm.tileselector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.GemmResult;
import org.pimllm.pgemm.GemmShape;
import org.pimllm.pgemm.PgemmLib;
import org.pimllm.pgemm.TilingPlan;
import org.pimllm.sim.HardwareConfig;

/**
 * The Tile-Selector prices int4 plans: every term but the kernel equals the simulator's (transfers of the packed
 * B with its multipliers), and the kernel estimate of the selected plans of decode and prefill shapes is within
 * 10% of the simulated kernel (the int8 estimator's range on the paper suite: 0.85-1.00).
 */
class Int4CostTest {
  static final HardwareConfig HW = HardwareConfig.preset("upmem-2560-450").withDpus(2048);
  static final TileSelector TS = new TileSelector(HW);

  @Test
  void everyTermButTheKernelEqualsTheSimulator() {
    for (TilingPlan p : TS.candidates(GemmShape.of(1, 16, 512, 96), GemmDType.INT4_G64, 64)) {
      GemmResult r = PgemmLib.simulate(p, HW);
      PlanCost c = TS.cost(p, CallOptions.POOLED);
      assertEquals(r.h2dSeconds(), c.h2dSeconds(), 1e-12, p::toString);
      assertEquals(r.d2hSeconds(), c.d2hSeconds(), 1e-12, p::toString);
      assertEquals(r.hostSeconds(), c.hostSeconds(), 1e-12, p::toString);
    }
  }

  @Test
  void kernelEstimateOfSelectedInt4PlansIsWithinTenPercent() {
    List<GemmShape> shapes = List.of(GemmShape.of(1, 1, 4096, 4096), GemmShape.of(1, 1, 4096, 11008),
        GemmShape.of(1, 1, 11008, 4096), GemmShape.of(1, 128, 4096, 4096), GemmShape.of(1, 128, 4096, 11008));
    for (GemmDType t : List.of(GemmDType.INT4_G32, GemmDType.INT4_G128, GemmDType.INT8)) {
      for (GemmShape s : shapes) {
        TilingPlan p = TS.select(s, t, 2048).plan();
        double sim = PgemmLib.simulate(p, HW).kernel().cycles();
        double est = TS.model().kernelCycles(p);
        System.out.printf(Locale.ROOT, "%s %s %s: estimated/simulated kernel cycles %.3f%n", t.cliName(), s, p, est / sim);
        assertTrue(Math.abs(est / sim - 1) <= 0.10, p + ": estimated " + est + " vs simulated " + sim);
      }
    }
  }
}
