package org.pimllm.passes;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.pimllm.ir.Call;
import org.pimllm.ir.Constant;
import org.pimllm.ir.Expr;
import org.pimllm.ir.ExprMutator;
import org.pimllm.ir.Function;
import org.pimllm.ir.IRModule;
import org.pimllm.passes.pim.PimGemmAttrs;
import org.pimllm.passes.pim.PimOps;
import org.pimllm.pgemm.TilingPlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PIM resource pooling: the largest DPU set any pim.gemm needs is allocated once when the module is
 * created ({@code pim.dpu_pool} on @main, see {@link PimModule}) and every GEMM takes its DPUs from
 * it. Because the pool outlives the calls, constant weights can stay in MRAM: pim.gemm calls whose
 * B is a constant are marked {@code resident}, in program order, as long as the resident B slices
 * plus the largest A and C slices of any call fit one DPU's MRAM (DPU 0 of the pool holds a slice
 * of every resident weight). Switched off, the runtime allocates and frees a DPU set around every
 * pim.gemm and pushes every B each time (the paper's unpooled PGEMMlib).
 */
public final class PoolPimResources {

    private static final Logger LOG = LoggerFactory.getLogger(PoolPimResources.class);

    public static final String NAME = "PoolPimResources";

    private PoolPimResources() {
    }

    public static Pass pass() {
        return Pass.module(NAME, 1, List.of(LowerToPgemm.NAME), PoolPimResources::pool);
    }

    static IRModule pool(IRModule m, PassContext ctx) {
        PimTarget target = ctx.requireTarget(NAME);
        List<Call> gemms = PimModule.pimGemms(m);
        if (gemms.isEmpty() || !m.has(IRModule.MAIN)) return m;
        int pool = 0;
        long activations = 0;
        for (Call g : gemms) {
            TilingPlan p = g.attrs(PimGemmAttrs.class).plan();
            pool = Math.max(pool, p.dpus());
            TilingPlan.DpuSlice s = p.slice();
            activations = Math.max(activations, roundUp8(s.aBytes()) + roundUp8(s.cBytes()));
        }
        long budget = target.hw().mramBytes() - activations;
        Map<Call, Boolean> resident = new IdentityHashMap<>();
        long used = 0;
        int skipped = 0;
        for (Call g : gemms) {
            if (!(g.arg(1) instanceof Constant)) continue;
            long b = roundUp8(g.attrs(PimGemmAttrs.class).plan().slice().bBytes());
            if (used + b <= budget) {
                used += b;
                resident.put(g, true);
            } else {
                skipped++;
            }
        }
        if (skipped > 0) {
            LOG.info("{} constant weights are not resident: MRAM per DPU is full ({} of {} bytes)", skipped, used, budget);
        }
        IRModule out = m.mapFunctions(f -> markResident(f, resident));
        Function main = out.main().withAttr(PimModule.DPU_POOL, Integer.toString(pool));
        return out.with(IRModule.MAIN, main);
    }

    private static Function markResident(Function f, Map<Call, Boolean> resident) {
        return new ExprMutator() {
            @Override
            protected Expr rewriteCall(Call c, List<Expr> args) {
                if (!resident.containsKey(c)) return c.withArgs(args);
                PimGemmAttrs a = c.attrs(PimGemmAttrs.class);
                return new Call(PimOps.GEMM, args, a.withResident(true));
            }
        }.mutateFunction(f);
    }

    private static long roundUp8(long v) {
        return (v + 7) & ~7L;
    }
}
