package org.pimllm.tileselector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import org.junit.jupiter.api.Test;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.GemmResult;
import org.pimllm.pgemm.GemmShape;
import org.pimllm.pgemm.Layout;
import org.pimllm.pgemm.Matrix;
import org.pimllm.pgemm.PgemmLib;
import org.pimllm.pgemm.PlanValidator;
import org.pimllm.pgemm.ResultCheck;
import org.pimllm.pgemm.Strategy;
import org.pimllm.pgemm.TilingPlan;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.sim.Mode;
import org.pimllm.sim.PimSystem;

class TileSelectorTest {
  static final HardwareConfig HW = HardwareConfig.preset("upmem-2556-350");
  static final TileSelector TS = new TileSelector(HW);

  @Test
  void branchAndBoundFindsTheModelsCheapestCandidate() {
    GemmShape[] shapes = {GemmShape.of(1, 128, 768, 3072), GemmShape.of(12, 128, 64, 128), GemmShape.of(1, 7, 300, 90)};
    for (GemmShape s : shapes) {
      for (int dpus : new int[] {64, 512}) {
        Selection sel = TS.select(s, GemmDType.INT8, dpus);
        List<TileSelector.Ranked> all = TS.rank(s, GemmDType.INT8, dpus, CallOptions.POOLED);
        assertEquals(all.get(0).cost().totalSeconds(), sel.predictedSeconds(), 1e-15, s + " on " + dpus);
        assertEquals(sel.predictedSeconds(), TS.predict(sel.plan()), 1e-15);
        assertTrue(sel.plan().dpus() <= dpus);
      }
    }
  }

  @Test
  void modelRanksPlansLikeTheSimulator() {
    // Every candidate of a few small shapes: the model's order must agree with the simulator's
    // (Spearman's rho over all candidates), and the model's pick must be within 5% of the simulated best.
    GemmShape[] shapes = {GemmShape.of(1, 64, 256, 256), GemmShape.of(4, 32, 64, 32), GemmShape.of(1, 16, 1024, 128)};
    for (GemmShape s : shapes) {
      List<TileSelector.Ranked> all = TS.rank(s, GemmDType.INT8, 256, CallOptions.POOLED);
      double[] predicted = new double[all.size()];
      double[] simulated = new double[all.size()];
      double best = Double.POSITIVE_INFINITY;
      for (int i = 0; i < all.size(); i++) {
        predicted[i] = all.get(i).cost().totalSeconds();
        simulated[i] = PgemmLib.simulate(all.get(i).plan(), HW).totalSeconds();
        best = Math.min(best, simulated[i]);
      }
      double rho = new SpearmansCorrelation().correlation(predicted, simulated);
      assertTrue(rho > 0.9, s + ": Spearman rho " + rho);
      assertTrue(simulated[0] <= 1.05 * best, s + ": pick " + simulated[0] + " s vs best " + best + " s");
    }
  }

  @Test
  void selectedPlansAreLegalAndComputeCorrectly() {
    GemmShape[] shapes = {GemmShape.of(1, 5, 72, 11), GemmShape.of(3, 9, 40, 16), GemmShape.of(1, 33, 200, 64),
        GemmShape.of(1, 1, 512, 30)};
    for (GemmDType t : new GemmDType[] {GemmDType.INT8, GemmDType.INT16, GemmDType.FP32}) {
      for (GemmShape s : shapes) {
        TilingPlan plan = TS.select(s, t, 64).plan();
        assertTrue(PlanValidator.isLegal(plan, PgemmLib.limits(HW)), plan::toString);
        PimSystem sys = new PimSystem(HW, Mode.FUNCTIONAL);
        Matrix a = Matrix.random(t, s.b(), s.m(), s.k(), Layout.ROW_MAJOR, 7);
        Matrix b = Matrix.random(t, s.b(), s.k(), s.n(), Layout.COL_MAJOR, 8);
        GemmResult r = new PgemmLib(sys).gemmStandalone(plan, a, b);
        ResultCheck.Outcome o = ResultCheck.check(plan, a, b, r.c());
        assertTrue(o.ok(), plan + ": " + o.detail());
      }
    }
  }

  @Test
  void oracleIsTheFastestSimulatedCandidateAndSkipsOnlyProvablySlowerOnes() {
    GemmShape s = GemmShape.of(1, 48, 384, 96);
    List<TilingPlan> candidates = TS.candidates(s, GemmDType.INT8, 128);
    TilingPlan picked = TS.select(s, GemmDType.INT8, 128).plan();
    Oracle.Result r = new Oracle(HW, 2).search(candidates, picked, null);
    List<Double> brute = new ArrayList<>();
    for (TilingPlan p : candidates) {
      brute.add(PgemmLib.simulate(p, HW).totalSeconds());
    }
    double min = brute.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    assertEquals(min, r.best().simulatedSeconds(), 0);
    long faster = brute.stream().filter(x -> x < r.secondsOf(picked)).count();
    assertEquals(1 + faster, r.rankOf(picked));
    for (int i = 0; i < candidates.size(); i++) {
      Oracle.Measured m = r.all().get(i);
      assertTrue(m.lowerBoundSeconds() <= brute.get(i) * (1 + 1e-12), "bound above the simulation: " + m);
      if (!m.simulated()) {
        assertTrue(m.lowerBoundSeconds() > min, "skipped a candidate that could be best: " + m);
      }
    }
  }

  @Test
  void unpooledCallsPreferFewerRanks() {
    // Allocation per rank dominates small unpooled GEMMs, so the selector must not spread them over many ranks.
    GemmShape s = GemmShape.of(1, 32, 256, 256);
    Selection pooled = TS.select(s, GemmDType.INT8, 2048);
    Selection unpooled = TS.select(s, GemmDType.INT8, 2048, new CallOptions(false, Layout.COL_MAJOR));
    assertTrue(unpooled.plan().dpus() <= pooled.plan().dpus(), unpooled.plan() + " vs " + pooled.plan());
    assertTrue(unpooled.predictedSeconds() > pooled.predictedSeconds());
  }
  @Test
  void aRestrictedSelectionIsTheCheapestAdmittedCandidate() {
    GemmShape s = GemmShape.of(1, 64, 96, 130);
    List<TileSelector.Ranked> all = TS.rank(s, GemmDType.INT8, 32, CallOptions.POOLED);
    for (Strategy st : new Strategy[] {Strategy.BASE, Strategy.NTILE, Strategy.KTILE, Strategy.MIXED}) {
      Selection sel = TS.select(s, GemmDType.INT8, 32, CallOptions.POOLED, Restriction.to(st));
      assertEquals(st, sel.plan().strategy());
      double cheapest = all.stream().filter(r -> r.plan().strategy() == st).mapToDouble(r -> r.cost().totalSeconds())
          .min().orElseThrow();
      assertEquals(cheapest, sel.predictedSeconds(), 1e-15, st.toString());
    }
    // a fixed factor is kept (7 is not among the enumerated candidates of 130), the others are chosen
    Selection fixed = TS.select(s, GemmDType.INT8, 32, CallOptions.POOLED,
        Restriction.to(Strategy.NTILE).withFactors(null, null, null, 7).withKernel(null, 16, null, null));
    assertEquals(7, fixed.plan().partition().fN());
    assertEquals(16, fixed.plan().kernel().tasklets());
    assertTrue(fixed.plan().dpus() <= 32);
  }

  @Test
  void aRestrictionNothingSatisfiesSaysWhy() {
    GemmShape s = GemmShape.of(1, 8, 64, 64);
    var e = assertThrows(IllegalArgumentException.class, () -> TS.select(s, GemmDType.INT8, 64, CallOptions.POOLED,
        Restriction.to(Strategy.NTILE).withFactors(null, null, null, 1)));
    assertTrue(e.getMessage().startsWith("NtileGEMM needs fN >= 2"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> TS.select(s, GemmDType.INT8, 64, CallOptions.POOLED, Restriction.to(Strategy.BATCHED)));
    assertTrue(e.getMessage().startsWith("BatchedGEMM divides the DPUs over the batch"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> TS.select(s, GemmDType.INT8, 64, CallOptions.POOLED,
        Restriction.NONE.withKernel(16, null, null, null)));
    assertTrue(e.getMessage().contains("Tile_K * element size must be >= 64 bytes"), e.getMessage());
  }
}
