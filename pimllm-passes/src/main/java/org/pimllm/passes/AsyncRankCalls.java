package org.pimllm.passes;

import java.util.List;
import org.pimllm.ir.IRModule;
import org.pimllm.target.PimModule;

/**
 * Asynchronous launches per rank: every pim.gemm of a pooled module queues its transfers, launch and pull rank by
 * rank and syncs once (the module attribute {@code pim.async_calls}, which the runtime's PGEMMlib follows), so the
 * transfers of one rank overlap the kernels of another. The call estimates of the passes before it already price
 * such calls: the pipeline sets {@link PimOptions#ASYNC_RANKS} when this pass is in its list. Switched off (or
 * without a pool), calls run each step on the whole DPU set, as the paper's PGEMMlib.
 *
 * <p>Not part of the paper's configurations; a step of the decode ablation (docs/decode.md).
 */
public final class AsyncRankCalls {

    public static final String NAME = "AsyncRankCalls";

    private AsyncRankCalls() {
    }

    public static Pass pass() {
        return Pass.module(NAME, 2, List.of(PoolPimResources.NAME), AsyncRankCalls::apply);
    }

    static IRModule apply(IRModule m, PassContext ctx) {
        if (PimModule.dpuPool(m).isEmpty()) return m; // unpooled calls allocate per call: nothing to queue on
        return m.withAttr(PimModule.ASYNC_CALLS, new PimModule.AsyncCalls(true));
    }
}
