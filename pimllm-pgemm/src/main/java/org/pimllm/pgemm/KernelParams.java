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
 * @param blockCols columns of B (and C) per work item; even, so every C row write is a multiple of 8 bytes
 */
public record KernelParams(int tasklets, int tileK, int blockRows, int blockCols) {

  public KernelParams {
    if (tasklets < 1 || tileK < 1 || blockRows < 1 || blockCols < 1) {
      throw new IllegalArgumentException("kernel parameters must be >= 1, got tasklets=" + tasklets + " tileK="
          + tileK + " blockRows=" + blockRows + " blockCols=" + blockCols);
    }
  }

  /** Bytes of one DMA block of A or B. */
  public int tileBytes(GemmDType t) {
    return tileK * t.bytes();
  }

  /** WRAM one tasklet's buffers take: A tiles, B tiles, accumulators. */
  public int wramBuffersPerTasklet(GemmDType t) {
    return (blockRows + blockCols) * tileBytes(t) + blockRows * blockCols * t.accumulatorBytes();
  }

  @Override
  public String toString() {
    return "tasklets=" + tasklets + " tileK=" + tileK + " block=" + blockRows + "x" + blockCols;
  }
}
