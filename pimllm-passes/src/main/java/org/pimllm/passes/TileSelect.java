package org.pimllm.passes;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.pimllm.ir.Call;
import org.pimllm.ir.Expr;
import org.pimllm.ir.ExprMutator;
import org.pimllm.ir.ExprVisitor;
import org.pimllm.ir.Function;
import org.pimllm.ir.IRModule;
import org.pimllm.passes.pim.GemmMatch;
import org.pimllm.target.PimGemmAttrs;
import org.pimllm.target.PimOps;
import org.pimllm.pgemm.GemmShape;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives every {@code pim.gemm} the Tile-Selector's plan (strategy, partition factors, kernel
 * parameters) instead of BaseGEMM. GEMMs that LowerToPgemm had to leave on the host because no
 * BaseGEMM plan fits are lowered here if the Tile-Selector finds a legal plan. The plans of a function's
 * GEMMs are chosen together ({@link ProgramChoice}): with pooled calls a GEMM whose program (dtype, tasklets,
 * K split) differs from the previous GEMM's on the same DPU set costs a kernel reload, which one GEMM's
 * selection cannot see. Switched off, every pim.gemm keeps PGEMMlib's default BaseGEMM plan (the paper's
 * BaseGEMM-only configuration).
 */
public final class TileSelect {

    private static final Logger LOG = LoggerFactory.getLogger(TileSelect.class);

    public static final String NAME = "TileSelect";

    private TileSelect() {
    }

    public static Pass pass() {
        return pass(SharedResidency.NONE);
    }

    /**
     * TileSelect whose GEMMs over weights of {@code shared} cut B as the other compilation's plans do (the prefill of a
     * model whose decode step keeps them resident: one resident copy for both), the rest chosen as usual.
     */
    public static Pass pass(SharedResidency shared) {
        return Pass.function(NAME, 1, List.of(LowerToPgemm.NAME), (f, m, ctx) -> select(f, m, ctx, shared));
    }

    static Function select(Function f, IRModule m, PassContext ctx, SharedResidency shared) {
        Costs target = new Costs(ctx, NAME);
        boolean floatOnPim = LowerToPgemm.floatGemmsOnPim(ctx);
        // the GEMMs that will run on PIM, in execution order (pim.gemm calls and leftovers with a legal plan)
        List<Call> sites = new ArrayList<>();
        List<ProgramChoice.Gemm> gemms = new ArrayList<>();
        for (Expr e : ExprVisitor.postOrder(f.body())) {
            if (!(e instanceof Call c)) {
                continue;
            }
            if (c.is(PimOps.GEMM)) {
                PimGemmAttrs a = c.attrs(PimGemmAttrs.class);
                sites.add(c);
                gemms.add(new ProgramChoice.Gemm(a.plan().shape(), a.plan().dtype(), a.bLayout(), PimOps.hasZeroPoints(c),
                        shared.constraintFor(c.arg(1))));
            } else {
                LowerToPgemm.match(c, floatOnPim).filter(g -> fits(g, target)).ifPresent(g -> {
                    sites.add(c);
                    gemms.add(new ProgramChoice.Gemm(g.geometry().shape(), g.dtype(), g.bLayout(), g.hasZeroPoints(),
                            shared.constraintFor(g.b())));
                });
            }
        }
        ProgramChoice.Result r = ProgramChoice.choose(gemms, target);
        if (!gemms.isEmpty()) {
            LOG.info("{}: {} GEMMs, estimated {} ms with {} kernel reloads", NAME, gemms.size(),
                    String.format("%.3f", r.totalSeconds() * 1e3), r.reloads());
        }
        Map<Call, ProgramChoice.Option> chosen = new IdentityHashMap<>();
        for (int i = 0; i < sites.size(); i++) {
            chosen.put(sites.get(i), r.chosen().get(i));
        }
        return new ExprMutator() {
            @Override
            protected Expr rewriteCall(Call c, List<Expr> args) {
                Call nc = c.withArgs(args);
                ProgramChoice.Option o = chosen.get(c);
                if (o == null) {
                    return nc;
                }
                if (nc.is(PimOps.GEMM)) {
                    return new Call(PimOps.GEMM, nc.args(), nc.attrs(PimGemmAttrs.class).withPlan(o.plan(), o.seconds()));
                }
                return LowerToPgemm.match(nc, floatOnPim).<Expr>map(g -> LowerToPgemm.toPim(g, o.plan(), target)).orElse(nc);
            }
        }.mutateFunction(f);
    }

    /** A GEMM LowerToPgemm left on the host goes to PIM here if the Tile-Selector finds any legal plan. */
    private static boolean fits(GemmMatch g, Costs target) {
        GemmShape shape = g.geometry().shape();
        try {
            target.select(shape, g.dtype(), g.bLayout());
            return true;
        } catch (IllegalArgumentException e) {
            LOG.info("{} {} stays on the CPU: no PGEMMlib plan fits ({})", g.label(), shape, e.getMessage());
            return false;
        }
    }
}
