package org.pimllm.target;

import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.GemmShape;
import org.pimllm.pgemm.Layout;
import org.pimllm.pgemm.TilingPlan;

/**
 * The cost questions the passes ask about a {@link Target}: which plan a GEMM gets and what its calls cost on
 * PIM and on the host. Implemented outside the passes (pimllm-tileselector's {@code TileSelectorCostModel}), so
 * the passes see plans and seconds, not the models behind them. Answers are pure functions of the target.
 * Methods that find no legal plan throw an IllegalArgumentException saying why.
 */
public interface PimCostModel {

    /** The machine the answers are for. */
    Target target();

    /** PGEMMlib's default BaseGEMM plan for the DPU budget (the paper's BaseGEMM-only configuration). */
    TilingPlan basePlan(GemmShape shape, GemmDType dtype);

    /** The selected plan (the Tile-Selector's choice) for calls made as {@code call} says. */
    TilingPlan selectPlan(GemmShape shape, GemmDType dtype, GemmCall call);

    /**
     * The selected plan among those whose DPU program has these tasklets and K split (the program is (dtype,
     * tasklets, K split); the dtype is the GEMM's). IllegalArgumentException if that program has no legal plan.
     */
    TilingPlan selectPlan(GemmShape shape, GemmDType dtype, GemmCall call, int tasklets, int kSplit);

    /**
     * Seconds of loading the plan's kernel program on a pooled set of its DPUs (dpu_load): what a pooled runtime
     * pays whenever consecutive GEMMs on one DPU set need different programs.
     */
    double programLoadSeconds(TilingPlan plan);

    /**
     * Estimated seconds of one pim.gemm call made as {@code call} says, B pushed with the call (host
     * transposition of a row-major B included).
     */
    double pimSeconds(TilingPlan plan, GemmCall call);

    /**
     * Seconds of one call whose constant B is already resident in the pooled DPUs' MRAM (only A and C move);
     * with zero points, PGEMMlib's uint8 x int8 call, host zero-point correction included.
     */
    double residentSeconds(TilingPlan plan, Layout bLayout, boolean zeroPoints);

    /**
     * Like {@link #residentSeconds(TilingPlan, Layout, boolean)}, the call's ranks asynchronous when asyncRanks (A,
     * arguments, launch and pull queued rank by rank; transfers of one rank overlap kernels of another).
     */
    default double residentSeconds(TilingPlan plan, Layout bLayout, boolean zeroPoints, boolean asyncRanks) {
        if (asyncRanks) throw new UnsupportedOperationException(this + " does not price asynchronous calls");
        return residentSeconds(plan, bLayout, zeroPoints);
    }

    /** HOST seconds of PGEMMlib's zero-point correction for one uint8 x int8 call (B's column sums unless resident). */
    double zeroPointSeconds(GemmShape shape, boolean residentB);

    /** Estimated seconds of the GEMM on the host CPU (the target's host profile). */
    double cpuSeconds(GemmShape shape, GemmDType dtype);

    /**
     * The selected plan among those with the fixed partition factors and Tile_K of {@code fixed} (null components
     * are chosen): what a caller asks when a plan must cut B as another plan does (a resident B shared by two
     * GEMMs, a KV cache cut by heads only). IllegalArgumentException if no legal plan has them.
     */
    default TilingPlan selectPlan(GemmShape shape, GemmDType dtype, GemmCall call, PlanConstraint fixed) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not answer constrained plan selection");
    }

    /** Seconds of one parallel push (dpu_push_xfer) of {@code bytesPerDpu} to each of the first {@code dpus} DPUs of the pool. */
    default double pushSeconds(int dpus, long bytesPerDpu) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not price pushes");
    }

    /**
     * Partition factors and Tile_K a plan must have; null leaves one to the selector.
     *
     * @param fB batch parts
     * @param fM row parts of A
     * @param fK parts of K
     * @param fN column parts of B
     * @param tileK Tile_K in elements (it pads K in B's MRAM layout)
     * @param tasklets NR_TASKLETS of the DPU program (with kSplit, the program), or null
     * @param kSplit tasklets sharing a work item along K, or null
     */
    record PlanConstraint(Integer fB, Integer fM, Integer fK, Integer fN, Integer tileK, Integer tasklets, Integer kSplit) {
        public PlanConstraint(Integer fB, Integer fM, Integer fK, Integer fN, Integer tileK) {
            this(fB, fM, fK, fN, tileK, null, null);
        }

        /** The factors and Tile_K with which {@code plan} cuts B, and fM = 1 (one copy of B): a plan that can share its resident B. */
        public static PlanConstraint sameB(TilingPlan plan) {
            var f = plan.partition();
            return new PlanConstraint(f.fB(), 1, f.fK(), f.fN(), plan.kernel().tileK());
        }

        /** The same constraint on one DPU program (tasklets, K split) too. */
        public PlanConstraint withProgram(int t, int k) {
            return new PlanConstraint(fB, fM, fK, fN, tileK, t, k);
        }
    }

    /**
     * How a GEMM call is made, beyond its plan.
     *
     * @param pooled  the DPU set is allocated (and the kernel loaded) once, outside the call; false: allocated,
     *                loaded and freed around every call (the paper's unpooled PGEMMlib)
     * @param bLayout the layout B arrives in; ROW_MAJOR is transposed on the host at every call
     * @param asyncRanks the call's transfers and launch are queued rank by rank and synced once (pooled only)
     */
    record GemmCall(boolean pooled, Layout bLayout, boolean asyncRanks) {
        public GemmCall {
            java.util.Objects.requireNonNull(bLayout, "bLayout");
        }

        /** A synchronous call. */
        public GemmCall(boolean pooled, Layout bLayout) {
            this(pooled, bLayout, false);
        }
    }
}
