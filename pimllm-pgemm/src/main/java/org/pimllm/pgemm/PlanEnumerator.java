package org.pimllm.pgemm;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Builds plans: the default kernel parameters for a partition, a default plan for a strategy, and every legal
 * plan for a shape and DPU budget (what the Tile-Selector searches).
 */
public final class PlanEnumerator {
  private PlanEnumerator() {}

  /** Tile_K block sizes tried, in bytes (Tile_K * element size >= 64 B, at most one 2 KiB DMA). */
  static final int[] TILE_BYTES = {64, 128, 256, 512, 1024, 2048};
  static final int[] BLOCK_ROWS = {1, 2, 4, 8};
  static final int[] BLOCK_COLS = {2, 4, 8, 16};

  /**
   * Every legal plan for the shape with at most {@code maxDpus} DPUs: each strategy, each combination of
   * partition factors drawn from the divisors and powers of two of each dimension, and for each partition one
   * plan per Tile_K with the best tasklet count and block size for that Tile_K.
   */
  public static List<TilingPlan> enumerate(GemmShape shape, GemmDType dtype, int maxDpus, DpuLimits lim, KernelModel model) {
    int budget = Math.min(maxDpus, lim.totalDpus());
    List<TilingPlan> out = new ArrayList<>();
    for (Strategy st : Strategy.values()) {
      for (Partition p : partitions(st, shape, budget)) {
        out.addAll(plansFor(st, shape, dtype, p, lim, model));
      }
    }
    return out;
  }

  /**
   * The legal plans of one strategy and partition: one per Tile_K, each with the best tasklet count, block
   * size and K split for that Tile_K (what {@link #enumerate} lists for the partition). The Tile-Selector calls
   * it partition by partition to search without building every plan.
   */
  public static List<TilingPlan> plansFor(Strategy st, GemmShape shape, GemmDType dtype, Partition p, DpuLimits lim,
      KernelModel model) {
    List<TilingPlan> out = new ArrayList<>();
    for (int tileBytes : TILE_BYTES) {
      if (tileBytes % dtype.bytes() != 0 || tileBytes > lim.dmaMaxBytes()) {
        continue;
      }
      int tileK = tileBytes / dtype.bytes();
      if (tileK > Math.max(PlanValidator.MIN_TILE_BYTES / dtype.bytes(), TilingPlan.roundUp(Math.ceilDiv(shape.k(), p.fK()), 8))) {
        continue; // a tile longer than the K slice only adds padding
      }
      TilingPlan best = bestKernel(st, shape, dtype, p, tileK, lim, model);
      if (best != null) {
        out.add(best);
      }
    }
    return out;
  }

  /**
   * The plan of a strategy with the given factors (null = default) and default kernel parameters. Defaults:
   * fB = min(b, DPUs) for BATCHED else 1, fK = fN = 1, fM = as many row parts as the remaining DPUs allow.
   */
  public static TilingPlan defaultPlan(Strategy st, GemmShape shape, GemmDType dtype, int dpus, Integer fB, Integer fM,
      Integer fK, Integer fN, DpuLimits lim, KernelModel model) {
    int b = fB != null ? fB : st == Strategy.BATCHED ? largestValid(shape.b(), Math.min(shape.b(), dpus)) : 1;
    int k = fK != null ? fK : 1;
    int n = fN != null ? fN : 1;
    int rest = Math.max(1, dpus / Math.max(1, b * k * n));
    int m = fM != null ? fM : largestValid(shape.m(), Math.min(shape.m(), rest));
    Partition p = new Partition(b, m, k, n);
    TilingPlan best = null;
    double bestCycles = Double.POSITIVE_INFINITY;
    for (int tileBytes : TILE_BYTES) {
      if (tileBytes % dtype.bytes() != 0 || tileBytes > lim.dmaMaxBytes()) {
        continue;
      }
      TilingPlan cand = bestKernel(st, shape, dtype, p, tileBytes / dtype.bytes(), lim, model);
      double cycles = cand == null ? Double.POSITIVE_INFINITY : model.estimateCycles(cand);
      if (cycles < bestCycles) {
        best = cand;
        bestCycles = cycles;
      }
    }
    if (best == null) {
      // Nothing legal: validate a plain choice so the user sees which limit is violated.
      TilingPlan plain = new TilingPlan(st, shape, dtype, p,
          new KernelParams(Math.min(16, lim.maxTasklets()), Math.max(1, PlanValidator.MIN_TILE_BYTES / dtype.bytes()), 1, 2));
      PlanValidator.validate(plain, lim);
      return plain;
    }
    return best;
  }

  /**
   * The kernel parameters (tasklets, block, K split) with the lowest estimated cycles for a fixed Tile_K, or
   * null if no legal plan results. Candidates are screened with the kernel-level limits (tasklets, WRAM, K
   * split) directly; the winner is then checked with the full {@link PlanValidator}.
   */
  static TilingPlan bestKernel(Strategy st, GemmShape shape, GemmDType dtype, Partition p, int tileK, DpuLimits lim,
      KernelModel model) {
    KernelParams best = null;
    double bestCycles = Double.POSITIVE_INFINITY;
    TilingPlan.DpuSlice slice = TilingPlan.DpuSlice.of(shape, dtype, p, tileK);
    int bLoc = slice.bLoc();
    int mLoc = slice.mLoc();
    int nLoc = slice.nLoc();
    int kLoc = slice.kLoc();
    int kTiles = kLoc / tileK;
    for (int tasklets : taskletChoices(lim.maxTasklets(), model.revolverCycles())) {
      for (int split = 1; split <= Math.min(tasklets, kTiles); split++) {
        if (tasklets % split != 0) {
          continue;
        }
        for (int br : BLOCK_ROWS) {
          if (br > 1 && br / 2 >= mLoc) {
            continue;
          }
          for (int bc : BLOCK_COLS) {
            if (bc > 2 && bc / 2 >= nLoc) {
              continue;
            }
            long items = (long) bLoc * Math.ceilDiv(mLoc, br) * Math.ceilDiv(nLoc, bc);
            if (split > 1 && items * split > tasklets) {
              continue; // a K split only pays when work items alone cannot keep the tasklets busy
            }
            KernelParams kp = new KernelParams(tasklets, tileK, br, bc, split);
            if (PlanValidator.wramBytes(kp, dtype) > lim.wramBytes() || bc * dtype.accumulatorBytes() > lim.dmaMaxBytes()) {
              continue;
            }
            double c = model.estimateCycles(dtype, bLoc, mLoc, kLoc, nLoc, kp);
            if (c < bestCycles * (1 - 1e-9)) {
              best = kp;
              bestCycles = c;
            }
          }
        }
      }
    }
    if (best == null) {
      return null;
    }
    TilingPlan plan = new TilingPlan(st, shape, dtype, p, best);
    return PlanValidator.isLegal(plan, lim) ? plan : null;
  }

  static int[] taskletChoices(int maxTasklets, int revolver) {
    TreeSet<Integer> s = new TreeSet<>();
    for (int t : new int[] {revolver, 12, 16, 24}) {
      if (t >= 1 && t <= maxTasklets) {
        s.add(t);
      }
    }
    if (s.isEmpty()) {
      s.add(maxTasklets);
    }
    return s.descendingSet().stream().mapToInt(Integer::intValue).toArray();
  }

  /** Partitions a strategy allows for the shape within the DPU budget (public for the Tile-Selector). */
  public static List<Partition> partitions(Strategy st, GemmShape s, int budget) {
    List<Partition> out = new ArrayList<>();
    List<Integer> fBs = st == Strategy.BATCHED ? above1(factors(s.b(), budget)) : List.of(1);
    for (int fB : fBs) {
      List<Integer> fKs = switch (st) {
        case KTILE, MIXED -> above1(factors(s.k(), budget / fB));
        case BATCHED -> factors(s.k(), budget / fB);
        default -> List.of(1);
      };
      for (int fK : fKs) {
        List<Integer> fNs = switch (st) {
          case NTILE, MIXED -> above1(factors(s.n(), budget / (fB * fK)));
          case BATCHED -> factors(s.n(), budget / (fB * fK));
          default -> List.of(1);
        };
        for (int fN : fNs) {
          for (int fM : factors(s.m(), budget / (fB * fK * fN))) {
            out.add(new Partition(fB, fM, fK, fN));
          }
        }
      }
    }
    return out;
  }

  /**
   * Candidate factors for a dimension d within a limit: its divisors, the powers of two and the limit itself,
   * each leaving no DPU without data.
   */
  static List<Integer> factors(int d, int limit) {
    TreeSet<Integer> s = new TreeSet<>();
    int max = Math.min(d, limit);
    for (int f = 1; (long) f * f <= d; f++) {
      if (d % f == 0) {
        if (f <= max) {
          s.add(f);
        }
        if (d / f <= max) {
          s.add(d / f);
        }
      }
    }
    for (int f = 1; f <= max && f > 0; f *= 2) {
      s.add(f);
    }
    if (max >= 1) {
      s.add(max);
    }
    s.removeIf(f -> !PlanValidator.nonEmptyParts(d, f));
    return new ArrayList<>(s);
  }

  /** The largest factor <= limit that leaves no DPU without data. */
  static int largestValid(int d, int limit) {
    for (int f = Math.min(d, limit); f > 1; f--) {
      if (PlanValidator.nonEmptyParts(d, f)) {
        return f;
      }
    }
    return 1;
  }

  private static List<Integer> above1(List<Integer> l) {
    return l.stream().filter(x -> x > 1).toList();
  }
}
