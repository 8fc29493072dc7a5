package org.pimllm.pgemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pimllm.sim.Category;
import org.pimllm.sim.DpuSet;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.sim.Mode;
import org.pimllm.sim.PimSystem;

class PgemmLibTest {
  static final HardwareConfig HW = HardwareConfig.preset("upmem-2556-350");

  static TilingPlan plan(Strategy st, GemmShape s, GemmDType t, Partition p) {
    return new TilingPlan(st, s, t, p, new KernelParams(11, 64 / t.bytes(), 2, 2));
  }

  @Test
  void residentBIsPushedOnceAndServesCallsWithAnyM() {
    PimSystem sys = new PimSystem(HW, Mode.FUNCTIONAL);
    PgemmLib lib = new PgemmLib(sys);
    GemmShape shape = GemmShape.of(1, 5, 70, 9);
    TilingPlan plan = plan(Strategy.MIXED, shape, GemmDType.INT8, Partition.of(2, 2, 3));
    Matrix b = Matrix.random(GemmDType.INT8, 1, 70, 9, Layout.COL_MAJOR, 7);
    try (DpuSet set = sys.allocate(plan.dpus())) {
      ResidentB res = lib.prepareResident(set, plan, b);
      long bBytesAllDpus = plan.slice().bBytes() * plan.dpus();
      assertEquals(bBytesAllDpus, res.bytesToDpus());
      assertTrue(res.prepareSeconds().get(Category.H2D) > 0);
      assertTrue(res.prepareSeconds().get(Category.LOAD) > 0, "the first use loads the kernel");

      for (int m : new int[] {5, 1, 3}) {
        Matrix a = Matrix.random(GemmDType.INT8, 1, m, 70, Layout.ROW_MAJOR, 100 + m);
        GemmResult r = lib.gemm(res, a);
        assertTrue(ReferenceGemm.multiply(a, b).sameValues(r.c()), "M = " + m);
        TilingPlan used = r.plan();
        assertEquals(m, used.shape().m());
        // only A and the arguments went to the DPUs, only C came back
        assertEquals((used.slice().aBytes() + KernelCost.ARGS_BYTES) * plan.dpus(), r.bytesToDpus());
        assertEquals(used.slice().cBytes() * plan.dpus(), r.bytesFromDpus());
        assertEquals(0.0, r.seconds(Category.LOAD), "the kernel stays loaded");
      }
    }
  }

  @Test
  void residentTimingOnlyCallCostsLessThanAFullCall() {
    GemmShape shape = GemmShape.of(1, 16, 4096, 4096);
    TilingPlan plan = PlanValidator.validate(new TilingPlan(Strategy.NTILE, shape, GemmDType.INT8,
        new Partition(1, 16, 1, 16), new KernelParams(16, 128, 1, 8)), PgemmLib.limits(HW));
    PimSystem sys = new PimSystem(HW, Mode.TIMING_ONLY);
    PgemmLib lib = new PgemmLib(sys);
    try (DpuSet set = sys.allocate(plan.dpus())) {
      PgemmLib.load(set, plan);
      GemmResult full = lib.gemm(set, plan, null, null);
      ResidentB res = lib.prepareResident(set, plan, null);
      GemmResult resident = lib.gemm(res, 16, null);
      assertEquals(full.kernel().cycles(), resident.kernel().cycles());
      assertEquals(full.h2dSeconds(), resident.h2dSeconds() + res.prepareSeconds().get(Category.H2D), 1e-12);
      assertNull(resident.c());
    }
  }

  @Test
  void standaloneCallsIncludeAllocationLoadAndFreePooledCallsDoNot() {
    TilingPlan plan = plan(Strategy.BASE, GemmShape.of(1, 8, 64, 8), GemmDType.INT8, Partition.of(8, 1, 1));
    PgemmLib lib = new PgemmLib(new PimSystem(HW, Mode.TIMING_ONLY));
    GemmResult standalone = lib.gemmStandalone(plan, null, null);
    assertTrue(standalone.seconds(Category.ALLOC) > 0);
    assertTrue(standalone.seconds(Category.LOAD) > 0);
    assertTrue(standalone.seconds(Category.FREE) > 0);
    GemmResult pooled = PgemmLib.simulate(plan, HW);
    assertEquals(1, pooled.kernel().distinctTimings(), "equal arguments on every DPU: one timing for all");
    assertEquals(0.0, pooled.seconds(Category.ALLOC));
    assertEquals(0.0, pooled.seconds(Category.FREE));
    assertEquals(standalone.kernelSeconds(), pooled.kernelSeconds());
  }

  @Test
  void timingOnlyTimesTheKernelExactlyAsFunctionalDoes() {
    TilingPlan plan = plan(Strategy.NTILE, GemmShape.of(2, 9, 200, 30), GemmDType.INT16, Partition.of(3, 1, 4));
    Matrix a = Matrix.random(GemmDType.INT16, 2, 9, 200, Layout.ROW_MAJOR, 1);
    Matrix b = Matrix.random(GemmDType.INT16, 2, 200, 30, Layout.COL_MAJOR, 2);
    GemmResult functional = new PgemmLib(new PimSystem(HW, Mode.FUNCTIONAL)).gemmStandalone(plan, a, b);
    GemmResult timing = new PgemmLib(new PimSystem(HW, Mode.TIMING_ONLY)).gemmStandalone(plan, null, null);
    assertEquals(functional.kernel().cycles(), timing.kernel().cycles());
    assertEquals(functional.totalSeconds(), timing.totalSeconds(), 1e-12);
  }

  @Test
  void rowMajorBIsTransposedOnTheHostAtThePresetsRate() {
    GemmShape shape = GemmShape.of(1, 4, 96, 40);
    TilingPlan plan = plan(Strategy.NTILE, shape, GemmDType.INT32, Partition.of(2, 1, 4));
    GemmResult col = PgemmLib.simulate(plan, HW, Layout.COL_MAJOR);
    GemmResult row = PgemmLib.simulate(plan, HW, Layout.ROW_MAJOR);
    assertEquals(0.0, col.hostSeconds());
    double bBytes = 96 * 40 * 4;
    assertEquals(bBytes / HW.hostCpu().transposeBytesPerSecond(), row.hostSeconds(), 1e-15);
    assertEquals(col.kernelSeconds(), row.kernelSeconds());
  }

  @Test
  void kTilingPullsOnePartialPerKPartAndReducesOnTheHost() {
    GemmShape shape = GemmShape.of(1, 6, 256, 10);
    TilingPlan plan = plan(Strategy.KTILE, shape, GemmDType.INT8, Partition.of(2, 4, 1));
    GemmResult r = PgemmLib.simulate(plan, HW);
    assertEquals(plan.slice().cBytes() * 8, r.bytesFromDpus());
    double partials = 4.0 * 6 * 10 * 4;
    assertEquals(partials / HW.hostCpu().reduceBytesPerSecond(), r.hostSeconds(), 1e-15);
  }

  @Test
  void baseGemmBroadcastsBAndEveryDpuComputesItsRows() {
    PimSystem sys = new PimSystem(HW, Mode.FUNCTIONAL);
    TilingPlan plan = plan(Strategy.BASE, GemmShape.of(1, 1, 8, 2), GemmDType.INT8, Partition.of(1, 1, 1));
    Matrix a = Matrix.zeros(GemmDType.INT8, 1, 1, 8, Layout.ROW_MAJOR);
    Matrix b = Matrix.zeros(GemmDType.INT8, 1, 8, 2, Layout.COL_MAJOR);
    for (int k = 0; k < 8; k++) {
      a.setInt(0, 0, k, k + 1);       // 1..8
      b.setInt(0, k, 0, 1);           // column 0: ones       -> 36
      b.setInt(0, k, 1, k % 2 == 0 ? -1 : 1); // column 1: -1, 1, ... -> 4
    }
    GemmResult r = new PgemmLib(sys).gemmStandalone(plan, a, b);
    assertEquals(36, r.c().getInt(0, 0, 0));
    assertEquals(4, r.c().getInt(0, 0, 1));
  }

  @Test
  void aPooledSetRunsSmallerPlansOnASubsetView() {
    PimSystem sys = new PimSystem(HW, Mode.FUNCTIONAL);
    PgemmLib lib = new PgemmLib(sys);
    TilingPlan plan = plan(Strategy.NTILE, GemmShape.of(1, 3, 64, 8), GemmDType.INT8, Partition.of(1, 1, 4));
    Matrix a = Matrix.random(GemmDType.INT8, 1, 3, 64, Layout.ROW_MAJOR, 5);
    Matrix b = Matrix.random(GemmDType.INT8, 1, 64, 8, Layout.COL_MAJOR, 6);
    try (DpuSet pool = sys.allocate(64)) {
      DpuSet view = pool.subset(plan.dpus());
      GemmResult first = lib.gemm(view, plan, a, b);
      GemmResult second = lib.gemm(view, plan, a, b);
      assertTrue(ReferenceGemm.multiply(a, b).sameValues(second.c()));
      assertTrue(first.seconds(Category.LOAD) > 0);
      assertEquals(0.0, second.seconds(Category.LOAD), "the view keeps its kernel loaded");
      assertEquals(0.0, second.seconds(Category.ALLOC));
    }
  }

  @Test
  void misuseGetsClearErrors() {
    PimSystem sys = new PimSystem(HW, Mode.FUNCTIONAL);
    PgemmLib lib = new PgemmLib(sys);
    TilingPlan plan = plan(Strategy.BASE, GemmShape.of(1, 4, 64, 4), GemmDType.INT8, Partition.of(4, 1, 1));
    try (DpuSet set = sys.allocate(3)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lib.gemm(set, plan, null, null));
      assertTrue(e.getMessage().contains("runs on 4 DPUs but the DPU set has 3"), e.getMessage());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lib.gemmStandalone(plan, null, null));
    assertTrue(e.getMessage().contains("FUNCTIONAL mode needs the operand A"), e.getMessage());
    Matrix wrong = Matrix.zeros(GemmDType.INT8, 1, 4, 65, Layout.ROW_MAJOR);
    Matrix b = Matrix.zeros(GemmDType.INT8, 1, 64, 4, Layout.COL_MAJOR);
    e = assertThrows(IllegalArgumentException.class, () -> lib.gemmStandalone(plan, wrong, b));
    assertTrue(e.getMessage().contains("A is int8[1][4][65]"), e.getMessage());
    TilingPlan illegal = plan(Strategy.BASE, GemmShape.of(1, 4, 64, 4), GemmDType.INT8, Partition.of(4, 1, 2));
    assertThrows(InvalidPlanException.class, () -> PgemmLib.simulate(illegal, HW));
  }

  @Test
  void tasklLetsSharingAWorkItemAlongKGiveTheReferenceResult() {
    for (GemmDType t : new GemmDType[] {GemmDType.INT8, GemmDType.FP32}) {
      GemmShape shape = GemmShape.of(1, 1, 1000, 6);
      TilingPlan plan = new TilingPlan(Strategy.NTILE, shape, t, Partition.of(1, 1, 2),
          new KernelParams(16, 64 / t.bytes(), 1, 2, 4));
      Matrix a = Matrix.random(t, 1, 1, 1000, Layout.ROW_MAJOR, 3);
      Matrix b = Matrix.random(t, 1, 1000, 6, Layout.COL_MAJOR, 4);
      GemmResult r = new PgemmLib(new PimSystem(HW, Mode.FUNCTIONAL)).gemmStandalone(plan, a, b);
      ResultCheck.Outcome o = ResultCheck.check(plan, a, b, r.c());
      assertTrue(o.ok(), t + ": " + o.detail());
    }
  }

  @Test
  void splittingKOverTaskletsFillsThePipelineForNarrowGemvSlices() {
    // 8 columns per DPU = 4 work items: without a K split only 4 of 16 tasklets work.
    GemmShape gemv = GemmShape.of(1, 1, 4096, 8 * 64);
    TilingPlan oneLane = new TilingPlan(Strategy.NTILE, gemv, GemmDType.INT8, Partition.of(1, 1, 64),
        new KernelParams(16, 256, 1, 2, 1));
    TilingPlan fourLanes = new TilingPlan(Strategy.NTILE, gemv, GemmDType.INT8, Partition.of(1, 1, 64),
        new KernelParams(16, 256, 1, 2, 4));
    double slow = PgemmLib.simulate(oneLane, HW).kernel().efficiency();
    double fast = PgemmLib.simulate(fourLanes, HW).kernel().efficiency();
    assertTrue(slow < 0.4, "4 busy tasklets issue at most 4/11 of the peak: " + slow);
    assertTrue(fast > 2 * slow, "16 busy tasklets: " + fast + " vs " + slow);
  }

  @Test
  void kernelEfficiencyIsAchievedOverBoundThroughput() {
    GemmResult r = PgemmLib.simulate(plan(Strategy.BASE, GemmShape.of(1, 64, 1024, 256), GemmDType.INT8,
        Partition.of(4, 1, 1)), HW);
    KernelStats k = r.kernel();
    assertEquals(k.macsPerSecondPerDpu() / k.boundMacsPerSecondPerDpu(), k.efficiency(), 1e-9);
    assertEquals(Bound.INSTRUCTION_ISSUE, k.bound(), "int8 GEMM needs ~2.75 instructions per MAC but < 1 byte per MAC");
    assertEquals(16L * 1024 * 256, k.macsPerDpu());
    assertTrue(k.efficiency() > 0 && k.efficiency() <= 1, "efficiency " + k.efficiency());
  }
}
