package org.pimllm.target;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.pimllm.ir.Attrs;
import org.pimllm.ir.Call;
import org.pimllm.ir.Expr;
import org.pimllm.ir.ExprVisitor;
import org.pimllm.ir.Function;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.ModuleAttr;

/**
 * Module-level facts of a lowered module. The DPU pool is the typed module attribute {@link #DPU_POOL}
 * ({@code #[attributes = {pim.dpu_pool={dpus=2048}}]} in the text form).
 */
public final class PimModule {

    /**
     * The DPU pool: the largest DPU set any pim.gemm needs, allocated once when the module is created.
     *
     * @param dpus the pool's size, at least 1
     */
    public record DpuPool(int dpus) implements Attrs {
        public DpuPool {
            if (dpus < 1) throw new IllegalArgumentException("a DPU pool needs at least 1 DPU, got " + dpus);
        }
    }

    /** Module attribute key of the DPU pool. Absent: no pooling (the runtime allocates per GEMM). */
    public static final ModuleAttr<DpuPool> DPU_POOL = ModuleAttr.define("pim.dpu_pool", DpuPool.class);

    /**
     * Calls run rank by rank asynchronously (AsyncRankCalls): the runtime's PGEMMlib queues each call's transfers and
     * launch per rank and syncs once.
     *
     * @param ranks true when the calls' ranks run asynchronously
     */
    public record AsyncCalls(boolean ranks) implements Attrs {
    }

    /** Module attribute key of {@link AsyncCalls}. Absent: synchronous calls. */
    public static final ModuleAttr<AsyncCalls> ASYNC_CALLS = ModuleAttr.define("pim.async_calls", AsyncCalls.class);

    private PimModule() {
    }

    /** True if the module's pim.gemm calls run rank by rank asynchronously. */
    public static boolean asyncRanks(IRModule m) {
        return m.attr(ASYNC_CALLS).map(AsyncCalls::ranks).orElse(false);
    }

    /** The DPU pool size, or empty when PoolPimResources did not run (the runtime then allocates per GEMM). */
    public static OptionalInt dpuPool(IRModule m) {
        return m.attr(DPU_POOL).map(p -> OptionalInt.of(p.dpus())).orElse(OptionalInt.empty());
    }

    /** A copy of {@code m} whose GEMMs share a pool of {@code dpus} DPUs. */
    public static IRModule withDpuPool(IRModule m, int dpus) {
        return m.withAttr(DPU_POOL, new DpuPool(dpus));
    }

    /** Every pim.gemm call of the module, in evaluation order (functions in module order). */
    public static List<Call> pimGemms(IRModule m) {
        List<Call> out = new ArrayList<>();
        for (Function f : m.functions().values()) {
            for (Expr e : ExprVisitor.postOrder(f)) {
                if (e instanceof Call c && c.is(PimOps.GEMM)) out.add(c);
            }
        }
        return out;
    }
}
