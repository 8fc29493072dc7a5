package org.pimllm.passes;

/**
 * Options saying how the compiled program will make its PIM calls. The pipeline that builds the context sets
 * them to match its pass list (pimllm-driver's variants), so a pass estimating a call's cost never asks which
 * later passes will run.
 */
public final class PimOptions {

    private PimOptions() {
    }

    /**
     * True: calls run on DPUs allocated (and loaded) once for the module (the pipeline runs PoolPimResources);
     * false: the paper's unpooled PGEMMlib, which allocates, loads and frees around every call.
     */
    public static final OptionKey<Boolean> POOLED_CALLS = OptionKey.of("pim.pooled_calls", Boolean.class, true,
            "calls run on a DPU pool allocated once (true) or allocate their DPUs around every call (false)");

    /**
     * True: constant weights will stay resident in the pool's MRAM (the pipeline runs ResidentWeights), so a call
     * with a constant B moves only A and C.
     */
    public static final OptionKey<Boolean> RESIDENT_WEIGHTS = OptionKey.of("pim.resident_weights", Boolean.class, false,
            "constant weights stay resident in MRAM (true) or are pushed with every call (false)");

    /**
     * True: pim.gemm calls queue their transfers and launch rank by rank and sync once (the pipeline runs
     * AsyncRankCalls), so transfers of one rank overlap kernels of another; false: each step on the whole set.
     */
    public static final OptionKey<Boolean> ASYNC_RANKS = OptionKey.of("pim.async_ranks", Boolean.class, false,
            "calls run rank by rank asynchronously (true) or step by step on the whole DPU set (false)");
}
