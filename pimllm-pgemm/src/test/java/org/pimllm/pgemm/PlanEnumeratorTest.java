package org.pimllm.pgemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PlanEnumeratorTest {
  static final DpuLimits UPMEM = PlanValidatorTest.UPMEM;
  static final int REVOLVER = 11;

  @Test
  void factorCandidatesAreDivisorsPowersOfTwoAndTheLimit() {
    assertEquals(List.of(1, 2, 3, 4, 6, 12), PlanEnumerator.factors(12, 100)); // 8 would leave a DPU empty
    assertEquals(List.of(1, 2, 3, 4), PlanEnumerator.factors(12, 5)); // 5 parts of 3 leave the 5th empty
    // 10: divisors 1, 2, 5, 10; powers 1, 2, 4, 8; 8 leaves an empty part (7 x 2 >= 10) so it is dropped
    assertEquals(List.of(1, 2, 4, 5, 10), PlanEnumerator.factors(10, 100));
  }

  @Test
  void everyEnumeratedPlanIsLegalAndWithinBudget() {
    GemmShape shape = GemmShape.of(1, 64, 768, 3072);
    int plans = 0;
    Set<Strategy> seen = EnumSet.noneOf(Strategy.class);
    for (Strategy st : Strategy.values()) {
      for (Partition p : PlanEnumerator.partitions(st, shape, 64)) {
        assertEquals(null, st.ruleViolation(p), p.toString());
        for (TilingPlan plan : PlanEnumerator.plansFor(st, shape, GemmDType.INT8, p, UPMEM, REVOLVER)) {
          assertEquals(List.of(), PlanValidator.violations(plan, UPMEM), plan.toString());
          assertTrue(plan.dpus() <= 64, plan.toString());
          seen.add(st);
          plans++;
        }
      }
    }
    assertTrue(plans > 1000, "plans: " + plans);
    assertEquals(EnumSet.of(Strategy.BASE, Strategy.NTILE, Strategy.KTILE, Strategy.MIXED), seen);
  }

  @Test
  void batchedPartitionsAppearOnlyForBatches() {
    assertTrue(PlanEnumerator.partitions(Strategy.BATCHED, GemmShape.of(12, 128, 64, 128), 96).stream()
        .anyMatch(p -> p.fB() == 12));
    assertEquals(List.of(), PlanEnumerator.partitions(Strategy.BATCHED, GemmShape.of(1, 128, 64, 128), 96));
  }

  @Test
  void fixedFactorsAreKeptAndTheOthersEnumerated() {
    GemmShape s = GemmShape.of(1, 64, 96, 130);
    PlanEnumerator.Factors fn5 = new PlanEnumerator.Factors(null, null, null, 5);
    List<Partition> ps = PlanEnumerator.partitions(Strategy.NTILE, s, 32, fn5);
    assertTrue(ps.stream().allMatch(p -> p.fN() == 5 && p.fK() == 1 && p.fB() == 1), ps.toString());
    // fM ranges over 64's candidates within 32 / 5 = 6 DPUs: 1, 2, 4, 6
    assertEquals(List.of(1, 2, 4, 6), ps.stream().map(Partition::fM).toList());
    // a fixed factor the strategy forbids, or beyond the budget, leaves nothing
    assertEquals(List.of(), PlanEnumerator.partitions(Strategy.NTILE, s, 32, new PlanEnumerator.Factors(null, null, null, 1)));
    assertEquals(List.of(), PlanEnumerator.partitions(Strategy.NTILE, s, 32, new PlanEnumerator.Factors(null, null, null, 33)));
    // a fixed factor outside the usual candidates (7 neither divides 130 nor is a power of two) is used as given
    assertEquals(Set.of(7), PlanEnumerator.partitions(Strategy.NTILE, s, 32, new PlanEnumerator.Factors(null, 4, null, 7))
        .stream().map(Partition::fN).collect(Collectors.toSet()));
  }

  @Test
  void tileKsStopAtTheKSlice() {
    // K = 96 on one part: only the 64 B tile (a 128-element tile is longer than the slice of 96)
    assertEquals(List.of(64), PlanEnumerator.tileKs(GemmShape.of(1, 8, 96, 8), GemmDType.INT8, new Partition(1, 1, 1, 1), UPMEM));
    assertEquals(List.of(64, 128, 256, 512, 1024, 2048),
        PlanEnumerator.tileKs(GemmShape.of(1, 8, 4096, 8), GemmDType.INT8, new Partition(1, 1, 1, 1), UPMEM));
    // int32: 4-byte elements, so 16 .. 512 elements
    assertEquals(List.of(16, 32, 64, 128, 256, 512),
        PlanEnumerator.tileKs(GemmShape.of(1, 8, 4096, 8), GemmDType.INT32, new Partition(1, 1, 1, 1), UPMEM));
  }

  @Test
  void kernelsPassTheKernelLevelScreens() {
    GemmShape s = GemmShape.of(1, 3, 2048, 5);
    TilingPlan.DpuSlice sl = TilingPlan.DpuSlice.of(s, GemmDType.INT8, new Partition(1, 1, 1, 1), 256);
    List<KernelParams> ks = PlanEnumerator.kernels(s, GemmDType.INT8, new Partition(1, 1, 1, 1), 256, UPMEM, REVOLVER);
    assertTrue(!ks.isEmpty());
    for (KernelParams kp : ks) {
      assertTrue(kp.tasklets() <= UPMEM.maxTasklets() && kp.tasklets() % kp.kSplit() == 0, kp.toString());
      assertTrue(kp.blockRows() == 1 || kp.blockRows() / 2 < sl.mLoc(), kp + ": a block more than twice the slice");
      assertTrue(kp.blockCols() == 2 || kp.blockCols() / 2 < sl.nLoc(), kp + ": a block more than twice the slice");
      long items = (long) Math.ceilDiv(sl.mLoc(), kp.blockRows()) * Math.ceilDiv(sl.nLoc(), kp.blockCols());
      assertTrue(kp.kSplit() == 1 || items * kp.kSplit() <= kp.tasklets(), kp.toString());
      assertTrue(PlanValidator.wramBytes(kp, GemmDType.INT8) <= UPMEM.wramBytes(), kp.toString());
    }
    // few work items and 8 K tiles: K splits are offered
    assertTrue(ks.stream().anyMatch(kp -> kp.kSplit() > 1));
  }
}
