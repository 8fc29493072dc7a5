package org.pimllm.passes;

import java.util.List;
import org.pimllm.ir.Call;
import org.pimllm.ir.Expr;
import org.pimllm.ir.ExprMutator;
import org.pimllm.ir.Function;
import org.pimllm.passes.pim.GemmMatch;
import org.pimllm.passes.pim.PimGemmAttrs;
import org.pimllm.passes.pim.PimOps;
import org.pimllm.pgemm.TilingPlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers every GEMM PGEMMlib can run ({@link GemmMatch}) into {@code pim.gemm} with PGEMMlib's
 * default BaseGEMM plan for the target's DPU budget, B's storage layout and the estimated time of
 * one call. A GEMM whose BaseGEMM plan does not fit the machine (e.g. B larger than one MRAM bank)
 * stays an ordinary host op; TileSelect may still lower it with another strategy. Later passes
 * refine the result: TileSelect replaces plans, PartitionCpuPim moves GEMMs back to the CPU,
 * PoolPimResources pools the DPUs and makes constant weights resident.
 */
public final class LowerToPgemm {

    private static final Logger LOG = LoggerFactory.getLogger(LowerToPgemm.class);

    public static final String NAME = "LowerToPgemm";

    private LowerToPgemm() {
    }

    public static Pass pass() {
        return Pass.function(NAME, 0, List.of(), LowerToPgemm::lower);
    }

    static Function lower(Function f, org.pimllm.ir.IRModule m, PassContext ctx) {
        Costs target = new Costs(ctx, NAME);
        return new ExprMutator() {
            @Override
            protected Expr rewriteCall(Call c, List<Expr> args) {
                Call nc = c.withArgs(args);
                return GemmMatch.of(nc).map(g -> lowerOne(g, target)).orElse(nc);
            }
        }.mutateFunction(f);
    }

    private static Expr lowerOne(GemmMatch g, Costs target) {
        TilingPlan plan;
        try {
            plan = target.basePlan(g.geometry().shape(), g.dtype());
        } catch (IllegalArgumentException e) {
            LOG.info("{} {} stays on the CPU: BaseGEMM cannot run it ({})", g.label(), g.geometry().shape(), e.getMessage());
            return g.call();
        }
        return toPim(g, plan, target.pimSeconds(plan, g.bLayout(), g.hasZeroPoints()));
    }

    /** The pim.gemm call for a matched GEMM and a plan (with its zero points, if any). */
    static Call toPim(GemmMatch g, TilingPlan plan, double seconds) {
        PimGemmAttrs attrs = new PimGemmAttrs(g.label(), plan, g.bLayout(), false, seconds);
        return new Call(PimOps.GEMM, g.operands(), attrs);
    }
}
