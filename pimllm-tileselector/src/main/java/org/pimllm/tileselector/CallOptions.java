package org.pimllm.tileselector;

import org.pimllm.pgemm.Layout;

/**
 * How a GEMM call runs, beyond its plan.
 *
 * @param pooled the DPU set is allocated (and the kernel loaded) once, outside the call; false = the paper's
 *     unpooled PGEMMlib, which allocates, loads and frees around every call
 * @param bLayout the layout B arrives in; ROW_MAJOR is transposed on the host at every call
 */
public record CallOptions(boolean pooled, Layout bLayout) {

  /** Pooled DPUs, B already column-major: what {@code PgemmLib.simulate(plan, hw)} measures. */
  public static final CallOptions POOLED = new CallOptions(true, Layout.COL_MAJOR);

  public CallOptions {
    java.util.Objects.requireNonNull(bLayout, "bLayout");
  }
}
