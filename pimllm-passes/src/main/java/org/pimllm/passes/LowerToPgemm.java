package org.pimllm.passes;

import java.util.List;
import org.pimllm.ir.Call;
import org.pimllm.ir.Expr;
import org.pimllm.ir.ExprMutator;
import org.pimllm.ir.Function;
import org.pimllm.passes.pim.GemmMatch;
import org.pimllm.target.PimGemmAttrs;
import org.pimllm.target.PimOps;
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

    /**
     * Pass option: where fp32 GEMMs go. {@link FloatGemms#PIM} (default) lowers them like integer GEMMs (software
     * floating point on the DPUs); {@link FloatGemms#HOST} keeps them on the CPU, so only integer GEMMs reach PIM.
     */
    public static final OptionKey<FloatGemms> FLOAT_GEMMS = OptionKey.of(NAME + ".float_gemms", FloatGemms.class,
            FloatGemms.PIM, "where fp32 GEMMs go: PIM (software floating point on the DPUs) or HOST");

    private LowerToPgemm() {
    }

    public static Pass pass() {
        return Pass.function(NAME, 0, List.of(), LowerToPgemm::lower);
    }

    static Function lower(Function f, org.pimllm.ir.IRModule m, PassContext ctx) {
        Costs target = new Costs(ctx, NAME);
        boolean floatOnPim = floatGemmsOnPim(ctx);
        return new ExprMutator() {
            @Override
            protected Expr rewriteCall(Call c, List<Expr> args) {
                Call nc = c.withArgs(args);
                return match(nc, floatOnPim).map(g -> lowerOne(g, target)).orElse(nc);
            }
        }.mutateFunction(f);
    }

    /** The GEMM a call is, if it may go to PIM: PGEMMlib can run it, and fp32 only where {@link #FLOAT_GEMMS} allows. */
    static java.util.Optional<GemmMatch> match(Call c, boolean floatOnPim) {
        return GemmMatch.of(c).filter(g -> floatOnPim || !g.dtype().floating());
    }

    static boolean floatGemmsOnPim(PassContext ctx) {
        return ctx.get(FLOAT_GEMMS) == FloatGemms.PIM;
    }

    private static Expr lowerOne(GemmMatch g, Costs target) {
        TilingPlan plan;
        try {
            plan = target.basePlan(g.geometry().shape(), g.dtype());
        } catch (IllegalArgumentException e) {
            LOG.info("{} {} stays on the CPU: BaseGEMM cannot run it ({})", g.label(), g.geometry().shape(), e.getMessage());
            return g.call();
        }
        return toPim(g, plan, target);
    }

    /** The pim.gemm call for a matched GEMM and a plan (with its zero points, if any), with the target's estimate. */
    static Call toPim(GemmMatch g, TilingPlan plan, Costs target) {
        double seconds = target.pimSeconds(plan, g.bLayout(), g.hasZeroPoints());
        PimGemmAttrs attrs = new PimGemmAttrs(g.label(), plan, g.bLayout(), false, seconds);
        return new Call(PimOps.GEMM, g.operands(), attrs);
    }
}
