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
import org.pimllm.target.PimGemmAttrs;
import org.pimllm.target.PimOps;
import org.pimllm.pgemm.TilingPlan;
import org.pimllm.target.PimCostModel;
import org.pimllm.target.PimModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps constant weights in MRAM: with a DPU pool that lives as long as the module, a pim.gemm whose
 * B is a constant can have B placed (and, if row-major, transposed) once, and each call then moves
 * only A and C. Calls are marked {@code resident} in program order while the resident B slices plus
 * the largest A and C slices of any call fit one DPU's MRAM (DPU 0 of the pool holds a slice of every
 * resident weight; MRAM-resident KV caches' reserved rows come off the budget first); their estimate becomes the time of such a call ({@link PimCostModel#residentSeconds}).
 *
 * <p>Not part of the paper's configurations (which send B with every call, so the layout pass pays
 * off); it is the {@code pimllm+res} variant's extra step, beyond the paper.
 */
public final class ResidentWeights {

    private static final Logger LOG = LoggerFactory.getLogger(ResidentWeights.class);

    public static final String NAME = "ResidentWeights";

    private ResidentWeights() {
    }

    public static Pass pass() {
        return pass(SharedResidency.NONE);
    }

    /**
     * ResidentWeights that makes resident only the weights of {@code shared} (placed for another compilation of the
     * model, whose plans TileSelect matched), when it is not empty: the others keep being pushed per call.
     */
    public static Pass pass(SharedResidency shared) {
        return Pass.module(NAME, 2, List.of(PoolPimResources.NAME), (m, ctx) -> apply(m, ctx, shared));
    }

    static IRModule apply(IRModule m, PassContext ctx, SharedResidency shared) {
        Costs costs = new Costs(ctx, NAME);
        PimCostModel target = costs.target();
        List<Call> gemms = PimModule.pimGemms(m);
        long activations = activationBytes(m);
        // KV caches placed in MRAM (KvCachePlacement) keep their reserved rows on every DPU of their views
        long budget = target.target().mramBytesPerDpu() - activations - KvCachePlacement.kvReservedBytes(m);
        Map<Call, Boolean> resident = new IdentityHashMap<>();
        long used = 0;
        int skipped = 0;
        for (Call g : gemms) {
            if (!(g.arg(1) instanceof Constant)) continue;
            TilingPlan sharedPlan = shared.planFor(g.arg(1));
            if (!shared.isEmpty() && (sharedPlan == null || !sameB(sharedPlan, g.attrs(PimGemmAttrs.class).plan()))) continue;
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
        return resident.isEmpty() ? m : m.mapFunctions(f -> mark(f, resident, costs));
    }

    private static Function mark(Function f, Map<Call, Boolean> resident, Costs target) {
        return new ExprMutator() {
            @Override
            protected Expr rewriteCall(Call c, List<Expr> args) {
                if (!resident.containsKey(c)) return c.withArgs(args);
                PimGemmAttrs a = c.attrs(PimGemmAttrs.class);
                double secs = target.residentSeconds(a.plan(), a.bLayout(), PimOps.hasZeroPoints(c));
                PimGemmAttrs r = a.withResident(true).withPlan(a.plan(), secs);
                return new Call(PimOps.GEMM, args, r);
            }
        }.mutateFunction(f);
    }

    /** Two plans of one weight that lay B out identically in MRAM on the same DPUs. */
    static boolean sameB(TilingPlan a, TilingPlan b) {
        return a.shape().k() == b.shape().k() && a.shape().n() == b.shape().n() && a.shape().b() == b.shape().b()
                && a.dpus() == b.dpus() && a.partition().fB() == b.partition().fB() && a.partition().fK() == b.partition().fK()
                && a.partition().fN() == b.partition().fN() && a.kernel().tileK() == b.kernel().tileK();
    }

    /**
     * MRAM per DPU the largest A and C slices of the module's PIM calls (pim.gemm and pim.kv_gemm) take beside the
     * resident data.
     */
    static long activationBytes(IRModule m) {
        long activations = 0;
        for (Call g : PimModule.pimGemms(m)) {
            activations = Math.max(activations, activationBytes(g.attrs(PimGemmAttrs.class).plan().slice()));
        }
        for (Call g : KvCachePlacement.kvGemms(m)) {
            activations = Math.max(activations, activationBytes(g.attrs(org.pimllm.target.PimKvGemmAttrs.class).plan().slice()));
        }
        return activations;
    }

    static long activationBytes(TilingPlan.DpuSlice s) {
        return roundUp8(s.aBytes()) + roundUp8(s.cBytes());
    }

    static long roundUp8(long v) {
        return (v + 7) & ~7L;
    }
}
