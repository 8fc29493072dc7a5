package org.pimllm.passes;

import java.util.List;
import org.pimllm.ir.Call;
import org.pimllm.ir.Expr;
import org.pimllm.ir.ExprMutator;
import org.pimllm.ir.Function;
import org.pimllm.ir.IRModule;
import org.pimllm.passes.pim.GemmMatch;
import org.pimllm.target.PimGemmAttrs;
import org.pimllm.target.PimOps;
import org.pimllm.pgemm.GemmShape;
import org.pimllm.pgemm.TilingPlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives every {@code pim.gemm} the Tile-Selector's plan (strategy, partition factors, kernel
 * parameters) instead of BaseGEMM. GEMMs that LowerToPgemm had to leave on the host because no
 * BaseGEMM plan fits are lowered here if the Tile-Selector finds a legal plan. Switched off, every
 * pim.gemm keeps PGEMMlib's default BaseGEMM plan (the paper's BaseGEMM-only configuration).
 */
public final class TileSelect {

    private static final Logger LOG = LoggerFactory.getLogger(TileSelect.class);

    public static final String NAME = "TileSelect";

    private TileSelect() {
    }

    public static Pass pass() {
        return Pass.function(NAME, 1, List.of(LowerToPgemm.NAME), TileSelect::select);
    }

    static Function select(Function f, IRModule m, PassContext ctx) {
        Costs target = new Costs(ctx, NAME);
        boolean floatOnPim = LowerToPgemm.floatGemmsOnPim(ctx);
        return new ExprMutator() {
            @Override
            protected Expr rewriteCall(Call c, List<Expr> args) {
                Call nc = c.withArgs(args);
                if (nc.is(PimOps.GEMM)) {
                    PimGemmAttrs a = nc.attrs(PimGemmAttrs.class);
                    TilingPlan plan = target.select(a.plan().shape(), a.plan().dtype(), a.bLayout());
                    double secs = target.pimSeconds(plan, a.bLayout(), PimOps.hasZeroPoints(nc));
                    return new Call(PimOps.GEMM, nc.args(), a.withPlan(plan, secs));
                }
                return LowerToPgemm.match(nc, floatOnPim).map(g -> lowerLeftover(g, target)).orElse(nc);
            }
        }.mutateFunction(f);
    }

    private static Expr lowerLeftover(GemmMatch g, Costs target) {
        GemmShape shape = g.geometry().shape();
        TilingPlan plan;
        try {
            plan = target.select(shape, g.dtype(), g.bLayout());
        } catch (IllegalArgumentException e) {
            LOG.info("{} {} stays on the CPU: no PGEMMlib plan fits ({})", g.label(), shape, e.getMessage());
            return g.call();
        }
        return LowerToPgemm.toPim(g, plan, target);
    }
}
