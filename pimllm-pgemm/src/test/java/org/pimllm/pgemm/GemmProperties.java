package org.pimllm.pgemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.sim.Mode;
import org.pimllm.sim.PimSystem;

/**
 * Every strategy, dtype and partition, run in FUNCTIONAL mode on small random shapes (ragged: M = 1, sizes
 * that are not multiples of 8 or of the tile), gives the CPU reference's C: bit-identical for integers and
 * for fp32 without a K split, within the documented summation-order tolerance for fp32 with fK > 1.
 */
class GemmProperties {
  static final HardwareConfig HW = HardwareConfig.preset("upmem-2556-350");

  /** A random legal case: shape, dtype, strategy, factors, kernel parameters, B's layout, seed. */
  record Case(TilingPlan plan, Layout bLayout, long seed) {}

  @Property(tries = 200)
  void everyPlanMatchesTheCpuReference(@ForAll("cases") Case c) {
    TilingPlan plan = c.plan();
    GemmShape s = plan.shape();
    Matrix a = Matrix.random(plan.dtype(), s.b(), s.m(), s.k(), Layout.ROW_MAJOR, c.seed());
    Matrix b = Matrix.random(plan.dtype(), s.b(), s.k(), s.n(), c.bLayout(), c.seed() + 1);
    PgemmLib lib = new PgemmLib(new PimSystem(HW, Mode.FUNCTIONAL));
    GemmResult r = lib.gemmStandalone(plan, a, b);
    ResultCheck.Outcome check = ResultCheck.check(plan, a, b, r.c());
    assertTrue(check.ok(), plan + ": " + check.detail());
    assertEquals(plan.dpus(), r.dpusUsed());
    assertTrue(r.kernelSeconds() > 0);
    assertEquals(c.bLayout() == Layout.ROW_MAJOR || plan.partition().fK() > 1, r.hostSeconds() > 0,
        "HOST time is charged exactly when B is transposed or K partials are reduced");
  }

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<GemmDType> dtypes = Arbitraries.of(GemmDType.values()).filter(t -> !t.isInt4()); // Int4GemmProperties
    Arbitrary<Strategy> strategies = Arbitraries.of(Strategy.values());
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
        Arbitraries.of(64, 128, 256),
        Arbitraries.of(1, 2, 3),
        Arbitraries.of(2, 4),
        Arbitraries.of(1, 1, 2, 3)).as((t, tileBytes, br, bc, split) -> new int[] {t, tileBytes, br, bc, split});
    return Combinators.combine(dtypes, strategies, dims, factors, kernel, Arbitraries.of(Layout.values()),
            Arbitraries.longs())
        .as(GemmProperties::toCase)
        .filter(c -> c != null);
  }

  /** Bends random factors to the strategy's rules and the shape; null if no legal plan results. */
  static Case toCase(GemmDType t, Strategy st, int[] d, int[] f, int[] k, Layout bLayout, long seed) {
    int b = st == Strategy.BATCHED ? Math.max(2, d[0]) : d[0];
    GemmShape shape = GemmShape.of(b, d[1], d[2], d[3]);
    int fB = st == Strategy.BATCHED ? Math.max(2, Math.min(f[0], b)) : 1;
    int fK = switch (st) {
      case KTILE, MIXED -> Math.max(2, f[2]);
      case BATCHED -> f[2];
      default -> 1;
    };
    int fN = switch (st) {
      case NTILE, MIXED -> Math.max(2, f[3]);
      case BATCHED -> f[3];
      default -> 1;
    };
    fK = PlanEnumerator.largestValid(shape.k(), fK);
    fN = PlanEnumerator.largestValid(shape.n(), fN);
    fB = PlanEnumerator.largestValid(shape.b(), fB);
    int fM = PlanEnumerator.largestValid(shape.m(), f[1]);
    int tileK = Math.max(k[1] / t.bytes(), 64 / t.bytes());
    int kTiles = Math.ceilDiv(Math.ceilDiv(shape.k(), fK), tileK);
    int split = Math.min(k[4], kTiles);
    int tasklets = Math.min(24, TilingPlan.roundUp(k[0], split));
    TilingPlan plan = new TilingPlan(st, shape, t, new Partition(fB, fM, fK, fN),
        new KernelParams(tasklets, tileK, k[2], k[3], split));
    return PlanValidator.isLegal(plan, PgemmLib.limits(HW)) ? new Case(plan, bLayout, seed) : null;
  }
}
