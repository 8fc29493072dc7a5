package org.pimllm.tileselector;

import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.KernelCost;
import org.pimllm.pgemm.KernelParams;
import org.pimllm.pgemm.TilingPlan;
import org.pimllm.sim.DType;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.sim.OpClass;

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
 * Near the crossing of two bounds the tasklets interfere (queueing at the DMA engine, sharing the pipeline),
 * so the bounds are combined as a smooth maximum {@code (a^p + b^p + c^p)^(1/p)}; p is profiled per preset
 * from the simulator ({@link KernelCalibration}).
 */
final class KernelEstimator {
  private final double revolver;
  private final double issuePerCycle;
  private final double readAlpha;
  private final double writeAlpha;
  private final double beta;
  private final double[] softPerMac = new double[GemmDType.values().length];
  private final double p;

  KernelEstimator(HardwareConfig hw, double smoothExponent) {
    this.revolver = hw.pipeline().revolverCycles();
    this.issuePerCycle = hw.pipeline().issuePerCycle();
    this.readAlpha = hw.dma().readAlphaCycles();
    this.writeAlpha = hw.dma().writeAlphaCycles();
    this.beta = hw.dma().betaCyclesPerByte();
    for (GemmDType t : GemmDType.values()) {
      DType st = switch (t) {
        case INT8 -> DType.INT8;
        case INT16 -> DType.INT16;
        case INT32 -> DType.INT32;
        case FP32 -> DType.FLOAT;
      };
      softPerMac[t.ordinal()] = KernelCost.softMulsPerMac(t) * hw.opCost(OpClass.MUL, st)
          + KernelCost.softAddsPerMac(t) * hw.opCost(OpClass.ADD, st);
    }
    this.p = smoothExponent;
  }

  double smoothExponent() {
    return p;
  }

  /** Estimated kernel cycles of the plan's (identical) per-DPU slices. */
  double cycles(TilingPlan plan) {
    TilingPlan.DpuSlice s = plan.slice();
    KernelParams kp = plan.kernel();
    GemmDType t = plan.dtype();
    int br = kp.blockRows();
    int bc = kp.blockCols();
    int rowBlocks = ceilDiv(s.mLoc(), br);
    int colBlocks = ceilDiv(s.nLoc(), bc);
    int lastRows = s.mLoc() - (rowBlocks - 1) * br;
    int lastCols = s.nLoc() - (colBlocks - 1) * bc;
    int kTiles = s.kLoc() / kp.tileK();
    long items = (long) s.bLoc() * rowBlocks * colBlocks;

    // Sum I and D over the four kinds of items (full, last row block, last column block, corner).
    double sumI = 0;
    double sumD = 0;
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
        sumI += count * itemInstructions(t, rows, cols, kTiles, kp.tileK());
        sumD += count * itemDmaCycles(t, rows, cols, kTiles, kp.tileK());
      }
    }
    double itemI = sumI / items;
    double itemD = sumD / items;
    int tasklets = kp.tasklets();
    long fullRounds = items / tasklets;
    int rest = (int) (items % tasklets);
    double prologue = KernelCost.TASKLET_PROLOGUE * Math.max(revolver, tasklets / issuePerCycle);
    double cycles = prologue + fullRounds * round(tasklets, itemI, itemD);
    if (rest > 0) {
      cycles += round(rest, itemI, itemD);
    }
    return cycles;
  }

  /** One round of k tasklets each running one item of I instructions and D DMA cycles. */
  double round(int k, double itemI, double itemD) {
    double chain = itemI * revolver + itemD;
    double issue = k * itemI / issuePerCycle;
    double dma = k * itemD;
    return smoothMax(chain, issue, dma);
  }

  private double smoothMax(double a, double b, double c) {
    double m = Math.max(a, Math.max(b, c));
    if (Double.isInfinite(p) || m == 0) {
      return m;
    }
    double sa = a / m;
    double sb = b / m;
    double sc = c / m;
    return m * Math.pow(Math.pow(sa, p) + Math.pow(sb, p) + Math.pow(sc, p), 1 / p);
  }

  /** Instructions of one work item: bookkeeping and C writes, K tiles (explicit + software ops). */
  double itemInstructions(GemmDType t, int rows, int cols, int kTiles, int tileK) {
    return KernelCost.itemInstructions(rows, cols)
        + (double) kTiles * (KernelCost.tileInstructions(t, rows, cols, tileK) + (double) rows * cols * tileK * softPerMac[t.ordinal()]);
  }

  /** DMA-engine cycles of one work item: A and B tiles read per K tile, C rows written at the end. */
  double itemDmaCycles(GemmDType t, int rows, int cols, int kTiles, int tileK) {
    double tileRead = readAlpha + beta * tileK * t.bytes();
    double cWrite = writeAlpha + beta * cols * t.accumulatorBytes();
    return (double) kTiles * (rows + cols) * tileRead + rows * cWrite;
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}
