package org.pimllm.tileselector;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.DpuLimits;
import org.pimllm.pgemm.GemmShape;
import org.pimllm.pgemm.KernelModel;
import org.pimllm.pgemm.Partition;
import org.pimllm.pgemm.PlanEnumerator;
import org.pimllm.pgemm.Strategy;
import org.pimllm.pgemm.PgemmLib;
import org.pimllm.pgemm.TilingPlan;
import org.pimllm.sim.HardwareConfig;

/**
 * Picks the PGEMMlib plan for a GEMM: enumerates every legal plan (PGEMMlib's enumeration and validation over
 * all strategies, partition factors and kernel parameters), costs each with the analytical {@link CostModel}
 * and returns the cheapest. The model reads only the hardware preset (no profiling is needed).
 */
public final class TileSelector {
  private final HardwareConfig hw;
  private final CostModel model;
  private final DpuLimits limits;
  private final KernelModel kernelModel;

  public TileSelector(HardwareConfig hw) {
    this.hw = Objects.requireNonNull(hw, "hw");
    this.limits = PgemmLib.limits(hw);
    this.kernelModel = PgemmLib.kernelModel(hw);
    this.model = new CostModel(hw, new KernelEstimator(hw));
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

  /**
   * The cheapest legal plan using at most maxDpus DPUs, for calls made as opts says. Every partition PGEMMlib
   * allows (all strategies and partition factors) gets a lower bound of the model's seconds over its plans
   * (exact transfer, host and launch terms for unpadded slices, the kernel's multiply steps at the peak issue
   * rate). Cheapest bound first, the partition's plans (PGEMMlib's per-partition enumeration of kernel
   * parameters, with its validation) are built and costed until the bound reaches the best plan so far: the
   * result is the same plan as costing all of PGEMMlib's candidates, found without building most of them.
   */
  public Selection select(GemmShape shape, GemmDType dtype, int maxDpus, CallOptions opts) {
    long t0 = System.nanoTime();
    checkArgs(shape, dtype, maxDpus, opts);
    int budget = Math.min(maxDpus, hw.totalDpus());
    List<Bounded> parts = new ArrayList<>();
    for (Strategy st : Strategy.values()) {
      for (Partition p : PlanEnumerator.partitions(st, shape, budget)) {
        parts.add(new Bounded(st, p, model.lowerBound(shape, dtype, p, opts)));
      }
    }
    parts.sort(Comparator.comparingDouble(Bounded::bound));
    TilingPlan best = null;
    double bestSeconds = Double.POSITIVE_INFINITY;
    for (Bounded b : parts) {
      if (b.bound() >= bestSeconds) {
        break; // sorted by bound: no later partition can beat the best plan either
      }
      for (TilingPlan p : PlanEnumerator.plansFor(b.strategy(), shape, dtype, b.partition(), limits, kernelModel)) {
        double s = model.cost(p, opts).totalSeconds();
        if (s < bestSeconds) {
          best = p;
          bestSeconds = s;
        }
      }
    }
    if (best == null) {
      throw noPlan(shape, dtype, maxDpus);
    }
    double micros = (System.nanoTime() - t0) / 1e3;
    return new Selection(best, bestSeconds, parts.size(), micros);
  }

  /** A partition with a lower bound of the model's seconds for every plan it has. */
  private record Bounded(Strategy strategy, Partition partition, double bound) {}

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
    checkArgs(shape, dtype, maxDpus, CallOptions.POOLED);
    List<TilingPlan> plans = PgemmLib.enumerate(shape, dtype, maxDpus, hw);
    if (plans.isEmpty()) {
      throw noPlan(shape, dtype, maxDpus);
    }
    return plans;
  }

  private static void checkArgs(GemmShape shape, GemmDType dtype, int maxDpus, CallOptions opts) {
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(dtype, "dtype");
    Objects.requireNonNull(opts, "opts");
    if (maxDpus < 1) {
      throw new IllegalArgumentException("the DPU budget must be >= 1, got " + maxDpus);
    }
  }

  private IllegalArgumentException noPlan(GemmShape shape, GemmDType dtype, int maxDpus) {
    return new IllegalArgumentException("no legal PGEMMlib plan for GEMM " + shape + " " + dtype.cliName()
        + " on at most " + Math.min(maxDpus, hw.totalDpus()) + " DPUs of " + hw.name()
        + " (each DPU's slices must fit its " + hw.mramBytes() + " B MRAM); use more DPUs or split the GEMM");
  }
}
