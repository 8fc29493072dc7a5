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
     * @param estimatedMs estimated milliseconds of one call where it runs (NaN if the host model has no figure for its dtype)
     * @param cpuMs       the host-CPU model's estimate of one call (NaN: no figure for its dtype)
     * @param pimMs       the Tile-Selector model's estimate of one call on PIM: the pim.gemm's own, or for a GEMM on
     *                    the CPU the plan the Tile-Selector would pick (NaN: no legal plan)
     * @param why         why it runs where it does, from the two estimates
     */
    public record Row(String name, int b, int m, int k, int n, String placement, String plan, double estimatedMs,
            double cpuMs, double pimMs, String why) {
    }

    public PlacementTable {
        gemms = List.copyOf(gemms);
    }

    /** The GEMMs of {@code m}'s main function. */
    public static PlacementTable of(IRModule m, PimCostModel target) {
        OptionalInt pool = PimModule.dpuPool(m);
        boolean pooled = pool.isPresent();
        List<Row> rows = new ArrayList<>();
        for (Expr e : ExprVisitor.postOrder(m.main())) {
            if (!(e instanceof Call c)) continue;
            if (c.is(PimOps.GEMM)) {
                PimGemmAttrs a = c.attrs(PimGemmAttrs.class);
                GemmShape s = a.plan().shape();
                double pim = a.estimatedSeconds() * 1e3;
                double cpu = target.cpuSeconds(s, a.plan().dtype()) * 1e3;
                rows.add(new Row(a.name(), s.b(), s.m(), s.k(), s.n(), "pim", planText(a.plan()), pim, cpu, pim,
                        whyPim(cpu, pim)));
            } else {
                GemmMatch.of(c).ifPresent(g -> {
                    GemmShape s = g.geometry().shape();
                    double cpu = target.cpuSeconds(s, g.dtype()) * 1e3;
                    double pim = pimEstimateMs(target, s, g.dtype(), pooled);
                    rows.add(new Row(g.label(), s.b(), s.m(), s.k(), s.n(), "cpu", null, cpu, cpu, pim, whyCpu(cpu, pim)));
                });
            }
        }
        return new PlacementTable(rows, pool.isPresent() ? pool.getAsInt() : null);
    }

    /**
     * What the GEMM would cost on PIM had it been lowered: the Tile-Selector's plan for it (B column-major, as the
     * layout pass leaves weights), NaN when no plan is legal.
     */
    private static double pimEstimateMs(PimCostModel target, GemmShape s, org.pimllm.pgemm.GemmDType dtype, boolean pooled) {
        try {
            PimCostModel.GemmCall call = new PimCostModel.GemmCall(pooled, org.pimllm.pgemm.Layout.COL_MAJOR);
            return target.pimSeconds(target.selectPlan(s, dtype, call), call) * 1e3;
        } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
            return Double.NaN; // no legal plan for this shape on this target
        }
    }

    static String whyPim(double cpuMs, double pimMs) {
        if (Double.isNaN(cpuMs)) return "no CPU estimate";
        return pimMs <= cpuMs ? String.format(Locale.ROOT, "PIM est. %.1fx faster", cpuMs / pimMs)
                : String.format(Locale.ROOT, "CPU est. %.1fx faster; kept on PIM by the variant", pimMs / cpuMs);
    }

    static String whyCpu(double cpuMs, double pimMs) {
        if (Double.isNaN(pimMs)) return "no legal PIM plan";
        return cpuMs < pimMs ? String.format(Locale.ROOT, "CPU est. %.1fx faster", pimMs / cpuMs)
                : String.format(Locale.ROOT, "PIM est. %.1fx faster; kept on the CPU by the variant or options", cpuMs / pimMs);
    }

    /**
     * A fused GEMM's name for the text table: the weights joined by '+' share their prefix and suffix, written once
     * ({@code layer.0.attn.{query,key,value}.weight.int8}); other names as they are.
     */
    static String shortName(String name) {
        if (name == null) return "-";
        String[] parts = name.split("\\+");
        if (parts.length < 2) return name;
        String prefix = parts[0];
        String suffix = parts[0];
        for (String p : parts) {
            while (!p.startsWith(prefix)) prefix = prefix.substring(0, prefix.length() - 1);
            while (!p.endsWith(suffix)) suffix = suffix.substring(1);
        }
        int minLen = java.util.Arrays.stream(parts).mapToInt(String::length).min().orElse(0);
        prefix = prefix.substring(0, prefix.lastIndexOf('.') + 1); // cut at a dot, so whole name components stay
        int dot = suffix.indexOf('.');
        suffix = dot < 0 ? "" : suffix.substring(dot);
        if (prefix.length() + suffix.length() > minLen) return name;
        List<String> middles = new ArrayList<>();
        for (String p : parts) middles.add(p.substring(prefix.length(), p.length() - suffix.length()));
        return prefix + "{" + String.join(",", middles) + "}" + suffix;
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
        int w = Math.max(4, gemms.stream().mapToInt(r -> shortName(r.name()).length()).max().orElse(4));
        int wy = Math.max(3, gemms.stream().mapToInt(r -> r.why().length()).max().orElse(3));
        sb.append(String.format(Locale.ROOT, "%-" + w + "s  %5s %6s %6s %6s  %-5s %10s %10s  %-" + wy + "s  %s%n", "GEMM", "b",
                "M", "K", "N", "where", "CPU est.ms", "PIM est.ms", "why", "plan"));
        for (Row r : gemms) {
            sb.append(String.format(Locale.ROOT, "%-" + w + "s  %5d %6d %6d %6d  %-5s %10.4f %10s  %-" + wy + "s  %s%n",
                    shortName(r.name()), r.b(), r.m(), r.k(), r.n(), r.placement(), r.cpuMs(),
                    Double.isNaN(r.pimMs()) ? "-" : String.format(Locale.ROOT, "%.4f", r.pimMs()), r.why(),
                    r.plan() == null ? "host CPU" : r.plan()));
        }
        sb.append(String.format(Locale.ROOT, "%d GEMMs: %d on PIM (est. %.3f ms), %d on CPU (est. %.3f ms); DPU pool: %s%n",
                gemms.size(), pimCount(), totalMs("pim"), gemms.size() - pimCount(), totalMs("cpu"),
                dpuPool == null ? "none (a DPU set per GEMM)" : dpuPool + " DPUs"));
        sb.append("(estimates: Tile-Selector model for PIM, host-CPU model for CPU; not measurements)\n");
        return sb.toString();
    }
}
