package org.pimllm.passes;

import java.util.List;
import org.pimllm.ir.Call;
import org.pimllm.ir.IRModule;
import org.pimllm.target.PimGemmAttrs;
import org.pimllm.target.PimModule;

/**
 * PIM resource pooling: the largest DPU set any pim.gemm needs is allocated once when the module is
 * created (the module attribute {@code pim.dpu_pool}, see {@link PimModule}) and every GEMM takes its DPUs from
 * it. Switched off, the runtime allocates (and loads) and frees a DPU set around every pim.gemm (the
 * paper's unpooled PGEMMlib). Keeping weights in the pool's MRAM is a separate step, ResidentWeights.
 */
public final class PoolPimResources {

    public static final String NAME = "PoolPimResources";

    private PoolPimResources() {
    }

    public static Pass pass() {
        return Pass.module(NAME, 1, List.of(LowerToPgemm.NAME), PoolPimResources::pool);
    }

    static IRModule pool(IRModule m, PassContext ctx) {
        List<Call> gemms = PimModule.pimGemms(m);
        List<Call> kv = KvCachePlacement.kvGemms(m);
        if (gemms.isEmpty() && kv.isEmpty() || !m.has(IRModule.MAIN)) return m;
        int pool = 0;
        for (Call g : gemms) pool = Math.max(pool, g.attrs(PimGemmAttrs.class).plan().dpus());
        for (Call g : kv) pool = Math.max(pool, g.attrs(org.pimllm.target.PimKvGemmAttrs.class).plan().dpus());
        return PimModule.withDpuPool(m, pool);
    }
}
