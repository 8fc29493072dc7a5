package org.pimllm.tileselector;

import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.KernelCost;
import org.pimllm.pgemm.KernelParams;
import org.pimllm.pgemm.TilingPlan;
import org.pimllm.sim.HardwareConfig;

/**
 * Closed-form cycles of PGEMMlib's kernel on one DPU, from the same instruction counts ({@link KernelCost}) and
 * preset numbers the simulator uses.
 *
 * <p>Every work item of a tasklet is a chain of compute bursts (I instructions in total) and DMAs (D cycles
 * of the DMA engine in total). Tasklets take items round-robin, so the kernel runs in rounds: {@code q}
 * full rounds of all T tasklets and one partial round of the remaining {@code r} items. A round of k
 * tasklets lasts about the largest of three bounds:
 * <ul>
 *   <li>one tasklet's chain alone: {@code I * revolver + D} (a tasklet issues at most once per revolver period);
 *   <li>the pipeline: {@code k * I / issuePerCycle};
 *   <li>the DMA engine, which serves one transfer at a time: {@code k * D}.
 * </ul>
 * The first round starts every lane at once, so their first DMAs queue behind each other: the last lane's
 * chain starts (k - 1) first-DMA times late, and the pipeline fills and drains over min(k, revolver) lanes.
 * With kSplit > 1 a work item's K tiles are shared by kSplit lanes and lane 0 then adds the partial sums and
 * writes C after a barrier. Every number comes from the preset and {@link KernelCost}; nothing is fitted.
 *
 * <p>This is the project's only kernel-time estimate: the Tile-Selector uses it both to pick the kernel
 * parameters of each (partition, Tile_K) that PGEMMlib's {@code PlanEnumerator} lists and to cost whole plans.
 * (It replaced PGEMMlib's coarser KernelModel, which was 0.886 geomean / 10.8% mean |error| of simulated
 * kernel cycles on the paper suite's top plans against this estimator's 0.952 / 4.7%; see docs/tileselector.md.)
 */
final class KernelEstimator {
  private final double revolver;
  private final double issuePerCycle;
  private final double readAlpha;
  private final double writeAlpha;
  private final double beta;
  private final double[] softPerMac = new double[GemmDType.values().length];

  KernelEstimator(HardwareConfig hw) {
    this.revolver = hw.pipeline().revolverCycles();
    this.issuePerCycle = hw.pipeline().issuePerCycle();
    this.readAlpha = hw.dma().readAlphaCycles();
    this.writeAlpha = hw.dma().writeAlphaCycles();
    this.beta = hw.dma().betaCyclesPerByte();
    for (GemmDType t : GemmDType.values()) {
      softPerMac[t.ordinal()] = KernelCost.softInstructionsPerMac(t, hw);
    }
  }

  /** Estimated kernel cycles of the plan's (identical) per-DPU slices. */
  double cycles(TilingPlan plan) {
    return cycles(plan.dtype(), plan.slice(), plan.kernel());
  }

  /** Estimated kernel cycles of one DPU's slice with the given kernel parameters (no plan needed). */
  double cycles(GemmDType t, TilingPlan.DpuSlice s, KernelParams kp) {
    int br = kp.blockRows();
    int bc = kp.blockCols();
    int rowBlocks = Math.ceilDiv(s.mLoc(), br);
    int colBlocks = Math.ceilDiv(s.nLoc(), bc);
    int lastRows = s.mLoc() - (rowBlocks - 1) * br;
    int lastCols = s.nLoc() - (colBlocks - 1) * bc;
    int kTiles = s.kLoc() / kp.tileK();
    long items = (long) s.bLoc() * rowBlocks * colBlocks;

    // Sum I and D over the four kinds of items (full, last row block, last column block, corner).
    int split = Math.max(1, Math.min(kp.kSplit(), kTiles));
    int tilesPerLane = Math.ceilDiv(kTiles, split);
    double sumI = 0;
    double sumD = 0;
    double sumTail = 0;
    double sumFirst = 0;
    for (int rk = 0; rk < 2; rk++) {
      long nr = rk == 0 ? rowBlocks - 1 : 1;
      int rows = rk == 0 ? br : lastRows;
      for (int ck = 0; ck < 2; ck++) {
        long nc = ck == 0 ? colBlocks - 1 : 1;
        int cols = ck == 0 ? bc : lastCols;
        long count = nr * nc * s.bLoc();
        if (count == 0) {
          continue;
        }
        sumI += count * laneInstructions(t, rows, cols, tilesPerLane, kp.tileK());
        sumD += count * laneDmaCycles(t, rows, cols, tilesPerLane, kp.tileK());
        sumTail += count * tailCycles(t, rows, cols, split);
        sumFirst += count * (rows * (readAlpha + beta * kp.tileBytes(t)) + cols * (readAlpha + beta * kp.bTileBytes(t)));
      }
    }
    // Per lane of an item (a lane = the one tasklet of an unsplit item, or one of kSplit sharing it).
    double laneI = sumI / items;
    double laneD = sumD / items;
    double tail = sumTail / items;
    double firstDma = sumFirst / items;
    int groups = Math.max(1, kp.tasklets() / split);
    long fullRounds = items / groups;
    int rest = (int) (items % groups);
    double prologue = KernelCost.TASKLET_PROLOGUE * Math.max(revolver, kp.tasklets() / issuePerCycle);
    double cycles = prologue;
    long roundsDone = 0;
    if (fullRounds > 0) {
      // The first round starts all lanes at once: their first DMAs queue behind each other.
      cycles += round(groups * split, laneI, laneD, firstDma) + (fullRounds - 1) * round(groups * split, laneI, laneD, 0);
      roundsDone = fullRounds;
    }
    if (rest > 0) {
      cycles += round(rest * split, laneI, laneD, roundsDone == 0 ? firstDma : 0);
      roundsDone++;
    }
    if (split > 1) {
      cycles += roundsDone * tail; // lane 0 combines the partial sums and writes C after a barrier
    }
    return cycles;
  }

  /**
   * One round of k lanes each running laneI instructions and laneD DMA cycles; startDma > 0 when all lanes
   * start together and each first needs that many DMA cycles (the last one waits for the k - 1 before it).
   */
  double round(int k, double laneI, double laneD, double startDma) {
    double chain = laneI * revolver + laneD + Math.max(0, k - 1) * startDma;
    // Lanes start startDma apart, so the pipeline fills over the first min(k, revolver) of them and drains
    // over as many at the end (they finish as staggered as they started): about one startDma per lane lost.
    double issue = k * laneI / issuePerCycle + startDma * (1 + Math.min(k, revolver));
    double dma = k * laneD;
    return Math.max(chain, Math.max(issue, dma));
  }

  /** Instructions of one lane of a work item: bookkeeping, its K tiles (explicit + software ops), C writes. */
  double laneInstructions(GemmDType t, int rows, int cols, int tiles, int tileK) {
    return KernelCost.itemInstructions(rows, cols)
        + (double) tiles * (KernelCost.tileInstructions(t, rows, cols, tileK) + (double) rows * cols * tileK * softPerMac[t.ordinal()]);
  }

  /** DMA-engine cycles of one lane: its A and B tiles; an unsplit item also writes its C rows. */
  double laneDmaCycles(GemmDType t, int rows, int cols, int tiles, int tileK) {
    KernelParams kp = new KernelParams(1, tileK, rows, cols);
    double tileReads = rows * (readAlpha + beta * kp.tileBytes(t)) + cols * (readAlpha + beta * kp.bTileBytes(t));
    return (double) tiles * tileReads + rows * (writeAlpha + beta * cols * t.accumulatorBytes());
  }

  /** With kSplit > 1, after the barrier: lane 0 adds the partial sums (at one issue per revolver period) and writes C. */
  double tailCycles(GemmDType t, int rows, int cols, int split) {
    if (split <= 1) {
      return 0;
    }
    return (KernelCost.combineInstructions(rows, cols, split) + 2.0 * KernelCost.ROUND_BARRIERS) * revolver;
  }

  /** Cycles of only the multiply steps of {@code macs} MACs at the pipeline's full issue rate: a lower bound. */
  double issueBoundCycles(GemmDType t, long macs) {
    return macs * (KernelCost.coreInstructionsPerMac(t) + softPerMac[t.ordinal()]) / issuePerCycle;
  }
}
