package org.pimllm.pgemm;

import java.util.ArrayList;
import java.util.List;

/** Checks a plan against the machine's limits before anything runs; each violation names its limit. */
public final class PlanValidator {
  private PlanValidator() {}

  /**
   * Smallest DMA block of the kernel: Tile_K * element size must be at least 64 bytes (the PIM-LLM paper's
   * rule; below it the fixed DMA latency dominates each transfer).
   */
  public static final int MIN_TILE_BYTES = 64;

  /** Throws {@link InvalidPlanException} listing every violation, or returns the plan. */
  public static TilingPlan validate(TilingPlan plan, DpuLimits lim) {
    List<String> v = violations(plan, lim);
    if (!v.isEmpty()) {
      throw new InvalidPlanException(plan, v);
    }
    return plan;
  }

  public static boolean isLegal(TilingPlan plan, DpuLimits lim) {
    return violations(plan, lim).isEmpty();
  }

  /** Every limit the plan breaks (empty if it can run). */
  public static List<String> violations(TilingPlan plan, DpuLimits lim) {
    return violations(plan, lim, false);
  }

  /**
   * Validates a call on resident weights: the DPU layout is fixed by the prepared plan, so a smaller M than
   * fM may leave some DPUs with padding rows only (they compute zeros); everything else is checked.
   */
  public static TilingPlan validateResidentCall(TilingPlan plan, DpuLimits lim) {
    List<String> v = violations(plan, lim, true);
    if (!v.isEmpty()) {
      throw new InvalidPlanException(plan, v);
    }
    return plan;
  }

  private static List<String> violations(TilingPlan plan, DpuLimits lim, boolean idleRowPartsAllowed) {
    List<String> v = new ArrayList<>();
    GemmShape s = plan.shape();
    Partition f = plan.partition();
    KernelParams kp = plan.kernel();
    GemmDType t = plan.dtype();

    String rule = plan.strategy().ruleViolation(f);
    if (rule != null) {
      v.add(rule);
    }
    checkFactor(v, "fB", f.fB(), "b", s.b());
    if (!idleRowPartsAllowed) {
      checkFactor(v, "fM", f.fM(), "M", s.m());
    }
    checkFactor(v, "fK", f.fK(), "K", s.k());
    checkFactor(v, "fN", f.fN(), "N", s.n());

    long dpus = f.dpusLong();
    if (dpus > lim.totalDpus()) {
      v.add("DPU count: the plan needs " + dpus + " DPUs (" + f + ") but the machine has " + lim.totalDpus());
    }
    if (kp.tasklets() > lim.maxTasklets()) {
      v.add("tasklets: " + kp.tasklets() + " > " + lim.maxTasklets() + " hardware threads per DPU");
    }
    int tileBytes = kp.tileBytes(t);
    if (tileBytes < MIN_TILE_BYTES) {
      v.add("Tile_K: " + kp.tileK() + " x " + t.bytes() + " B = " + tileBytes + " B < " + MIN_TILE_BYTES
          + " B (Tile_K * element size must be >= " + MIN_TILE_BYTES + " bytes; use tileK >= "
          + MIN_TILE_BYTES / t.bytes() + ")");
    }
    if (tileBytes % lim.dmaAlignBytes() != 0 || tileBytes % KernelCost.STEP_BYTES != 0) {
      v.add("DMA alignment: a Tile_K block is " + tileBytes + " B, not a multiple of "
          + Math.max(lim.dmaAlignBytes(), KernelCost.STEP_BYTES) + " B");
    }
    if (tileBytes > lim.dmaMaxBytes()) {
      v.add("DMA size: a Tile_K block is " + tileBytes + " B > the " + lim.dmaMaxBytes()
          + " B maximum of one mram_read (use tileK <= " + lim.dmaMaxBytes() / t.bytes() + ")");
    }
    if (tileBytes < lim.dmaMinBytes()) {
      v.add("DMA size: a Tile_K block is " + tileBytes + " B < the " + lim.dmaMinBytes() + " B minimum");
    }
    if (t.isInt4()) {
      int g = t.int4Group();
      if (kp.tileK() % g != 0) {
        v.add("int4 groups: Tile_K = " + kp.tileK() + " is not a multiple of the group of " + g + " K elements");
      }
      int kPart = TilingPlan.DpuSlice.kPart(s.k(), f.fK(), t);
      if (f.fK() > 1 && (long) (f.fK() - 1) * kPart >= s.k()) {
        v.add("partition: fK = " + f.fK() + " cuts K = " + s.k() + " into parts of " + kPart + " (whole int4 groups of "
            + g + "), leaving DPUs with no data");
      }
      int bTile = kp.bTileBytes(t);
      if (bTile > lim.dmaMaxBytes()) {
        v.add("DMA size: an int4 B tile record is " + bTile + " B > the " + lim.dmaMaxBytes() + " B maximum");
      }
    }
    if (kp.tasklets() % kp.kSplit() != 0) {
      v.add("kSplit: " + kp.kSplit() + " tasklets per work item must divide the " + kp.tasklets() + " tasklets");
    }
    int kTiles = plan.slice().kLoc() / Math.max(1, kp.tileK());
    if (kp.kSplit() > kTiles) {
      v.add("kSplit: " + kp.kSplit() + " tasklets would share a work item of only " + kTiles
          + " K tiles (use kSplit <= " + kTiles + " or a smaller tileK)");
    }
    if (kp.blockCols() % 2 != 0) {
      v.add("block columns: " + kp.blockCols() + " must be even so each C row write is a multiple of 8 bytes");
    }
    int cRowBytes = kp.blockCols() * t.accumulatorBytes();
    if (cRowBytes > lim.dmaMaxBytes()) {
      v.add("DMA size: a C row of a block is " + cRowBytes + " B > the " + lim.dmaMaxBytes() + " B maximum");
    }

    long wram = wramBytes(plan);
    if (wram > lim.wramBytes()) {
      v.add("WRAM: " + kp.tasklets() + " tasklets x (" + KernelCost.STACK_BYTES_PER_TASKLET + " B stack + "
          + kp.wramBuffersPerTasklet(t) + " B tiles and accumulators) + " + KernelCost.ARGS_BYTES + " B args = "
          + wram + " B > " + lim.wramBytes() + " B per DPU (lower tileK, the block size or the tasklets)");
    }
    int iram = KernelCost.iramInstructions(t);
    if (iram > lim.iramInstructions()) {
      v.add("IRAM: the " + t.cliName() + " kernel has " + iram + " instructions > " + lim.iramInstructions());
    }
    TilingPlan.DpuSlice sl = plan.slice();
    if (sl.mramBytes() > lim.mramBytes()) {
      v.add("MRAM: each DPU needs " + sl.mramBytes() + " B (B " + sl.bBytes() + " + A " + sl.aBytes() + " + C "
          + sl.cBytes() + ") > " + lim.mramBytes() + " B (use more DPUs or larger partition factors)");
    }
    if (sl.aBytes() > Integer.MAX_VALUE || sl.bBytes() > Integer.MAX_VALUE || sl.cBytes() > Integer.MAX_VALUE) {
      v.add("transfer size: a per-DPU slice exceeds 2 GiB, more than one parallel push can carry");
    }
    return v;
  }

  /** WRAM the kernel needs on one DPU: stacks, per-tasklet buffers, the argument block. */
  public static long wramBytes(TilingPlan plan) {
    return wramBytes(plan.kernel(), plan.dtype());
  }

  /** {@link #wramBytes(TilingPlan)} from the kernel parameters alone (for screening them before a plan exists). */
  static long wramBytes(KernelParams kp, GemmDType t) {
    return (long) kp.tasklets() * (KernelCost.STACK_BYTES_PER_TASKLET + kp.wramBuffersPerTasklet(t))
        + KernelCost.ARGS_BYTES;
  }

  /**
   * A factor f cutting dimension d into parts of ceil(d/f) must leave the last part non-empty: no DPU may hold
   * only padding.
   */
  private static void checkFactor(List<String> v, String fName, int f, String dName, int d) {
    if (!nonEmptyParts(d, f)) {
      v.add("partition: " + fName + " = " + f + " cuts " + dName + " = " + d + " into parts of "
          + Math.ceilDiv(d, f) + ", leaving DPUs with no data (" + fName + " must be <= " + dName
          + " and (" + fName + " - 1) * ceil(" + dName + " / " + fName + ") < " + dName + ")");
    }
  }

  /** True if cutting d into f parts of ceil(d/f) leaves every part non-empty. */
  public static boolean nonEmptyParts(int d, int f) {
    return f <= d && (long) (f - 1) * Math.ceilDiv(d, f) < d;
  }
}
