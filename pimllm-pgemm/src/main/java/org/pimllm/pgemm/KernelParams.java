package org.pimllm.pgemm;

/**
 * In-DPU parameters of the GEMM kernel.
 *
 * <p>The DPU's C block is cut into work items of {@code blockRows x blockCols} outputs, dealt round-robin to
 * the tasklets. For one work item a tasklet walks K in steps of {@code tileK} elements: it DMAs
 * {@code blockRows} A row tiles and {@code blockCols} B column tiles (each {@code tileK} elements, one DMA of
 * {@code tileK * elementBytes} bytes) into its own WRAM buffers, multiplies them into int32/fp32 accumulators
 * in WRAM, and at the end writes the block's C rows back to MRAM.
 *
 * @param tasklets NR_TASKLETS of the kernel
 * @param tileK Tile_K: elements of K per DMA block
 * @param blockRows rows of A (and C) per work item
 * <p>When a DPU has fewer work items than tasklets (a GEMV slice of a few columns), {@code kSplit > 1} lets
 * that many tasklets share one work item: each takes every kSplit-th K tile into its own accumulators, they
 * meet at a barrier, and the first adds the others' partial sums and writes C.
 *
 * @param blockCols columns of B (and C) per work item; even, so every C row write is a multiple of 8 bytes
 * @param kSplit tasklets sharing one work item along K (divides tasklets)
 */
public record KernelParams(int tasklets, int tileK, int blockRows, int blockCols, int kSplit) {

  public KernelParams {
    if (tasklets < 1 || tileK < 1 || blockRows < 1 || blockCols < 1 || kSplit < 1) {
      throw new IllegalArgumentException("kernel parameters must be >= 1, got tasklets=" + tasklets + " tileK="
          + tileK + " blockRows=" + blockRows + " blockCols=" + blockCols + " kSplit=" + kSplit);
    }
  }

  /** Without splitting work items along K. */
  public KernelParams(int tasklets, int tileK, int blockRows, int blockCols) {
    this(tasklets, tileK, blockRows, blockCols, 1);
  }

  /** Tasklet groups, each working on its own work items. */
  public int groups() {
    return Math.max(1, tasklets / kSplit);
  }

  /** Bytes of one DMA block of A or B. */
  public int tileBytes(GemmDType t) {
    return tileK * t.bytes();
  }

  /** Bytes of one DMA block of B: an A tile's size, or an int4 tile record (packed weights and multipliers). */
  public int bTileBytes(GemmDType t) {
    return t.isInt4() ? Int4Weights.tileRecordBytes(t, tileK) : tileBytes(t);
  }

  /** WRAM one tasklet's buffers take: A tiles, B tiles, accumulators. */
  public int wramBuffersPerTasklet(GemmDType t) {
    return blockRows * tileBytes(t) + blockCols * bTileBytes(t) + blockRows * blockCols * t.accumulatorBytes();
  }

  @Override
  public String toString() {
    return "tasklets=" + tasklets + " tileK=" + tileK + " block=" + blockRows + "x" + blockCols
        + (kSplit > 1 ? " kSplit=" + kSplit : "");
  }
}
