package org.pimllm.tileselector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.GemmResult;
import org.pimllm.pgemm.GemmShape;
import org.pimllm.pgemm.Layout;
import org.pimllm.pgemm.PgemmLib;
import org.pimllm.pgemm.ResidentB;
import org.pimllm.pgemm.TilingPlan;
import org.pimllm.sim.Category;
import org.pimllm.sim.DpuSet;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.sim.Mode;
import org.pimllm.sim.PimSystem;

/**
 * Calls queued rank by rank (PgemmLib with asyncRanks) against the same calls step by step, on the simulator and
 * in the cost model, for decode GEMVs (M = 1) at 2,048 DPUs with B resident.
 */
class AsyncCallCostTest {
  static final HardwareConfig HW = HardwareConfig.preset("upmem-2560-450");
  static final TileSelector TS = new TileSelector(HW);
  static final GemmShape[] GEMVS = {GemmShape.of(1, 1, 4096, 4096), GemmShape.of(1, 1, 4096, 12288),
      GemmShape.of(1, 1, 4096, 11008), GemmShape.of(1, 1, 4096, 22016), GemmShape.of(1, 1, 11008, 4096),
      GemmShape.of(1, 1, 4096, 32000)};

  static GemmResult simulateResident(TilingPlan plan, boolean async) {
    PimSystem sys = new PimSystem(HW, Mode.TIMING_ONLY);
    PgemmLib lib = new PgemmLib(sys, async);
    try (DpuSet set = sys.allocate(plan.dpus())) {
      ResidentB b = lib.prepareResident(set, plan, null, Layout.COL_MAJOR);
      return lib.gemm(b, 1, null);
    }
  }

  @Test
  void asyncCallsAreShorterAndTheModelSeesTheSameOverlap() {
    CallOptions sync = CallOptions.RESIDENT;
    CallOptions async = CallOptions.RESIDENT.withAsyncRanks(true);
    for (GemmShape s : GEMVS) {
      TilingPlan plan = TS.select(s, GemmDType.INT8, 2048, async).plan();
      GemmResult simSync = simulateResident(plan, false);
      GemmResult simAsync = simulateResident(plan, true);
      PlanCost modelSync = TS.cost(plan, sync);
      PlanCost modelAsync = TS.cost(plan, async);
      System.out.printf("%s %s: sim sync %.3f async %.3f ms (overlap %.3f; H2D %.3f KERNEL %.3f D2H %.3f LAUNCH %.3f);"
          + " model sync %.3f async %.3f ms%n", s, plan.partition(), simSync.totalSeconds() * 1e3, simAsync.totalSeconds() * 1e3,
          simAsync.overlappedSeconds() * 1e3, simSync.seconds(Category.H2D) * 1e3, simSync.seconds(Category.KERNEL) * 1e3,
          simSync.seconds(Category.D2H) * 1e3, simSync.seconds(Category.LAUNCH) * 1e3, modelSync.totalSeconds() * 1e3,
          modelAsync.totalSeconds() * 1e3);
      assertTrue(simAsync.totalSeconds() < simSync.totalSeconds(), s + ": async is shorter on the simulator");
      assertEquals(0, simSync.overlappedSeconds(), 1e-15);
      assertTrue(modelAsync.totalSeconds() < modelSync.totalSeconds(), s + ": and in the model");
      // the same steps through the same scheduler: what overlaps differs only by the kernel estimate's error
      double simSaved = simSync.totalSeconds() - simAsync.totalSeconds();
      double modelSaved = modelSync.totalSeconds() - modelAsync.totalSeconds();
      assertEquals(simSaved, modelSaved, 0.15 * simSaved + 0.3 * Math.abs(simSync.kernelSeconds() - modelSync.kernelSeconds()),
          s + ": saved " + simSaved + " s simulated, " + modelSaved + " s modeled");
    }
  }
}
