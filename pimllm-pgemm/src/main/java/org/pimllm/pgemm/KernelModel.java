package org.pimllm.pgemm;

/**
 * The few machine numbers the kernel-parameter choice needs, read from the hardware preset: how often one
 * tasklet may issue (the revolver pipeline), and the DMA cost {@code alpha + beta * bytes}.
 *
 * @param revolverCycles a tasklet issues at most once every this many cycles; at most one instruction per cycle in total
 * @param dmaReadAlphaCycles fixed cycles of one MRAM read
 * @param dmaBetaCyclesPerByte cycles per byte of a DMA
 */
public record KernelModel(int revolverCycles, double dmaReadAlphaCycles, double dmaBetaCyclesPerByte) {

  /**
   * Rough kernel cycles of a plan on one DPU, for choosing kernel parameters: the larger of total issue (one
   * instruction per cycle), the busiest tasklet's issue (one per revolver period) and the DMA engine's busy
   * time. Software op costs of int32/fp32 are the same for every choice and left out.
   */
  public double estimateCycles(TilingPlan plan) {
    TilingPlan.DpuSlice s = plan.slice();
    return estimateCycles(plan.dtype(), s.bLoc(), s.mLoc(), s.kLoc(), s.nLoc(), plan.kernel());
  }

  /** {@link #estimateCycles(TilingPlan)} from the slice's dimensions (no plan needed; used in enumeration loops). */
  public double estimateCycles(GemmDType t, int bLoc, int mLoc, int kLoc, int nLoc, KernelParams kp) {
    int rowBlocks = Math.ceilDiv(mLoc, kp.blockRows());
    int colBlocks = Math.ceilDiv(nLoc, kp.blockCols());
    long items = (long) bLoc * rowBlocks * colBlocks;
    int kTiles = kLoc / kp.tileK();
    int rows = Math.min(kp.blockRows(), mLoc);
    int cols = Math.min(kp.blockCols(), nLoc);
    int split = kp.kSplit();
    double tilesPerLane = Math.ceil((double) kTiles / split);
    double laneInstr = KernelCost.itemInstructions(rows, cols) + tilesPerLane * KernelCost.tileInstructions(t, rows, cols, kp.tileK())
        + (split > 1 ? KernelCost.combineInstructions(rows, cols, split) + KernelCost.ROUND_BARRIERS : 0);
    long rounds = (items + kp.groups() - 1) / kp.groups();
    double issue = items * split * laneInstr;
    double busiest = rounds * laneInstr * Math.max(revolverCycles, Math.min(kp.tasklets(), items * split));
    double dmaPerItem = kTiles * (rows + cols) * (dmaReadAlphaCycles + dmaBetaCyclesPerByte * kp.tileBytes(t));
    double dma = items * dmaPerItem;
    return Math.max(issue, Math.max(busiest, dma));
  }
}
