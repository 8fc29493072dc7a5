package org.pimllm.pgemm;

import java.util.Arrays;
import org.pimllm.sim.DType;
import org.pimllm.sim.DpuProgram;
import org.pimllm.sim.OpClass;
import org.pimllm.sim.Tasklet;
import org.pimllm.sim.WramBuffer;

/**
 * The DPU side of PGEMMlib: one program per element type and NR_TASKLETS.
 *
 * <p>Each tasklet takes work items {@code me, me + T, me + 2T, ...}; a work item is a
 * {@code blockRows x blockCols} block of the DPU's C slice. For it the tasklet zeroes its accumulators, then
 * for each Tile_K step of K DMAs the block's A row tiles and B column tiles from MRAM into its WRAM buffers
 * and multiplies them (continuing each accumulator in K order, so fp32 sums round exactly like the
 * reference), and finally writes the block's C rows to MRAM. Instruction charges come from
 * {@link KernelCost}'s explicit sequences; int32 multiplies and fp32 arithmetic are charged per operation
 * from the preset's op table (they are software routines on the DPU).
 *
 * <p>With {@code kSplit > 1} the tasklets form groups of kSplit that share a work item: lane j of a group
 * takes K tiles j, j + kSplit, ... into its own accumulators (a slot of a shared WRAM array), the tasklets
 * meet at a barrier, lane 0 adds the other lanes' partial sums in lane order and writes C, and a second
 * barrier frees the slots for the next round.
 *
 * @param dtype element type of A and B
 * @param tasklets NR_TASKLETS
 * @param kSplit tasklets per work item along K
 */
public record GemmKernel(GemmDType dtype, int tasklets, int kSplit) implements DpuProgram {

  /** The kernel a plan needs (one program per dtype, NR_TASKLETS and K split). */
  public static GemmKernel of(TilingPlan plan) {
    return new GemmKernel(plan.dtype(), plan.kernel().tasklets(), plan.kernel().kSplit());
  }

  @Override
  public String name() {
    return "pgemm_" + dtype.cliName() + "_t" + tasklets + (kSplit > 1 ? "_k" + kSplit : "");
  }

  @Override
  public int nrTasklets() {
    return tasklets;
  }

  @Override
  public int stackBytesPerTasklet() {
    return KernelCost.STACK_BYTES_PER_TASKLET;
  }

  @Override
  public int iramInstructions() {
    return KernelCost.iramInstructions(dtype);
  }

  @Override
  public boolean usesBarriers() {
    return kSplit > 1; // without a K split tasklets share nothing: each owns its work items and WRAM buffers
  }

  @Override
  public void run(Tasklet t) {
    GemmKernelArgs a = t.args(GemmKernelArgs.class);
    int es = dtype.bytes();
    int tileBytes = a.tileK() * es;
    int br = a.blockRows();
    int bc = a.blockCols();
    int accBytes = br * bc * 4;
    WramBuffer aTiles = t.wramAlloc(br * tileBytes);
    WramBuffer bTiles = t.wramAlloc(bc * bTileBytes(a));
    WramBuffer acc = kSplit > 1 ? t.wramShared("pgemm_acc", t.nrTasklets() * accBytes) : t.wramAlloc(accBytes);
    int mine = kSplit > 1 ? t.me() * accBytes : 0;
    t.instructions(KernelCost.TASKLET_PROLOGUE);

    int rowBlocks = Math.ceilDiv(a.mLoc(), br);
    int colBlocks = Math.ceilDiv(a.nLoc(), bc);
    long items = (long) a.bLoc() * rowBlocks * colBlocks;
    int kTiles = a.kLoc() / a.tileK();
    int groups = t.nrTasklets() / kSplit;
    int group = t.me() / kSplit;
    int lane = t.me() % kSplit;
    long rounds = (items + groups - 1) / groups;
    boolean functional = t.functional();

    for (long round = 0; round < rounds; round++) {
      long item = round * groups + group;
      boolean active = item < items;
      int lb = 0;
      int row0 = 0;
      int col0 = 0;
      int rows = 0;
      int cols = 0;
      if (active) {
        int cb = (int) (item % colBlocks);
        int rb = (int) (item / colBlocks % rowBlocks);
        lb = (int) (item / ((long) colBlocks * rowBlocks));
        row0 = rb * br;
        col0 = cb * bc;
        rows = Math.min(br, a.mLoc() - row0);
        cols = Math.min(bc, a.nLoc() - col0);
        if (functional) {
          Arrays.fill(acc.array(), mine, mine + accBytes, (byte) 0);
        }
        t.instructions(KernelCost.itemInstructions(rows, cols));
        multiplyKTiles(t, a, lb, row0, col0, rows, cols, kTiles, lane, aTiles, bTiles, acc, mine);
      }
      if (kSplit > 1) {
        t.instructions(KernelCost.ROUND_BARRIERS);
        t.barrier();
        if (active && lane == 0) {
          t.instructions(KernelCost.combineInstructions(rows, cols, kSplit));
          if (functional) {
            addPartials(acc, mine, accBytes, rows, cols, bc);
          }
        }
      }
      if (active && lane == 0) {
        for (int r = 0; r < rows; r++) {
          long row = (long) lb * a.mLoc() + row0 + r;
          t.mramWrite(acc, mine + r * bc * 4, a.cOffset() + (row * a.nLoc() + col0) * 4, cols * 4);
        }
      }
      if (kSplit > 1) {
        t.barrier();
      }
    }
  }

  /** This lane's K tiles of one work item: DMA the A rows and B columns, charge and (functionally) multiply. */
  private void multiplyKTiles(Tasklet t, GemmKernelArgs a, int lb, int row0, int col0, int rows, int cols, int kTiles,
      int lane, WramBuffer aTiles, WramBuffer bTiles, WramBuffer acc, int mine) {
    int es = dtype.bytes();
    int tileBytes = a.tileK() * es;
    int bTile = bTileBytes(a);
    long colBytes = dtype.isInt4() ? Int4Weights.columnBytes(dtype, a.kLoc(), a.tileK()) : (long) a.kLoc() * es;
    int bc = a.blockCols();
    long tileInstr = KernelCost.tileInstructions(dtype, rows, cols, a.tileK());
    long tileMacs = (long) rows * cols * a.tileK();
    for (int kt = lane; kt < kTiles; kt += kSplit) {
      long k0 = (long) kt * a.tileK();
      for (int r = 0; r < rows; r++) {
        long row = (long) lb * a.mLoc() + row0 + r;
        t.mramRead(a.aOffset() + (row * a.kLoc() + k0) * es, aTiles, r * tileBytes, tileBytes);
      }
      for (int c = 0; c < cols; c++) {
        long col = (long) lb * a.nLoc() + col0 + c;
        t.mramRead(a.bOffset() + col * colBytes + (long) kt * bTile, bTiles, c * bTile, bTile);
      }
      t.instructions(tileInstr);
      chargeSoftwareOps(t, tileMacs);
      if (t.functional()) {
        for (int r = 0; r < rows; r++) {
          for (int c = 0; c < cols; c++) {
            int accOff = mine + (r * bc + c) * 4;
            multiplyTile(aTiles.array(), r * tileBytes, bTiles.array(), c * bTile, a.tileK(), acc, accOff);
          }
        }
      }
    }
  }

  /** Bytes of one B tile DMA: Tile_K elements, or an int4 tile record (packed weights and multipliers). */
  private int bTileBytes(GemmKernelArgs a) {
    return dtype.isInt4() ? Int4Weights.tileRecordBytes(dtype, a.tileK()) : a.tileK() * dtype.bytes();
  }

  /** Lane 0 of a group adds lanes 1..kSplit-1's partial blocks (the next slots) to its own, in lane order. */
  private void addPartials(WramBuffer acc, int mine, int accBytes, int rows, int cols, int bc) {
    for (int p = 1; p < kSplit; p++) {
      int other = mine + p * accBytes;
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          int off = (r * bc + c) * 4;
          if (dtype.floating()) {
            acc.putFloat(mine + off, acc.getFloat(mine + off) + acc.getFloat(other + off));
          } else {
            acc.putInt(mine + off, acc.getInt(mine + off) + acc.getInt(other + off));
          }
        }
      }
    }
  }

  private void chargeSoftwareOps(Tasklet t, long macs) {
    switch (dtype) {
      case INT8, INT16, INT4_G32, INT4_G64, INT4_G128 -> { }
      case INT32 -> t.compute(OpClass.MUL, DType.INT32, macs);
      case FP32 -> {
        t.compute(OpClass.MUL, DType.FLOAT, macs);
        t.compute(OpClass.ADD, DType.FLOAT, macs);
      }
    }
  }

  /** acc[accOff] += dot(A tile, B tile) over tileK elements, in K order. */
  private void multiplyTile(byte[] a, int aOff, byte[] b, int bOff, int n, WramBuffer acc, int accOff) {
    switch (dtype) {
      case INT8 -> acc.putInt(accOff, acc.getInt(accOff) + TileDot.int8Fast(a, aOff, b, bOff, n));
      case INT16 -> acc.putInt(accOff, acc.getInt(accOff) + TileDot.int16(a, aOff, b, bOff, n));
      case INT32 -> acc.putInt(accOff, acc.getInt(accOff) + TileDot.int32(a, aOff, b, bOff, n));
      case FP32 -> acc.putFloat(accOff, TileDot.fp32(acc.getFloat(accOff), a, aOff, b, bOff, n));
      case INT4_G32, INT4_G64, INT4_G128 ->
          acc.putInt(accOff, acc.getInt(accOff) + TileDot.int4(a, aOff, b, bOff, n, dtype.int4Group()));
    }
  }
}
