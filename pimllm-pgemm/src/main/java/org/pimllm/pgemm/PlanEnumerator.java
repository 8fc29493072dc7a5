package org.pimllm.pgemm;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Enumerates plans; it does not choose among them (the Tile-Selector does, with its cost model). A plan is a
 * strategy, a partition ({@link #partitions}), a Tile_K ({@link #tileKs}) and kernel parameters
 * ({@link #kernels}); {@link #plansFor} lists every legal plan of a partition. Every list holds only
 * candidates that {@link PlanValidator} accepts or that pass its kernel-level screens (tasklets, WRAM, K split),
 * and nothing here estimates time.
 */
public final class PlanEnumerator {
  private PlanEnumerator() {}

  /** Tile_K block sizes tried, in bytes (Tile_K * element size >= 64 B, at most one 2 KiB DMA). */
  static final int[] TILE_BYTES = {64, 128, 256, 512, 1024, 2048};
  static final int[] BLOCK_ROWS = {1, 2, 4, 8};
  static final int[] BLOCK_COLS = {2, 4, 8, 16};

  /**
   * Every legal plan of one strategy and partition: each Tile_K of {@link #tileKs} with each kernel-parameter
   * combination of {@link #kernels}, validated. Hundreds per partition: the Tile-Selector walks
   * {@link #tileKs}/{@link #kernels} itself and validates only the plans it keeps.
   */
  public static List<TilingPlan> plansFor(Strategy st, GemmShape shape, GemmDType dtype, Partition p, DpuLimits lim,
      int revolverCycles) {
    List<TilingPlan> out = new ArrayList<>();
    for (int tileK : tileKs(shape, dtype, p, lim)) {
      for (KernelParams kp : kernels(shape, dtype, p, tileK, lim, revolverCycles)) {
        TilingPlan plan = new TilingPlan(st, shape, dtype, p, kp);
        if (PlanValidator.isLegal(plan, lim)) {
          out.add(plan);
        }
      }
    }
    return out;
  }

  /**
   * The Tile_K values (elements) worth trying for a partition: Tile_K x element size is one of
   * {@link #TILE_BYTES} within the DMA maximum, and no longer than the (8-rounded) K slice, since a longer tile
   * only adds padding.
   */
  public static List<Integer> tileKs(GemmShape shape, GemmDType dtype, Partition p, DpuLimits lim) {
    List<Integer> out = new ArrayList<>();
    for (int tileBytes : TILE_BYTES) {
      if (tileBytes % dtype.bytes() != 0 || tileBytes > lim.dmaMaxBytes()) {
        continue;
      }
      int tileK = tileBytes / dtype.bytes();
      if (dtype.isInt4()) {
        int g = dtype.int4Group();
        if (tileK % g != 0 || tileK > Math.max(g, TilingPlan.DpuSlice.kPart(shape.k(), p.fK(), dtype))
            || Int4Weights.tileRecordBytes(dtype, tileK) > lim.dmaMaxBytes()) {
          continue; // int4 tiles hold whole groups
        }
        out.add(tileK);
        continue;
      }
      if (tileK > Math.max(PlanValidator.MIN_TILE_BYTES / dtype.bytes(), TilingPlan.roundUp(Math.ceilDiv(shape.k(), p.fK()), 8))) {
        continue; // a tile longer than the K slice only adds padding
      }
      out.add(tileK);
    }
    return out;
  }

  /**
   * The kernel parameters (tasklets, block, K split) for a partition and Tile_K that pass the kernel-level
   * screens: tasklets among {revolver, 12, 16, 24} within the limit, blocks no more than twice the slice, a K
   * split only when work items alone cannot keep the tasklets busy, WRAM and C-row DMA size within limits. A
   * plan built from one still needs {@link PlanValidator} (MRAM, alignment, IRAM).
   */
  public static List<KernelParams> kernels(GemmShape shape, GemmDType dtype, Partition p, int tileK, DpuLimits lim,
      int revolverCycles) {
    List<KernelParams> out = new ArrayList<>();
    TilingPlan.DpuSlice slice = TilingPlan.DpuSlice.of(shape, dtype, p, tileK);
    int bLoc = slice.bLoc();
    int mLoc = slice.mLoc();
    int nLoc = slice.nLoc();
    int kTiles = slice.kLoc() / tileK;
    for (int tasklets : taskletChoices(lim.maxTasklets(), revolverCycles)) {
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
            out.add(kp);
          }
        }
      }
    }
    return out;
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
    return partitions(st, s, budget, Factors.FREE);
  }

  /**
   * Like {@link #partitions(Strategy, GemmShape, int)} with some factors fixed: a fixed factor is used as given
   * (if the strategy allows it, it leaves no DPU without data and the product stays within the budget), the
   * others range over their candidates.
   */
  public static List<Partition> partitions(Strategy st, GemmShape s, int budget, Factors fixed) {
    List<Partition> out = new ArrayList<>();
    List<Integer> fBs = fixedOr(fixed.fB(), s.b(), budget, st == Strategy.BATCHED ? above1(factors(s.b(), budget)) : List.of(1));
    for (int fB : fBs) {
      List<Integer> fKs = fixedOr(fixed.fK(), s.k(), budget / fB, switch (st) {
        case KTILE, MIXED -> above1(factors(s.k(), budget / fB));
        case BATCHED -> factors(s.k(), budget / fB);
        default -> List.of(1);
      });
      for (int fK : fKs) {
        List<Integer> fNs = fixedOr(fixed.fN(), s.n(), budget / (fB * fK), switch (st) {
          case NTILE, MIXED -> above1(factors(s.n(), budget / (fB * fK)));
          case BATCHED -> factors(s.n(), budget / (fB * fK));
          default -> List.of(1);
        });
        for (int fN : fNs) {
          for (int fM : fixedOr(fixed.fM(), s.m(), budget / (fB * fK * fN), factors(s.m(), budget / (fB * fK * fN)))) {
            Partition p = new Partition(fB, fM, fK, fN);
            if (st.ruleViolation(p) == null) {
              out.add(p);
            }
          }
        }
      }
    }
    return out;
  }

  /**
   * Partition factors a caller fixes; null leaves that factor to the search.
   *
   * @param fB batch parts
   * @param fM row parts of A
   * @param fK parts of K
   * @param fN column parts of B
   */
  public record Factors(Integer fB, Integer fM, Integer fK, Integer fN) {
    /** Nothing fixed. */
    public static final Factors FREE = new Factors(null, null, null, null);

    public Factors {
      for (Integer f : new Integer[] {fB, fM, fK, fN}) {
        if (f != null && f < 1) {
          throw new IllegalArgumentException("partition factors must be >= 1, got fB=" + fB + " fM=" + fM + " fK=" + fK
              + " fN=" + fN);
        }
      }
    }

    /** True if the partition has every fixed factor. */
    public boolean admits(Partition p) {
      return (fB == null || fB == p.fB()) && (fM == null || fM == p.fM()) && (fK == null || fK == p.fK())
          && (fN == null || fN == p.fN());
    }

    /** The partition with the fixed factors and 1 elsewhere (to name the rule a fixed factor breaks). */
    public Partition orOnes() {
      return new Partition(fB == null ? 1 : fB, fM == null ? 1 : fM, fK == null ? 1 : fK, fN == null ? 1 : fN);
    }
  }

  /** The fixed factor alone if it fits the dimension and the budget (none otherwise), else the candidates. */
  private static List<Integer> fixedOr(Integer fixed, int d, int limit, List<Integer> candidates) {
    if (fixed == null) {
      return candidates;
    }
    return fixed <= limit && PlanValidator.nonEmptyParts(d, fixed) ? List.of(fixed) : List.of();
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
