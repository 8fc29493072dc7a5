package org.pimllm.tileselector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.GemmResult;
import org.pimllm.pgemm.GemmShape;
import org.pimllm.pgemm.KernelParams;
import org.pimllm.pgemm.Layout;
import org.pimllm.pgemm.Partition;
import org.pimllm.pgemm.PgemmLib;
import org.pimllm.pgemm.Strategy;
import org.pimllm.pgemm.TilingPlan;
import org.pimllm.sim.HardwareConfig;

/** Each cost term against a hand computation from the preset's numbers (upmem-2556-350). */
class CostModelTest {
  static final HardwareConfig HW = HardwareConfig.preset("upmem-2556-350");
  static final TileSelector TS = new TileSelector(HW);

  /**
   * Preset: 64 DPUs per rank, per rank parallel 6.68/4.74, broadcast 16.88 GB/s (PrIM). Full ranks on socket 0
   * (up to 6 channels; 4 SDK threads per rank on its 8 cores): 1 or 2 ranks run side by side at the per-rank rate.
   */
  static double parallelBw(double perRank, int dpus, int ranks) {
    assertEquals(64 * ranks, dpus, "full ranks only");
    assertTrue(ranks <= 2, "2 ranks fill socket 0's 8 cores");
    return perRank * ranks;
  }

  // BaseGEMM (1, 256, 512, 64) on 128 DPUs = 2 ranks: every DPU gets all of B (broadcast) and 2 rows of A (push).
  static final TilingPlan BASE = new TilingPlan(Strategy.BASE, GemmShape.of(1, 256, 512, 64), GemmDType.INT8,
      new Partition(1, 128, 1, 1), new KernelParams(16, 256, 2, 16));

  @Test
  void transferTermsMatchHandComputation() {
    PlanCost c = TS.cost(BASE, CallOptions.POOLED);
    double bBytes = 64 * 512;          // nLoc x kLoc int8
    double aBytes = 2 * 512;           // mLoc x kLoc
    double cBytes = 2 * 64 * 4;        // mLoc x nLoc int32
    // Every buffer fits the 11 MiB L3: a full rank's line costs per word index drop from 2 x (1 + 0.279) to
    // 2 x (1 + 0.23) for a broadcast (one host word per line) and from 2 x (1 + 8 x 0.279) to 2 x (1 + 8 x 0.23)
    // for a push (docs/simulator.md, "Within a rank").
    double bcast = 56e-6 + bBytes * 128 / parallelBw(16.88e9 * 2.558 / 2.46, 128, 2);
    double pushA = 56e-6 + aBytes * 128 / parallelBw(6.68e9 * 6.464 / 5.68, 128, 2);
    double args = 56e-6 + 64.0 * 128 / parallelBw(6.68e9 * 6.464 / 5.68, 128, 2);
    assertEquals(bcast + pushA + args, c.h2dSeconds(), 1e-12);
    assertEquals(129e-6 + cBytes * 128 / parallelBw(4.74e9, 128, 2), c.d2hSeconds(), 1e-12); // pull call 129 us
    assertEquals(150e-6 + 2 * 1e-6, c.launchSeconds(), 1e-15); // launchMicros + 2 ranks x launchMicrosPerRank
    assertEquals(0, c.hostSeconds());
    assertEquals(0, c.allocSeconds());
  }

  @Test
  void hostAndAllocTermsMatchHandComputation() {
    TilingPlan ktile = new TilingPlan(Strategy.KTILE, GemmShape.of(1, 64, 1024, 64), GemmDType.INT8,
        new Partition(1, 16, 4, 1), new KernelParams(16, 256, 2, 16));
    PlanCost c = TS.cost(ktile, new CallOptions(false, Layout.ROW_MAJOR));
    double reduce = 4.0 * 64 * 64 * 4 / 8e9;      // fK partial int32 blocks at reduceGBps = 8
    double transpose = 1024.0 * 64 / 2e9;          // B bytes at transposeGBps = 2
    assertEquals(reduce + transpose, c.hostSeconds(), 1e-15);
    assertEquals(3000e-6 + 200e-6 + 1000e-6, c.allocSeconds(), 1e-12); // one rank: alloc + load + free
  }

  @Test
  void everyTermButTheKernelEqualsTheSimulator() {
    for (TilingPlan p : TS.candidates(GemmShape.of(2, 64, 256, 96), GemmDType.INT8, 256)) {
      GemmResult r = PgemmLib.simulate(p, HW);
      PlanCost c = TS.cost(p, CallOptions.POOLED);
      assertEquals(r.h2dSeconds(), c.h2dSeconds(), 1e-12, p::toString);
      assertEquals(r.d2hSeconds(), c.d2hSeconds(), 1e-12, p::toString);
      assertEquals(r.hostSeconds(), c.hostSeconds(), 1e-12, p::toString);
      assertEquals(r.launchSeconds(), c.launchSeconds(), 1e-12, p::toString);
    }
  }

  @Test
  void kernelTermOfAnIssueBoundSliceIsItsInstructions() {
    // One DPU, 16 tasklets (> the 11-cycle revolver), 48 work items of 2x16: the pipeline stays full.
    TilingPlan p = new TilingPlan(Strategy.BASE, GemmShape.of(1, 96, 2048, 16), GemmDType.INT8,
        new Partition(1, 1, 1, 1), new KernelParams(16, 128, 2, 16));
    GemmResult r = PgemmLib.simulate(p, HW);
    double predicted = TS.model().kernelCycles(p);
    assertEquals(r.kernel().cycles(), predicted, 0.05 * r.kernel().cycles());
  }

  @Test
  void noLegalPlanIsAClearError() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> TS.select(GemmShape.of(1, 65536, 65536, 65536), GemmDType.INT8, 1));
    assertTrue(e.getMessage().contains("no legal PGEMMlib plan"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TS.select(GemmShape.of(1, 8, 8, 8), GemmDType.INT8, 0));
  }
}
