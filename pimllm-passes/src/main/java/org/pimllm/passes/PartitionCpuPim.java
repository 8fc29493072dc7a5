package org.pimllm.passes;

import java.util.List;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CPU/PIM cooperation: each {@code pim.gemm} whose estimated PIM time is larger than the host-CPU
 * model's estimate goes back to the CPU as an ordinary GEMM op:
 * {@code nn.dense} for a column-major 2-D B, {@code nn.matmul} for a row-major one,
 * {@code nn.batch_matmul} for batched GEMMs. Placement is static, decided once at compile time,
 * as in the paper. The PIM time is the pim.gemm's estimate (Tile-Selector model), except for GEMMs
 * with a constant B when the context says weights will be resident ({@link PimOptions#RESIDENT_WEIGHTS}):
 * then the time of a call moving only A and C is used ({@link PimCostModel#residentSeconds}). Switched
 * off, every GEMM stays on PIM.
 */
public final class PartitionCpuPim {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionCpuPim.class);

    public static final String NAME = "PartitionCpuPim";

    private PartitionCpuPim() {
    }

    public static Pass pass() {
        return Pass.function(NAME, 1, List.of(LowerToPgemm.NAME), PartitionCpuPim::partition);
    }

    static Function partition(Function f, IRModule m, PassContext ctx) {
        Costs target = new Costs(ctx, NAME);
        // with resident weights, constant B stays in MRAM: compare the CPU with a call that moves only A and C
        boolean residentLater = ctx.get(PimOptions.RESIDENT_WEIGHTS);
        return new ExprMutator() {
            @Override
            protected Expr rewriteCall(Call c, List<Expr> args) {
                Call nc = c.withArgs(args);
                if (!nc.is(PimOps.GEMM)) return nc;
                PimGemmAttrs a = nc.attrs(PimGemmAttrs.class);
                TilingPlan p = a.plan();
                double cpu = target.cpuSeconds(p.shape(), p.dtype());
                double pim = residentLater && nc.arg(1) instanceof Constant
                        ? target.residentSeconds(p, a.bLayout(), PimOps.hasZeroPoints(nc)) : a.estimatedSeconds();
                if (cpu < pim) {
                    LOG.debug("{} {} to the CPU: {} s on CPU < {} s on PIM", a.name(), p.shape(), cpu, pim);
                    return PimOps.hostEquivalent(nc.args(), a);
                }
                return nc;
            }
        }.mutateFunction(f);
    }
}
