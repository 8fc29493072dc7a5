package org.pimllm.tileselector;

import org.pimllm.pgemm.Layout;

/**
 * How a GEMM call runs, beyond its plan.
 *
 * @param pooled the DPU set is allocated (and the kernel loaded) once, outside the call; false = the paper's
 *     unpooled PGEMMlib, which allocates, loads and frees around every call
 * @param bLayout the layout B arrives in; ROW_MAJOR is transposed on the host at every call that sends B
 * @param residentB B was placed in MRAM once ({@code PgemmLib.prepareResident}): a call sends only A and the
 *     arguments and pulls C, with no B transfer or transposition (needs pooled DPUs)
 * @param zeroPoints PGEMMlib's uint8 x int8 call with zero points ({@code gemmU8S8}, int8 plans only): adds the
 *     host's flip and row sums of A and correction of C, and B's column sums unless B is resident
 * @param asyncRanks the call queues its transfers and launch rank by rank and syncs once (PgemmLib with
 *     asyncRanks, the simulator's RankPipeline): transfers of one rank overlap kernels of another (needs pooled DPUs)
 */
public record CallOptions(boolean pooled, Layout bLayout, boolean residentB, boolean zeroPoints, boolean asyncRanks) {

  /** Pooled DPUs, B already column-major: what {@code PgemmLib.simulate(plan, hw)} measures. */
  public static final CallOptions POOLED = new CallOptions(true, Layout.COL_MAJOR);

  /** Pooled DPUs with B resident in MRAM: what {@code prepareResident} once + {@code gemm(resident, m)} per call costs. */
  public static final CallOptions RESIDENT = new CallOptions(true, Layout.COL_MAJOR, true, false);

  public CallOptions {
    java.util.Objects.requireNonNull(bLayout, "bLayout");
    if (residentB && !pooled) {
      throw new IllegalArgumentException("a resident B lives in a pooled DPU set's MRAM; residentB needs pooled = true");
    }
    if (asyncRanks && !pooled) {
      throw new IllegalArgumentException("asynchronous rank-by-rank calls run on a pooled DPU set; asyncRanks needs pooled = true");
    }
  }

  /** A synchronous call (every step on the whole set, one after another). */
  public CallOptions(boolean pooled, Layout bLayout, boolean residentB, boolean zeroPoints) {
    this(pooled, bLayout, residentB, zeroPoints, false);
  }

  /** B sent with every call, no zero points. */
  public CallOptions(boolean pooled, Layout bLayout) {
    this(pooled, bLayout, false, false);
  }

  public CallOptions withResidentB(boolean resident) {
    return new CallOptions(pooled, bLayout, resident, zeroPoints, asyncRanks);
  }

  public CallOptions withZeroPoints(boolean zp) {
    return new CallOptions(pooled, bLayout, residentB, zp, asyncRanks);
  }

  public CallOptions withAsyncRanks(boolean async) {
    return new CallOptions(pooled, bLayout, residentB, zeroPoints, async);
  }
}
