package org.pimllm.tileselector;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.GemmShape;
import org.pimllm.pgemm.PgemmLib;
import org.pimllm.pgemm.TilingPlan;
import org.pimllm.sim.HardwareConfig;

/**
 * Picks the PGEMMlib plan for a GEMM: enumerates every legal plan (PGEMMlib's enumeration and validation over
 * all strategies, partition factors and kernel parameters), costs each with the analytical {@link CostModel}
 * and returns the cheapest. The kernel term's one fitted constant is profiled from the simulator once per
 * preset and cached ({@link KernelCalibration}).
 */
public final class TileSelector {
  private final HardwareConfig hw;
  private final CostModel model;

  public TileSelector(HardwareConfig hw) {
    this.hw = Objects.requireNonNull(hw, "hw");
    this.model = new CostModel(hw, new KernelEstimator(hw, KernelCalibration.smoothExponent(hw)));
  }

  public HardwareConfig hardware() {
    return hw;
  }

  public CostModel model() {
    return model;
  }

  /** The cheapest plan for pooled DPUs and a column-major B (see {@link #select(GemmShape, GemmDType, int, CallOptions)}). */
  public Selection select(GemmShape shape, GemmDType dtype, int maxDpus) {
    return select(shape, dtype, maxDpus, CallOptions.POOLED);
  }

  /** The cheapest legal plan using at most maxDpus DPUs, for calls made as opts says. */
  public Selection select(GemmShape shape, GemmDType dtype, int maxDpus, CallOptions opts) {
    long t0 = System.nanoTime();
    List<TilingPlan> plans = candidates(shape, dtype, maxDpus);
    TilingPlan best = null;
    double bestSeconds = Double.POSITIVE_INFINITY;
    for (TilingPlan p : plans) {
      double s = model.cost(p, opts).totalSeconds();
      if (s < bestSeconds) {
        best = p;
        bestSeconds = s;
      }
    }
    double micros = (System.nanoTime() - t0) / 1e3;
    return new Selection(best, bestSeconds, plans.size(), micros);
  }

  /** Analytical seconds of one plan with pooled DPUs and a column-major B (what PgemmLib.simulate measures). */
  public double predict(TilingPlan plan) {
    return model.cost(plan, CallOptions.POOLED).totalSeconds();
  }

  /** The model's terms for one plan. */
  public PlanCost cost(TilingPlan plan, CallOptions opts) {
    return model.cost(plan, opts);
  }

  /** A candidate with its predicted cost. */
  public record Ranked(TilingPlan plan, PlanCost cost) {}

  /** Every legal candidate with its predicted cost, cheapest first. */
  public List<Ranked> rank(GemmShape shape, GemmDType dtype, int maxDpus, CallOptions opts) {
    List<Ranked> out = new ArrayList<>();
    for (TilingPlan p : candidates(shape, dtype, maxDpus)) {
      out.add(new Ranked(p, model.cost(p, opts)));
    }
    out.sort(Comparator.comparingDouble(r -> r.cost().totalSeconds()));
    return out;
  }

  /** PGEMMlib's legal plans; none is an error saying why. */
  public List<TilingPlan> candidates(GemmShape shape, GemmDType dtype, int maxDpus) {
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(dtype, "dtype");
    if (maxDpus < 1) {
      throw new IllegalArgumentException("the DPU budget must be >= 1, got " + maxDpus);
    }
    List<TilingPlan> plans = PgemmLib.enumerate(shape, dtype, maxDpus, hw);
    if (plans.isEmpty()) {
      throw new IllegalArgumentException("no legal PGEMMlib plan for GEMM " + shape + " " + dtype.cliName() + " on at most "
          + Math.min(maxDpus, hw.totalDpus()) + " DPUs of " + hw.name()
          + " (each DPU's slices must fit its " + hw.mramBytes() + " B MRAM); use more DPUs or split the GEMM");
    }
    return plans;
  }
}
