package org.pimllm.pgemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Example;
import org.pimllm.sim.DpuSet;
import org.pimllm.sim.Mode;
import org.pimllm.sim.PimSystem;

/**
 * int8 x int4 GEMMs with group multipliers: every strategy, group size and partition (K parts cut at group
 * boundaries), run in FUNCTIONAL mode on small ragged shapes, equal {@link ReferenceGemm#multiplyInt4} bit for
 * bit, sent per call and resident (then called again with another M).
 */
class Int4GemmProperties {

  record Case(TilingPlan plan, Layout bLayout, int otherM, long seed) {}

  @Property(tries = 120)
  void everyInt4PlanMatchesTheCpuReference(@ForAll("cases") Case c) {
    TilingPlan plan = c.plan();
    GemmShape s = plan.shape();
    Matrix a = Matrix.random(GemmDType.INT8, s.b(), s.m(), s.k(), Layout.ROW_MAJOR, c.seed());
    Int4Weights w = Int4Weights.random(plan.dtype(), s.b(), s.k(), s.n(), c.bLayout(), c.seed() + 1);
    PimSystem sys = new PimSystem(GemmProperties.HW, Mode.FUNCTIONAL);
    PgemmLib lib = new PgemmLib(sys);
    try (DpuSet set = sys.allocate(plan.dpus())) {
      GemmResult r = lib.gemmInt4(set, plan, a, w);
      assertArrayEquals(ReferenceGemm.multiplyInt4(a, w).data(), r.c().data(), plan.toString());
      assertTrue(r.kernelSeconds() > 0);
      assertEquals(plan.partition().fK() > 1, r.hostSeconds() > 0, "HOST time only for the K-partial sums");

      ResidentB resident = lib.prepareResidentInt4(set, plan, w);
      Matrix a2 = Matrix.random(GemmDType.INT8, s.b(), c.otherM(), s.k(), Layout.ROW_MAJOR, c.seed() + 2);
      GemmResult r2 = lib.gemm(resident, a2);
      assertArrayEquals(ReferenceGemm.multiplyInt4(a2, w).data(), r2.c().data(), "resident, M = " + c.otherM());
      assertEquals((long) plan.dpus() * (plan.slice().bBytes()), resident.bytesToDpus());
    }
  }

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<GemmDType> dtypes = Arbitraries.of(GemmDType.INT4_G32, GemmDType.INT4_G64, GemmDType.INT4_G128);
    Arbitrary<int[]> dims = Combinators.combine(
        Arbitraries.integers().between(1, 3),
        Arbitraries.integers().between(1, 9),
        Arbitraries.integers().between(1, 300),
        Arbitraries.integers().between(1, 13)).as((b, m, k, n) -> new int[] {b, m, k, n});
    Arbitrary<int[]> factors = Combinators.combine(
        Arbitraries.integers().between(1, 3),
        Arbitraries.integers().between(1, 4),
        Arbitraries.integers().between(1, 3),
        Arbitraries.integers().between(1, 4)).as((fb, fm, fk, fn) -> new int[] {fb, fm, fk, fn});
    Arbitrary<int[]> kernel = Combinators.combine(
        Arbitraries.integers().between(1, 16),
        Arbitraries.of(1, 2, 4),
        Arbitraries.of(1, 2, 3),
        Arbitraries.of(2, 4),
        Arbitraries.of(1, 1, 2, 3)).as((t, tileGroups, br, bc, split) -> new int[] {t, tileGroups, br, bc, split});
    return Combinators.combine(dtypes, Arbitraries.of(Strategy.values()), dims, factors, kernel,
            Arbitraries.of(Layout.values()), Arbitraries.integers().between(1, 5), Arbitraries.longs())
        .as(Int4GemmProperties::toCase)
        .filter(c -> c != null);
  }

  /** Bends the random values to a legal int4 plan (with fK > 1, K parts are rounded up to whole groups). */
  static Case toCase(GemmDType t, Strategy st, int[] d, int[] f, int[] k, Layout bLayout, int otherM, long seed) {
    int g = t.int4Group();
    int b = st == Strategy.BATCHED ? Math.max(2, d[0]) : d[0];
    int fK = switch (st) {
      case KTILE, MIXED -> Math.max(2, f[2]);
      case BATCHED -> f[2];
      default -> 1;
    };
    int kDim = d[2];
    if (fK > 1 && d[2] % 2 == 0) {
      int kPart = g * (1 + d[2] % 4 / 2); // K parts of whole groups, the last one ragged
      kDim = kPart * (fK - 1) + 1 + d[2] % kPart;
    } else if (fK > 1) {
      kDim = d[2] + g; // any K: the parts are rounded up to whole groups (the validator rejects empty ones)
    }
    GemmShape shape = GemmShape.of(b, d[1], kDim, d[3]);
    int fN = switch (st) {
      case NTILE, MIXED -> Math.max(2, f[3]);
      case BATCHED -> f[3];
      default -> 1;
    };
    fN = PlanEnumerator.largestValid(shape.n(), fN);
    int fB = PlanEnumerator.largestValid(shape.b(), st == Strategy.BATCHED ? Math.max(2, Math.min(f[0], b)) : 1);
    int fM = PlanEnumerator.largestValid(shape.m(), f[1]);
    int tileK = Math.max(64, g * k[1]);
    int kTiles = Math.ceilDiv(Math.ceilDiv(shape.k(), fK), tileK);
    int split = Math.min(k[4], kTiles);
    int tasklets = Math.min(24, TilingPlan.roundUp(k[0], split));
    TilingPlan plan = new TilingPlan(st, shape, t, new Partition(fB, fM, fK, fN),
        new KernelParams(tasklets, tileK, k[2], k[3], split));
    return PlanValidator.isLegal(plan, PgemmLib.limits(GemmProperties.HW)) ? new Case(plan, bLayout, otherM, seed) : null;
  }

  /** A hand-computed example: K = 4 in one group of 32 (padding after), multiplier 3, weights -8, 7, 1, 0. */
  @Example
  void handComputedProduct() {
    Matrix q = Matrix.zeros(GemmDType.INT8, 1, 4, 1, Layout.COL_MAJOR);
    int[] ws = {-8, 7, 1, 0};
    for (int k = 0; k < 4; k++) {
      q.setInt(0, k, 0, ws[k]);
    }
    Int4Weights w = new Int4Weights(GemmDType.INT4_G32, q, new int[] {3});
    Matrix a = Matrix.zeros(GemmDType.INT8, 1, 1, 4, Layout.ROW_MAJOR);
    int[] as = {-128, 127, 5, 100};
    for (int k = 0; k < 4; k++) {
      a.setInt(0, 0, k, as[k]);
    }
    // (-128 * -8 + 127 * 7 + 5 * 1 + 100 * 0) * 3 = (1024 + 889 + 5) * 3 = 5754
    TilingPlan plan = new TilingPlan(Strategy.BASE, GemmShape.of(1, 1, 4, 1), GemmDType.INT4_G32,
        new Partition(1, 1, 1, 1), new KernelParams(11, 64, 1, 2));
    PimSystem sys = new PimSystem(GemmProperties.HW, Mode.FUNCTIONAL);
    try (DpuSet set = sys.allocate(1)) {
      assertEquals(5754, new PgemmLib(sys).gemmInt4(set, plan, a, w).c().getInt(0, 0, 0));
    }
    assertEquals(5754, ReferenceGemm.multiplyInt4(a, w).getInt(0, 0, 0));
    // the tile record: byte j = w[j] | w[j + 4] << 4 (w[4..7] are padding), then the multiplier after 32 bytes
    byte[] rec = Packing.packBInt4(w, plan, 0, 0, 0);
    assertEquals(0x08, rec[0] & 0xFF);
    assertEquals(0x07, rec[1] & 0xFF);
    assertEquals(0x01, rec[2] & 0xFF);
    assertEquals(3, rec[32]);
  }

  /** Effective weights factor back into weights and multipliers with the same products. */
  @Example
  void effectiveWeightsFactorBack() {
    Int4Weights w = Int4Weights.random(GemmDType.INT4_G64, 2, 150, 7, Layout.ROW_MAJOR, 42);
    Int4Weights back = Int4Weights.fromEffective(w.effective(), GemmDType.INT4_G64);
    assertArrayEquals(w.effective().data(), back.effective().data());
    Matrix a = Matrix.random(GemmDType.INT8, 2, 3, 150, Layout.ROW_MAJOR, 43);
    assertArrayEquals(ReferenceGemm.multiplyInt4(a, w).data(), ReferenceGemm.multiplyInt4(a, back).data());
  }
}
