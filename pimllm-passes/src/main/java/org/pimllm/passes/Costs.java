package org.pimllm.passes;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.GemmShape;
import org.pimllm.pgemm.Layout;
import org.pimllm.pgemm.TilingPlan;
import org.pimllm.target.PimCostModel;
import org.pimllm.target.PimCostModel.GemmCall;

/**
 * The target's cost questions, remembered for one pass run: a transformer repeats the same few GEMM
 * shapes in every layer, so each distinct question is asked once. The answers are pure functions of
 * the target, so remembering them changes nothing but the compile time.
 */
final class Costs {

    private final PimCostModel target;
    private final boolean pooled;
    private final boolean async;
    private final Map<Object, Object> memo = new HashMap<>();

    /** Costs for the context's target; calls pooled or not as the context's {@link PimOptions#POOLED_CALLS} says. */
    Costs(PassContext ctx, String passName) {
        this.target = ctx.requireCostModel(passName);
        this.pooled = ctx.get(PimOptions.POOLED_CALLS);
        this.async = pooled && ctx.get(PimOptions.ASYNC_RANKS);
    }

    PimCostModel target() { return target; }

    private record Key(String what, Object a, Object b) {
    }

    /** A failure remembered like an answer (e.g. no legal plan for a shape). */
    private record Failure(RuntimeException error) {
    }

    private <T> T ask(String what, Object a, Object b, Supplier<T> compute) {
        Object v = memo.computeIfAbsent(new Key(what, a, b), k -> {
            try {
                return compute.get();
            } catch (IllegalArgumentException e) {
                return new Failure(e);
            }
        });
        if (v instanceof Failure f) throw f.error();
        @SuppressWarnings("unchecked")
        T t = (T) v;
        return t;
    }

    TilingPlan basePlan(GemmShape s, GemmDType t) { return ask("base", s, t, () -> target.basePlan(s, t)); }

    TilingPlan select(GemmShape s, GemmDType t, Layout l) {
        return ask("select", new Key("shape", s, t), l, () -> target.selectPlan(s, t, call(l)));
    }

    /** The selected plan among those running the DPU program with these tasklets and K split (same dtype). */
    TilingPlan select(GemmShape s, GemmDType t, Layout l, int tasklets, int kSplit) {
        return ask("select-program", new Key("shape", s, t), new Key("program", l, List.of(tasklets, kSplit)),
                () -> target.selectPlan(s, t, call(l), tasklets, kSplit));
    }

    /** The selected plan under a constraint (null: {@link #select(GemmShape, GemmDType, Layout)}). */
    TilingPlan select(GemmShape s, GemmDType t, Layout l, PimCostModel.PlanConstraint c) {
        if (c == null) return select(s, t, l);
        return ask("select-constrained", new Key("shape", s, t), new Key("c", l, c),
                () -> target.selectPlan(s, t, call(l), c));
    }

    /** The selected plan under a constraint with one DPU program (null constraint: the unconstrained program choice). */
    TilingPlan select(GemmShape s, GemmDType t, Layout l, int tasklets, int kSplit, PimCostModel.PlanConstraint c) {
        if (c == null) return select(s, t, l, tasklets, kSplit);
        PimCostModel.PlanConstraint cp = c.withProgram(tasklets, kSplit);
        return ask("select-constrained", new Key("shape", s, t), new Key("c", l, cp),
                () -> target.selectPlan(s, t, call(l), cp));
    }

    /** Whether calls are pooled (the kernel stays loaded between calls) or allocate, load and free each time. */
    boolean pooled() { return pooled; }

    /** One call as the pipeline makes it: pooled or not, asynchronous per rank or not, B in layout l. */
    private GemmCall call(Layout l) { return new GemmCall(pooled, l, async); }

    /** dpu_load of the plan's program on its pooled DPUs. */
    double programLoadSeconds(TilingPlan p) { return ask("load", p, null, () -> target.programLoadSeconds(p)); }

    /** One call as the pipeline will make it: pooled or not, B in the given layout. */
    double pimSeconds(TilingPlan p, Layout l) { return ask("pim", p, l, () -> target.pimSeconds(p, call(l))); }

    /**
     * Like {@link #pimSeconds(TilingPlan, Layout)}, plus, for a GEMM with zero points, PGEMMlib's host
     * zero-point correction (the Tile-Selector's model is of the int8 GEMM alone; the correction does not
     * depend on the plan, so it changes the estimate, not the choice).
     */
    double pimSeconds(TilingPlan p, Layout l, boolean zeroPoints) {
        double gemm = pimSeconds(p, l);
        return zeroPoints ? gemm + target.zeroPointSeconds(p.shape(), false) : gemm;
    }

    /** A call with B resident, with PGEMMlib's zero-point correction if the GEMM has zero points. */
    double residentSeconds(TilingPlan p, Layout l, boolean zeroPoints) {
        return ask(zeroPoints ? "resident-zp" : "resident", p, l, () -> target.residentSeconds(p, l, zeroPoints, async));
    }

    double cpuSeconds(GemmShape s, GemmDType t) { return ask("cpu", s, t, () -> target.cpuSeconds(s, t)); }
}
