package org.pimllm.passes;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import org.pimllm.ir.Call;
import org.pimllm.ir.Expr;
import org.pimllm.ir.ExprVisitor;
import org.pimllm.ir.IRModule;
import org.pimllm.passes.pim.GemmMatch;
import org.pimllm.target.PimCostModel;
import org.pimllm.target.PimGemmAttrs;
import org.pimllm.target.PimModule;
import org.pimllm.target.PimOps;
import org.pimllm.pgemm.GemmShape;
import org.pimllm.pgemm.TilingPlan;

/**
 * Where each GEMM of a compiled module runs: its shape, CPU or PIM, the plan, and the compiler's
 * time estimate (PIM: the pim.gemm's estimate; CPU: the target's host-CPU model). Estimates are
 * model figures, not measurements.
 *
 * @param gemms   one row per GEMM, in evaluation order of @main
 * @param dpuPool the DPU pool size, or null without pooling
 */
public record PlacementTable(List<Row> gemms, Integer dpuPool) {

    /**
     * @param name        weight name (or op name for GEMMs of two activations)
     * @param placement   "pim" or "cpu"
     * @param plan        the plan of a PIM GEMM ({@link #planText}), null on the CPU
     * @param estimatedMs estimated milliseconds of one call (NaN if the host model has no figure for its dtype)
     */
    public record Row(String name, int b, int m, int k, int n, String placement, String plan, double estimatedMs) {
    }

    public PlacementTable {
        gemms = List.copyOf(gemms);
    }

    /** The GEMMs of {@code m}'s main function. */
    public static PlacementTable of(IRModule m, PimCostModel target) {
        List<Row> rows = new ArrayList<>();
        for (Expr e : ExprVisitor.postOrder(m.main())) {
            if (!(e instanceof Call c)) continue;
            if (c.is(PimOps.GEMM)) {
                PimGemmAttrs a = c.attrs(PimGemmAttrs.class);
                GemmShape s = a.plan().shape();
                rows.add(new Row(a.name(), s.b(), s.m(), s.k(), s.n(), "pim", planText(a.plan()), a.estimatedSeconds() * 1e3));
            } else {
                GemmMatch.of(c).ifPresent(g -> {
                    GemmShape s = g.geometry().shape();
                    double ms = target.cpuSeconds(s, g.dtype()) * 1e3;
                    rows.add(new Row(g.label(), s.b(), s.m(), s.k(), s.n(), "cpu", null, ms));
                });
            }
        }
        OptionalInt pool = PimModule.dpuPool(m);
        return new PlacementTable(rows, pool.isPresent() ? pool.getAsInt() : null);
    }

    /** A one-line plan: {@code ntile fB=1 fM=16 fK=1 fN=128 tasklets=16 tileK=256 block=2x8 on 2048 DPUs}. */
    public static String planText(TilingPlan p) {
        return p.strategy().cliName() + " " + p.partition() + " " + p.kernel() + " on " + p.dpus() + " DPUs"
                + (p.dtype().isInt4() ? " " + p.dtype().cliName() : "");
    }

    public long pimCount() { return gemms.stream().filter(r -> r.placement().equals("pim")).count(); }

    /** Sum of the estimates of rows placed on {@code placement}. */
    public double totalMs(String placement) {
        return gemms.stream().filter(r -> r.placement().equals(placement)).mapToDouble(Row::estimatedMs).sum();
    }

    /** A text table with a summary line. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        int w = Math.max(4, gemms.stream().mapToInt(r -> r.name() == null ? 1 : r.name().length()).max().orElse(4));
        sb.append(String.format(Locale.ROOT, "%-" + w + "s  %5s %6s %6s %6s  %-5s %12s  %s%n", "GEMM", "b", "M", "K", "N",
                "where", "est. ms", "plan"));
        for (Row r : gemms) {
            sb.append(String.format(Locale.ROOT, "%-" + w + "s  %5d %6d %6d %6d  %-5s %12.4f  %s%n", r.name() == null ? "-" : r.name(),
                    r.b(), r.m(), r.k(), r.n(), r.placement(), r.estimatedMs(), r.plan() == null ? "host CPU" : r.plan()));
        }
        sb.append(String.format(Locale.ROOT, "%d GEMMs: %d on PIM (est. %.3f ms), %d on CPU (est. %.3f ms); DPU pool: %s%n",
                gemms.size(), pimCount(), totalMs("pim"), gemms.size() - pimCount(), totalMs("cpu"),
                dpuPool == null ? "none (a DPU set per GEMM)" : dpuPool + " DPUs"));
        sb.append("(estimates: Tile-Selector model for PIM, host-CPU model for CPU; not measurements)\n");
        return sb.toString();
    }
}
