package org.pimllm.passes;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.pimllm.ir.Call;
import org.pimllm.ir.Constant;
import org.pimllm.ir.Expr;
import org.pimllm.ir.ExprMutator;
import org.pimllm.ir.ExprVisitor;
import org.pimllm.ir.Function;
import org.pimllm.ir.IRModule;
import org.pimllm.target.PimGemmAttrs;
import org.pimllm.target.PimOps;
import org.pimllm.pgemm.TilingPlan;
import org.pimllm.target.PimCostModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CPU/PIM cooperation: a {@code pim.gemm} goes back to the CPU as an ordinary GEMM op ({@code nn.dense} for a
 * column-major 2-D B, {@code nn.matmul} for a row-major one, {@code nn.batch_matmul} for batched GEMMs) when that
 * lowers the function's estimated total. Placement is static, decided once at compile time, as in the paper.
 *
 * <p>A GEMM's PIM time is its call as the pipeline will make it: the pim.gemm's estimate (Tile-Selector model,
 * asynchronous per rank when {@link PimOptions#ASYNC_RANKS}), or, for a constant B when weights will be resident
 * ({@link PimOptions#RESIDENT_WEIGHTS}), a call moving only A and C ({@link PimCostModel#residentSeconds}). With a
 * pool, the total also counts the kernel reloads the PIM GEMMs cause (a program change between consecutive GEMMs
 * of one DPU set, as TileSelect prices them through {@link ProgramChoice}): a GEMM whose program differs from its
 * neighbours' costs its reloads too, and moving it to the CPU saves them. The decision starts from each GEMM on
 * its own (CPU if faster than its call) and then moves single GEMMs while the total drops. Switched off, every
 * GEMM stays on PIM.
 */
public final class PartitionCpuPim {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionCpuPim.class);

    public static final String NAME = "PartitionCpuPim";
    private static final int MAX_ROUNDS = 20;

    private PartitionCpuPim() {
    }

    public static Pass pass() {
        return Pass.function(NAME, 1, List.of(LowerToPgemm.NAME), PartitionCpuPim::partition);
    }

    /** One pim.gemm in execution order, with its PIM call and CPU estimates. */
    private record Gemm(Call call, TilingPlan plan, double pim, double cpu) {
    }

    static Function partition(Function f, IRModule m, PassContext ctx) {
        Costs target = new Costs(ctx, NAME);
        // with resident weights, constant B stays in MRAM: compare the CPU with a call that moves only A and C
        boolean residentLater = ctx.get(PimOptions.RESIDENT_WEIGHTS);
        List<Gemm> gemms = new ArrayList<>();
        for (Expr e : ExprVisitor.postOrder(f.body())) {
            if (!(e instanceof Call c) || !c.is(PimOps.GEMM)) continue;
            PimGemmAttrs a = c.attrs(PimGemmAttrs.class);
            TilingPlan p = a.plan();
            double pim = residentLater && c.arg(1) instanceof Constant
                    ? target.residentSeconds(p, a.bLayout(), PimOps.hasZeroPoints(c)) : a.estimatedSeconds();
            gemms.add(new Gemm(c, p, pim, target.cpuSeconds(p.shape(), p.dtype())));
        }
        boolean[] onCpu = place(gemms, target);
        Map<Call, Boolean> toCpu = new IdentityHashMap<>();
        for (int i = 0; i < gemms.size(); i++) {
            if (onCpu[i]) toCpu.put(gemms.get(i).call(), true);
        }
        return new ExprMutator() {
            @Override
            protected Expr rewriteCall(Call c, List<Expr> args) {
                Call nc = c.withArgs(args);
                if (!toCpu.containsKey(c)) return nc;
                PimGemmAttrs a = nc.attrs(PimGemmAttrs.class);
                LOG.debug("{} {} to the CPU", a.name(), a.plan().shape());
                return PimOps.hostEquivalent(nc.args(), a);
            }
        }.mutateFunction(f);
    }

    /** Which GEMMs go to the CPU: each on its own first, then single moves while the total (reloads included) drops. */
    private static boolean[] place(List<Gemm> gemms, Costs target) {
        int n = gemms.size();
        boolean[] onCpu = new boolean[n];
        for (int i = 0; i < n; i++) onCpu[i] = gemms.get(i).cpu() < gemms.get(i).pim();
        if (!target.pooled()) return onCpu; // every call loads its own program: its estimate holds the load
        double total = total(gemms, onCpu, target);
        for (int round = 0; round < MAX_ROUNDS; round++) {
            boolean improved = false;
            for (int i = 0; i < n; i++) {
                onCpu[i] = !onCpu[i];
                double t = total(gemms, onCpu, target);
                if (t < total * (1 - 1e-12)) {
                    total = t;
                    improved = true;
                } else {
                    onCpu[i] = !onCpu[i];
                }
            }
            if (!improved) break;
        }
        return onCpu;
    }

    /** Estimated seconds of the function's GEMMs: CPU ones, PIM calls, and the PIM GEMMs' kernel reloads. */
    static double total(List<Gemm> gemms, boolean[] onCpu, Costs target) {
        double cpu = 0;
        List<ProgramChoice.Option> pim = new ArrayList<>();
        for (int i = 0; i < gemms.size(); i++) {
            Gemm g = gemms.get(i);
            if (onCpu[i]) cpu += g.cpu();
            else pim.add(new ProgramChoice.Option(g.plan(), g.pim()));
        }
        return cpu + ProgramChoice.evaluate(pim, target).totalSeconds();
    }
}
