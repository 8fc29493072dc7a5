package org.pimllm.pgemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PlanValidatorTest {
  /** UPMEM-like limits: 2,560 DPUs, 64 MiB MRAM, 64 KiB WRAM, 4,096 IRAM instructions, 24 tasklets, DMA 8..2048 B. */
  static final DpuLimits UPMEM = new DpuLimits(2560, 64L << 20, 64 << 10, 4096, 24, 8, 2048, 8);

  static TilingPlan plan(Strategy s, GemmShape shape, GemmDType t, Partition p, KernelParams k) {
    return new TilingPlan(s, shape, t, p, k);
  }

  static final GemmShape SHAPE = GemmShape.of(1, 128, 4096, 4096);
  static final KernelParams GOOD = new KernelParams(16, 512, 2, 2);

  @Test
  void aSensiblePlanIsLegal() {
    TilingPlan p = plan(Strategy.NTILE, SHAPE, GemmDType.INT8, Partition.of(16, 1, 128), GOOD);
    assertEquals(List.of(), PlanValidator.violations(p, UPMEM));
    assertEquals(p, PlanValidator.validate(p, UPMEM));
  }

  @Test
  void tooManyDpusNamesTheDpuCount() {
    TilingPlan p = plan(Strategy.NTILE, SHAPE, GemmDType.INT8, Partition.of(64, 1, 64), GOOD);
    InvalidPlanException e = assertThrows(InvalidPlanException.class, () -> PlanValidator.validate(p, UPMEM));
    assertTrue(e.getMessage().contains("DPU count: the plan needs 4096 DPUs"), e.getMessage());
  }

  @Test
  void wramOverflowNamesWram() {
    // 24 tasklets x (512 stack + (8 + 16) x 2048 B tiles + 8 x 16 x 4 B) >> 64 KiB
    TilingPlan p = plan(Strategy.NTILE, SHAPE, GemmDType.INT8, Partition.of(16, 1, 128), new KernelParams(24, 2048, 8, 16));
    List<String> v = PlanValidator.violations(p, UPMEM);
    assertEquals(1, v.size(), v.toString());
    assertTrue(v.get(0).startsWith("WRAM: 24 tasklets"), v.get(0));
  }

  @Test
  void tileKBelow64BytesIsRejected() {
    TilingPlan p = plan(Strategy.BASE, SHAPE, GemmDType.INT16, Partition.of(128, 1, 1), new KernelParams(16, 16, 1, 2));
    List<String> v = PlanValidator.violations(p, UPMEM);
    assertEquals(1, v.size(), v.toString());
    assertTrue(v.get(0).contains("Tile_K * element size must be >= 64 bytes; use tileK >= 32"), v.get(0));
  }

  @Test
  void tileLargerThanOneDmaIsRejected() {
    TilingPlan p = plan(Strategy.BASE, GemmShape.of(1, 128, 4096, 512), GemmDType.FP32, Partition.of(128, 1, 1),
        new KernelParams(1, 1024, 1, 2));
    List<String> v = PlanValidator.violations(p, UPMEM);
    assertEquals(1, v.size(), v.toString());
    assertTrue(v.get(0).startsWith("DMA size: a Tile_K block is 4096 B > the 2048 B maximum"), v.get(0));
  }

  @Test
  void unalignedTileIsRejected() {
    TilingPlan p = plan(Strategy.BASE, SHAPE, GemmDType.INT8, Partition.of(128, 1, 1), new KernelParams(16, 68, 1, 2));
    List<String> v = PlanValidator.violations(p, UPMEM);
    assertEquals(1, v.size(), v.toString());
    assertTrue(v.get(0).startsWith("DMA alignment"), v.get(0));
  }

  @Test
  void oddBlockColumnsAreRejected() {
    TilingPlan p = plan(Strategy.BASE, SHAPE, GemmDType.INT8, Partition.of(128, 1, 1), new KernelParams(16, 256, 1, 3));
    assertTrue(PlanValidator.violations(p, UPMEM).get(0).startsWith("block columns: 3 must be even"));
  }

  @Test
  void tooManyTaskletsAreRejected() {
    TilingPlan p = plan(Strategy.BASE, SHAPE, GemmDType.INT8, Partition.of(128, 1, 1), new KernelParams(25, 64, 1, 2));
    assertTrue(PlanValidator.violations(p, UPMEM).contains("tasklets: 25 > 24 hardware threads per DPU"));
  }

  @Test
  void mramOverflowNamesMram() {
    // Base on 1 DPU: B alone is 8192 x 8192 int8 = 64 MiB, plus A and C.
    TilingPlan p = plan(Strategy.BASE, GemmShape.of(1, 16, 8192, 8192), GemmDType.INT8, Partition.of(1, 1, 1), GOOD);
    List<String> v = PlanValidator.violations(p, UPMEM);
    assertEquals(1, v.size(), v.toString());
    assertTrue(v.get(0).startsWith("MRAM: each DPU needs"), v.get(0));
  }

  @Test
  void strategyRulesAreChecked() {
    TilingPlan base = plan(Strategy.BASE, SHAPE, GemmDType.INT8, Partition.of(16, 1, 2), GOOD);
    assertTrue(PlanValidator.violations(base, UPMEM).get(0).startsWith("BaseGEMM splits only rows of A"));
    TilingPlan ktile = plan(Strategy.KTILE, SHAPE, GemmDType.INT8, Partition.of(16, 1, 1), GOOD);
    assertTrue(PlanValidator.violations(ktile, UPMEM).get(0).startsWith("KtileGEMM needs fK >= 2"));
    TilingPlan batched = plan(Strategy.BATCHED, SHAPE, GemmDType.INT8, Partition.of(16, 1, 1), GOOD);
    assertTrue(PlanValidator.violations(batched, UPMEM).get(0).startsWith("BatchedGEMM divides the DPUs"));
  }

  @Test
  void factorsThatLeaveADpuWithoutDataAreRejected() {
    // M = 10 in 6 parts of 2: the 6th part would start at row 10.
    TilingPlan p = plan(Strategy.BASE, GemmShape.of(1, 10, 64, 8), GemmDType.INT8, Partition.of(6, 1, 1), GOOD);
    List<String> v = PlanValidator.violations(p, UPMEM);
    assertEquals(1, v.size(), v.toString());
    assertTrue(v.get(0).startsWith("partition: fM = 6 cuts M = 10 into parts of 2"), v.get(0));
    assertTrue(PlanValidator.nonEmptyParts(10, 4));
    assertFalse(PlanValidator.nonEmptyParts(10, 6));
    assertFalse(PlanValidator.nonEmptyParts(3, 4));
  }

  @Test
  void severalViolationsAreAllReported() {
    TilingPlan p = plan(Strategy.BASE, SHAPE, GemmDType.INT8, Partition.of(4096, 1, 1), new KernelParams(30, 32, 1, 2));
    InvalidPlanException e = assertThrows(InvalidPlanException.class, () -> PlanValidator.validate(p, UPMEM));
    assertTrue(e.violations().size() >= 3, e.violations().toString());
  }
}
