package org.pimllm.tileselector;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.DpuLimits;
import org.pimllm.pgemm.GemmShape;
import org.pimllm.pgemm.KernelParams;
import org.pimllm.pgemm.Partition;
import org.pimllm.pgemm.PlanEnumerator;
import org.pimllm.pgemm.Strategy;
import org.pimllm.pgemm.PgemmLib;
import org.pimllm.pgemm.PlanValidator;
import org.pimllm.pgemm.TilingPlan;
import org.pimllm.sim.HardwareConfig;

/**
 * Chooses the PGEMMlib plan for a GEMM: PGEMMlib's {@link PlanEnumerator} lists the legal strategies,
 * partitions, Tile_K values and kernel parameters and {@link PlanValidator} checks them; this class costs them
 * with the analytical {@link CostModel} (its kernel term is the one kernel estimator, {@link KernelEstimator})
 * and returns the cheapest. A {@link Restriction} fixes what the caller wants fixed (a strategy, partition
 * factors, kernel parameters); a BaseGEMM default plan is {@code select(..., Restriction.to(Strategy.BASE))}.
 * The model reads only the hardware preset (no profiling is needed).
 */
public final class TileSelector {
  private final HardwareConfig hw;
  private final CostModel model;
  private final DpuLimits limits;

  public TileSelector(HardwareConfig hw) {
    this.hw = Objects.requireNonNull(hw, "hw");
    this.limits = PgemmLib.limits(hw);
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

  /** The cheapest plan of every strategy, partition and kernel parameter (see {@link #select(GemmShape, GemmDType, int, CallOptions, Restriction)}). */
  public Selection select(GemmShape shape, GemmDType dtype, int maxDpus, CallOptions opts) {
    return select(shape, dtype, maxDpus, opts, Restriction.NONE);
  }

  /**
   * The cheapest legal plan using at most maxDpus DPUs, for calls made as opts says, among the plans the
   * restriction admits. Every partition PGEMMlib allows (all strategies and partition factors the restriction
   * leaves open) gets a lower bound of the model's seconds over its plans (exact transfer, host and launch
   * terms for unpadded slices, the kernel's multiply steps at the peak issue rate). Cheapest bound first, the
   * partition's plans ({@link #plansFor}) are costed until the bound reaches the best plan so far: the result is
   * the same plan as costing every candidate, found without building most of them. None admitted is an error
   * naming the broken rule (e.g. a strategy's factor rule) or the limit.
   */
  public Selection select(GemmShape shape, GemmDType dtype, int maxDpus, CallOptions opts, Restriction r) {
    long t0 = System.nanoTime();
    checkArgs(shape, dtype, maxDpus, opts);
    Objects.requireNonNull(r, "restriction");
    int budget = Math.min(maxDpus, hw.totalDpus());
    List<Bounded> parts = new ArrayList<>();
    for (Strategy st : Strategy.values()) {
      if (!r.admits(st)) {
        continue;
      }
      for (Partition p : PlanEnumerator.partitions(st, shape, budget, r.factors())) {
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
      for (TilingPlan p : plansFor(b.strategy(), shape, dtype, b.partition(), r)) {
        double s = model.cost(p, opts).totalSeconds();
        if (s < bestSeconds) {
          best = p;
          bestSeconds = s;
        }
      }
    }
    if (best == null) {
      throw noPlan(shape, dtype, maxDpus, r);
    }
    double micros = (System.nanoTime() - t0) / 1e3;
    return new Selection(best, bestSeconds, parts.size(), micros);
  }

  /**
   * The candidates of one strategy and partition: for each Tile_K PGEMMlib lists, the kernel parameters
   * (tasklets, block, K split) with the fewest estimated kernel cycles among those it lists and the restriction
   * admits, kept if {@link PlanValidator} accepts the plan. The kernel term is the only part of the cost these
   * parameters change, so this is the model's cheapest plan of each (partition, Tile_K).
   */
  public List<TilingPlan> plansFor(Strategy st, GemmShape shape, GemmDType dtype, Partition p, Restriction r) {
    List<TilingPlan> out = new ArrayList<>();
    int revolver = hw.pipeline().revolverCycles();
    for (int tileK : PlanEnumerator.tileKs(shape, dtype, p, limits)) {
      if (!r.admitsTileK(tileK)) {
        continue;
      }
      TilingPlan.DpuSlice slice = TilingPlan.DpuSlice.of(shape, dtype, p, tileK);
      List<KernelParams> kernels = PlanEnumerator.kernels(shape, dtype, p, tileK, limits, revolver);
      double[] cycles = new double[kernels.size()];
      double fewest = Double.POSITIVE_INFINITY;
      for (int i = 0; i < cycles.length; i++) {
        KernelParams kp = kernels.get(i);
        cycles[i] = r.admits(kp) ? model.kernelCycles(dtype, slice, kp) : Double.POSITIVE_INFINITY;
        fewest = Math.min(fewest, cycles[i]);
      }
      if (fewest == Double.POSITIVE_INFINITY) {
        continue; // no kernel admitted for this Tile_K
      }
      // The fastest kernel. Which program (tasklets, K split) a GEMM may use is the caller's choice
      // (Restriction.withProgram): the compiler's TileSelect prices kernel reloads between GEMMs.
      KernelParams best = null;
      for (int i = 0; i < cycles.length && best == null; i++) {
        best = cycles[i] == fewest ? kernels.get(i) : null;
      }
      if (best != null) {
        TilingPlan plan = new TilingPlan(st, shape, dtype, p, best);
        if (PlanValidator.isLegal(plan, limits)) {
          out.add(plan);
        }
      }
    }
    return out;
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

  /** Every candidate the selector compares (all strategies and partitions, {@link #plansFor} each); none is an error. */
  public List<TilingPlan> candidates(GemmShape shape, GemmDType dtype, int maxDpus) {
    checkArgs(shape, dtype, maxDpus, CallOptions.POOLED);
    int budget = Math.min(maxDpus, hw.totalDpus());
    List<TilingPlan> plans = new ArrayList<>();
    for (Strategy st : Strategy.values()) {
      for (Partition p : PlanEnumerator.partitions(st, shape, budget)) {
        plans.addAll(plansFor(st, shape, dtype, p, Restriction.NONE));
      }
    }
    if (plans.isEmpty()) {
      throw noPlan(shape, dtype, maxDpus, Restriction.NONE);
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

  /**
   * Why nothing was found: a fixed factor that breaks the strategy's rule, exceeds the budget or leaves DPUs
   * without data; fixed kernel parameters nothing admits; or (nothing fixed) slices too big for MRAM.
   */
  private IllegalArgumentException noPlan(GemmShape shape, GemmDType dtype, int maxDpus, Restriction r) {
    int budget = Math.min(maxDpus, hw.totalDpus());
    String on = " for GEMM " + shape + " " + dtype.cliName() + " on at most " + budget + " DPUs of " + hw.name();
    boolean fixed = !r.factors().equals(PlanEnumerator.Factors.FREE);
    if (r.strategy() != null && (fixed || r.strategy() == Strategy.BATCHED)) {
      // e.g. NtileGEMM with fN = 1 fixed, or BatchedGEMM of a single matrix
      Partition f = r.fixedPartition();
      String rule = r.strategy().ruleViolation(r.strategy() == Strategy.BATCHED && r.factors().fB() == null
          ? new Partition(shape.b(), f.fM(), f.fK(), f.fN()) : fillFree(r.strategy(), r.factors()));
      if (rule != null) {
        return new IllegalArgumentException(rule + "; no legal plan with " + r + on);
      }
    }
    if (fixed) {
      Partition f = r.fixedPartition();
      if ((long) f.fB() * f.fM() * f.fK() * f.fN() > budget || !PlanValidator.nonEmptyParts(shape.b(), f.fB())
          || !PlanValidator.nonEmptyParts(shape.m(), f.fM()) || !PlanValidator.nonEmptyParts(shape.k(), f.fK())
          || !PlanValidator.nonEmptyParts(shape.n(), f.fN())) {
        return new IllegalArgumentException("the fixed partition factors of " + r + " need more than " + budget
            + " DPUs or cut a dimension d into f parts with no data (f must be <= d and (f - 1) * ceil(d / f) < d)" + on);
      }
    }
    if (r.fixesKernel()) {
      // The fixed kernel parameters on their own may break a limit (e.g. a Tile_K under the 64 B DMA minimum).
      Strategy st = r.strategy() != null ? r.strategy() : Strategy.BASE;
      KernelParams kp = new KernelParams(r.tasklets() != null ? r.tasklets() : hw.pipeline().revolverCycles(),
          r.tileK() != null ? r.tileK() : PlanValidator.MIN_TILE_BYTES / dtype.bytes(),
          r.blockRows() != null ? r.blockRows() : 1, r.blockCols() != null ? r.blockCols() : 2);
      List<String> broken = PlanValidator.violations(new TilingPlan(st, shape, dtype, fillFree(st, r.factors()), kp), limits)
          .stream().filter(v -> !v.startsWith("partition") && !v.startsWith("MRAM") && !v.startsWith("strategy")).toList();
      if (!broken.isEmpty()) {
        return new IllegalArgumentException(String.join("; ", broken) + " (fixed " + r + ")" + on);
      }
      return new IllegalArgumentException("no legal PGEMMlib plan with " + r + on + " (PGEMMlib offers Tile_K x element"
          + " size of 64..2048 B up to the K slice, " + hw.pipeline().revolverCycles() + ", 12, 16 or 24 tasklets and"
          + " blocks of 1..8 x 2..16 up to twice the slice, within WRAM); drop or change the fixed kernel parameters");
    }
    return new IllegalArgumentException("no legal PGEMMlib plan" + (r.equals(Restriction.NONE) ? "" : " with " + r) + on
        + " (each DPU's slices must fit its " + hw.mramBytes() + " B MRAM); use more DPUs or split the GEMM");
  }

  /**
   * The fixed factors, with each free one set to a value the strategy allows (2 where it needs >= 2, else 1): a
   * rule violation of this partition is caused by a fixed factor.
   */
  private static Partition fillFree(Strategy st, PlanEnumerator.Factors f) {
    int b = f.fB() != null ? f.fB() : st == Strategy.BATCHED ? 2 : 1;
    int k = f.fK() != null ? f.fK() : st == Strategy.KTILE || st == Strategy.MIXED ? 2 : 1;
    int n = f.fN() != null ? f.fN() : st == Strategy.NTILE || st == Strategy.MIXED ? 2 : 1;
    return new Partition(b, f.fM() != null ? f.fM() : 1, k, n);
  }
}
