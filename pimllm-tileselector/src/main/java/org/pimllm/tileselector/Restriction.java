package org.pimllm.tileselector;

import org.pimllm.pgemm.KernelParams;
import org.pimllm.pgemm.Partition;
import org.pimllm.pgemm.PlanEnumerator;
import org.pimllm.pgemm.Strategy;

/**
 * What a caller fixes of a plan before the Tile-Selector chooses the rest: the strategy, some partition factors,
 * some kernel parameters. Null (or {@link PlanEnumerator.Factors#FREE}) leaves a choice to the selector. A
 * BaseGEMM default plan is the selector restricted to {@link Strategy#BASE}.
 *
 * @param strategy the only strategy searched, or null for all
 * @param factors the partition factors kept as given
 * @param tileK Tile_K in elements, or null
 * @param tasklets NR_TASKLETS, or null
 * @param blockRows rows of a work item, or null
 * @param blockCols columns of a work item, or null
 * @param kSplit tasklets sharing a work item along K, or null (with tasklets, it fixes the kernel program)
 */
public record Restriction(Strategy strategy, PlanEnumerator.Factors factors, Integer tileK, Integer tasklets,
    Integer blockRows, Integer blockCols, Integer kSplit) {

  /** Nothing fixed: every strategy, partition and kernel parameter. */
  public static final Restriction NONE = new Restriction(null, PlanEnumerator.Factors.FREE, null, null, null, null, null);

  public Restriction {
    java.util.Objects.requireNonNull(factors, "factors");
    for (Integer v : new Integer[] {tileK, tasklets, blockRows, blockCols, kSplit}) {
      if (v != null && v < 1) {
        throw new IllegalArgumentException("fixed kernel parameters must be >= 1, got tileK=" + tileK + " tasklets="
            + tasklets + " block=" + blockRows + "x" + blockCols + " kSplit=" + kSplit);
      }
    }
  }

  /** Only plans of one strategy (everything else chosen). */
  public static Restriction to(Strategy strategy) {
    return NONE.withStrategy(java.util.Objects.requireNonNull(strategy, "strategy"));
  }

  public Restriction withStrategy(Strategy st) {
    return new Restriction(st, factors, tileK, tasklets, blockRows, blockCols, kSplit);
  }

  /** These partition factors as given (null = chosen). */
  public Restriction withFactors(Integer fB, Integer fM, Integer fK, Integer fN) {
    return new Restriction(strategy, new PlanEnumerator.Factors(fB, fM, fK, fN), tileK, tasklets, blockRows, blockCols,
        kSplit);
  }

  /** These kernel parameters as given (null = chosen). */
  public Restriction withKernel(Integer tileK, Integer tasklets, Integer blockRows, Integer blockCols) {
    return new Restriction(strategy, factors, tileK, tasklets, blockRows, blockCols, kSplit);
  }

  /**
   * Only kernels of one DPU program: these tasklets and K split (the program is (dtype, tasklets, K split); the
   * dtype is the GEMM's). What the compiler asks when it prices kernel reloads between GEMMs.
   */
  public Restriction withProgram(int tasklets, int kSplit) {
    return new Restriction(strategy, factors, tileK, tasklets, blockRows, blockCols, kSplit);
  }

  boolean admits(Strategy st) {
    return strategy == null || strategy == st;
  }

  boolean admitsTileK(int k) {
    return tileK == null || tileK == k;
  }

  boolean admits(KernelParams kp) {
    return (tasklets == null || tasklets == kp.tasklets()) && (blockRows == null || blockRows == kp.blockRows())
        && (blockCols == null || blockCols == kp.blockCols()) && (kSplit == null || kSplit == kp.kSplit());
  }

  /** True if any kernel parameter is fixed. */
  boolean fixesKernel() {
    return tileK != null || tasklets != null || blockRows != null || blockCols != null || kSplit != null;
  }

  /** The fixed factors with 1 elsewhere, to name the strategy rule they break. */
  Partition fixedPartition() {
    return factors.orOnes();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(strategy == null ? "any strategy" : strategy.cliName());
    PlanEnumerator.Factors f = factors;
    append(sb, "fB", f.fB());
    append(sb, "fM", f.fM());
    append(sb, "fK", f.fK());
    append(sb, "fN", f.fN());
    append(sb, "tileK", tileK);
    append(sb, "tasklets", tasklets);
    append(sb, "blockRows", blockRows);
    append(sb, "blockCols", blockCols);
    append(sb, "kSplit", kSplit);
    return sb.toString();
  }

  private static void append(StringBuilder sb, String name, Integer v) {
    if (v != null) {
      sb.append(' ').append(name).append('=').append(v);
    }
  }
}
