package org.pimllm.pgemm;

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
 * @param dtype element type of A and B
 * @param tasklets NR_TASKLETS
 */
public record GemmKernel(GemmDType dtype, int tasklets) implements DpuProgram {

  @Override
  public String name() {
    return "pgemm_" + dtype.cliName() + "_t" + tasklets;
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
    return false; // tasklets share nothing: each owns its work items and WRAM buffers
  }

  @Override
  public void run(Tasklet t) {
    GemmKernelArgs a = t.args(GemmKernelArgs.class);
    int es = dtype.bytes();
    int tileBytes = a.tileK() * es;
    int br = a.blockRows();
    int bc = a.blockCols();
    WramBuffer aTiles = t.wramAlloc(br * tileBytes);
    WramBuffer bTiles = t.wramAlloc(bc * tileBytes);
    WramBuffer acc = t.wramAlloc(br * bc * 4);
    t.instructions(KernelCost.TASKLET_PROLOGUE);

    int rowBlocks = TilingPlan.ceilDiv(a.mLoc(), br);
    int colBlocks = TilingPlan.ceilDiv(a.nLoc(), bc);
    long items = (long) a.bLoc() * rowBlocks * colBlocks;
    int kTiles = a.kLoc() / a.tileK();
    boolean functional = t.functional();

    for (long item = t.me(); item < items; item += t.nrTasklets()) {
      int cb = (int) (item % colBlocks);
      int rb = (int) (item / colBlocks % rowBlocks);
      int lb = (int) (item / ((long) colBlocks * rowBlocks));
      int row0 = rb * br;
      int col0 = cb * bc;
      int rows = Math.min(br, a.mLoc() - row0);
      int cols = Math.min(bc, a.nLoc() - col0);
      if (functional) {
        java.util.Arrays.fill(acc.array(), 0, br * bc * 4, (byte) 0);
      }
      t.instructions(KernelCost.itemInstructions(rows, cols));
      long tileInstr = KernelCost.tileInstructions(dtype, rows, cols, a.tileK());
      long tileMacs = (long) rows * cols * a.tileK();

      for (int kt = 0; kt < kTiles; kt++) {
        long k0 = (long) kt * a.tileK();
        for (int r = 0; r < rows; r++) {
          long row = (long) lb * a.mLoc() + row0 + r;
          t.mramRead(a.aOffset() + (row * a.kLoc() + k0) * es, aTiles, r * tileBytes, tileBytes);
        }
        for (int c = 0; c < cols; c++) {
          long col = (long) lb * a.nLoc() + col0 + c;
          t.mramRead(a.bOffset() + (col * a.kLoc() + k0) * es, bTiles, c * tileBytes, tileBytes);
        }
        t.instructions(tileInstr);
        chargeSoftwareOps(t, tileMacs);
        if (functional) {
          for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
              int accOff = (r * bc + c) * 4;
              multiplyTile(aTiles.array(), r * tileBytes, bTiles.array(), c * tileBytes, a.tileK(), acc, accOff);
            }
          }
        }
      }
      for (int r = 0; r < rows; r++) {
        long row = (long) lb * a.mLoc() + row0 + r;
        t.mramWrite(acc, r * bc * 4, a.cOffset() + (row * a.nLoc() + col0) * 4, cols * 4);
      }
    }
  }

  private void chargeSoftwareOps(Tasklet t, long macs) {
    switch (dtype) {
      case INT8, INT16 -> { }
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
      case INT8 -> acc.putInt(accOff, acc.getInt(accOff) + TileDot.int8(a, aOff, b, bOff, n));
      case INT16 -> acc.putInt(accOff, acc.getInt(accOff) + TileDot.int16(a, aOff, b, bOff, n));
      case INT32 -> acc.putInt(accOff, acc.getInt(accOff) + TileDot.int32(a, aOff, b, bOff, n));
      case FP32 -> acc.putFloat(accOff, TileDot.fp32(acc.getFloat(accOff), a, aOff, b, bOff, n));
    }
  }
}
