package org.pimllm.pgemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.pimllm.sim.Category;
import org.pimllm.sim.DpuSet;
import org.pimllm.sim.Mode;
import org.pimllm.sim.PimSystem;

/**
 * uint8 activations x int8 weights with zero points (ONNX MatMulInteger) through PGEMMlib's int8 plans: the
 * result is bit-identical to the CPU reference {@link ReferenceGemm#multiplyU8S8} for every strategy and
 * partition, scalar and per-column weight zero points, both B layouts, and resident B.
 */
class ZeroPointGemmProperties {

  /** A plan (int8), B's layout, zero points and a seed. */
  record Case(TilingPlan plan, Layout bLayout, ZeroPoints zp, long seed) {}

  @Property(tries = 120)
  void zeroPointGemmMatchesTheReference(@ForAll("cases") Case c) {
    TilingPlan plan = c.plan();
    GemmShape s = plan.shape();
    Matrix a = Matrix.random(GemmDType.INT8, s.b(), s.m(), s.k(), Layout.ROW_MAJOR, c.seed());
    Matrix b = Matrix.random(GemmDType.INT8, s.b(), s.k(), s.n(), c.bLayout(), c.seed() + 1);
    PimSystem sys = new PimSystem(GemmProperties.HW, Mode.FUNCTIONAL);
    PgemmLib lib = new PgemmLib(sys);
    try (DpuSet set = sys.allocate(plan.dpus())) {
      GemmResult r = lib.gemmU8S8(set, plan, a, b, c.zp());
      Matrix expected = ReferenceGemm.multiplyU8S8(a, b, c.zp());
      assertTrue(expected.sameValues(r.c()), plan + " " + c.zp());
      assertTrue(r.seconds(Category.HOST) > 0, "the zero-point correction is charged as HOST time");
      assertTrue(r.kernelSeconds() > 0);
    }
  }

  @Property(tries = 40)
  void residentZeroPointGemmMatchesTheReferenceForAnyM(@ForAll("cases") Case c) {
    TilingPlan plan = c.plan();
    GemmShape s = plan.shape();
    Matrix b = Matrix.random(GemmDType.INT8, s.b(), s.k(), s.n(), c.bLayout(), c.seed() + 1);
    PimSystem sys = new PimSystem(GemmProperties.HW, Mode.FUNCTIONAL);
    PgemmLib lib = new PgemmLib(sys);
    try (DpuSet set = sys.allocate(plan.dpus())) {
      ResidentU8S8 resident = lib.prepareResidentU8S8(set, plan, b, c.zp());
      assertTrue(resident.prepareTotalSeconds() > 0);
      for (int m : new int[] {s.m(), Math.max(1, s.m() / plan.partition().fM()) * plan.partition().fM()}) {
        Matrix a = Matrix.random(GemmDType.INT8, s.b(), m, s.k(), Layout.ROW_MAJOR, c.seed() + m);
        GemmResult r = lib.gemmU8S8(resident, a);
        assertTrue(ReferenceGemm.multiplyU8S8(a, b, c.zp()).sameValues(r.c()), plan + " M=" + m + " " + c.zp());
        assertTrue(r.seconds(Category.HOST) > 0);
        // dynamically quantized activations: the same resident B with this call's activation zero point
        int az = (c.zp().a() + 91 + m) % 256;
        assertTrue(ReferenceGemm.multiplyU8S8(a, b, new ZeroPoints(az, c.zp().b())).sameValues(lib.gemmU8S8(resident, a, az).c()),
            plan + " M=" + m + " a_zp=" + az + " " + c.zp());
      }
    }
  }

  @Provide
  Arbitrary<Case> cases() {
    return Combinators.combine(new GemmProperties().cases(), Arbitraries.integers().between(0, 255),
            Arbitraries.integers().between(-128, 127), Arbitraries.of(true, false), Arbitraries.longs())
        .as((g, za, zb, perColumn, seed) -> {
          int n = g.plan().shape().n();
          ZeroPoints zp = perColumn ? new ZeroPoints(za, new SplittableRandom(seed).ints(n, -128, 128).toArray())
              : ZeroPoints.of(za, zb);
          TilingPlan p = g.plan();
          TilingPlan int8 = new TilingPlan(p.strategy(), p.shape(), GemmDType.INT8, p.partition(),
              new KernelParams(p.kernel().tasklets(), Math.max(64, p.kernel().tileK() * p.dtype().bytes()),
                  p.kernel().blockRows(), p.kernel().blockCols(), p.kernel().kSplit()));
          return PlanValidator.isLegal(int8, PgemmLib.limits(GemmProperties.HW))
              ? new Case(int8, g.bLayout(), zp, g.seed()) : null;
        })
        .filter(c -> c != null);
  }

  /** A hand-computed MatMulInteger: every value below is worked out from the definition, not by the code. */
  @Test
  void referenceFollowsTheDefinition() {
    // A (uint8) = [[0, 255], [128, 10]], a_zp = 128; B (int8) = [[1, -2], [-1, 3]], b_zp per column = [0, 1].
    Matrix a = new Matrix(GemmDType.INT8, 1, 2, 2, Layout.ROW_MAJOR, new byte[] {0, (byte) 255, (byte) 128, 10});
    Matrix b = new Matrix(GemmDType.INT8, 1, 2, 2, Layout.ROW_MAJOR, new byte[] {1, -2, -1, 3});
    Matrix c = ReferenceGemm.multiplyU8S8(a, b, new ZeroPoints(128, new int[] {0, 1}));
    // C00 = (0-128)(1-0) + (255-128)(-1-0) = -128 - 127 = -255
    // C01 = (0-128)(-2-1) + (255-128)(3-1) = 384 + 254 = 638
    // C10 = (128-128)(1) + (10-128)(-1) = 118
    // C11 = 0 + (10-128)(2) = -236
    assertArrayEquals(new int[] {-255, 638, 118, -236},
        new int[] {c.getInt(0, 0, 0), c.getInt(0, 0, 1), c.getInt(0, 1, 0), c.getInt(0, 1, 1)});
  }

  @Test
  void badZeroPointsAreClearErrors() {
    assertThrows(IllegalArgumentException.class, () -> ZeroPoints.of(256, 0));
    assertThrows(IllegalArgumentException.class, () -> ZeroPoints.of(0, 128));
    Matrix a = Matrix.random(GemmDType.INT8, 1, 2, 3, Layout.ROW_MAJOR, 1);
    Matrix b = Matrix.random(GemmDType.INT8, 1, 3, 4, Layout.ROW_MAJOR, 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ReferenceGemm.multiplyU8S8(a, b, new ZeroPoints(3, new int[] {1, 2})));
    assertTrue(e.getMessage().contains("4 columns"), e.getMessage());
  }
}
