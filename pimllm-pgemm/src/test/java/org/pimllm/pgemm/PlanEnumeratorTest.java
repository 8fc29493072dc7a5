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
  static final KernelModel MODEL = new KernelModel(11, 77, 0.5);

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
    List<TilingPlan> plans = PlanEnumerator.enumerate(shape, GemmDType.INT8, 256, UPMEM, MODEL);
    assertTrue(plans.size() > 100, "plans: " + plans.size());
    for (TilingPlan p : plans) {
      assertEquals(List.of(), PlanValidator.violations(p, UPMEM), p.toString());
      assertTrue(p.dpus() <= 256, p.toString());
    }
    Set<Strategy> seen = plans.stream().map(TilingPlan::strategy).collect(Collectors.toSet());
    assertEquals(EnumSet.of(Strategy.BASE, Strategy.NTILE, Strategy.KTILE, Strategy.MIXED), seen);
  }

  @Test
  void batchedPlansAppearOnlyForBatches() {
    List<TilingPlan> plans = PlanEnumerator.enumerate(GemmShape.of(12, 128, 64, 128), GemmDType.INT8, 96, UPMEM, MODEL);
    assertTrue(plans.stream().anyMatch(p -> p.strategy() == Strategy.BATCHED && p.partition().fB() == 12));
  }

  @Test
  void defaultPlanFillsTheDpusWithRowsOfA() {
    TilingPlan p = PlanEnumerator.defaultPlan(Strategy.NTILE, GemmShape.of(1, 8192, 3072, 768), GemmDType.INT8, 2048,
        null, null, null, 128, UPMEM, MODEL);
    assertEquals(new Partition(1, 16, 1, 128), p.partition());
    assertEquals(List.of(), PlanValidator.violations(p, UPMEM));
    TilingPlan base = PlanEnumerator.defaultPlan(Strategy.BASE, GemmShape.of(1, 100, 64, 64), GemmDType.INT8, 2048,
        null, null, null, null, UPMEM, MODEL);
    assertEquals(new Partition(1, 100, 1, 1), base.partition());
  }
}
