package org.pimllm.passes;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.GemmShape;
import org.pimllm.pgemm.Layout;
import org.pimllm.pgemm.TilingPlan;
import org.pimllm.target.PimCostModel;

/**
 * Chooses the plans of a function's GEMMs together so that the estimated total is small: the sum of the calls'
 * estimates plus a kernel reload (dpu_load, {@code PimCostModel.programLoadSeconds}) whenever consecutive GEMMs on
 * one DPU set need different programs. The program is (dtype, tasklets, K split), as PGEMMlib's kernel; a pooled
 * runtime keeps one view of the pool per DPU count, each with its own loaded program, and every inference starts
 * with the program of the view's last GEMM, so the reloads of a view are the program changes around its cyclic
 * sequence of GEMMs.
 *
 * <p>Algorithm (near-minimal, not exhaustive): each GEMM's options are its best plan (Tile-Selector, unrestricted)
 * and its best plan with each program that some GEMM's best plan uses (the set is small). (1) Start from the
 * cheapest of: every GEMM on its own best plan, or every GEMM on one program (its own best if that program has no
 * legal plan for it). (2) Then move runs of 1..{@link #MAX_RUN} consecutive GEMMs to another program while that
 * lowers the total, until no move does: a GEMM deviates only if its gain exceeds the reloads it causes. Without a
 * pool every call loads its program anyway (the call's estimate includes it): each GEMM keeps its own best plan.
 */
final class ProgramChoice {

    /** Longest run of consecutive GEMMs moved together (e.g. an attention block's two batched matmuls). */
    static final int MAX_RUN = 4;
    private static final int MAX_ROUNDS = 20;

    private ProgramChoice() {
    }

    /** A DPU program: what the runtime compares to decide a reload. */
    record Program(GemmDType dtype, int tasklets, int kSplit) {
        static Program of(TilingPlan p) {
            return new Program(p.dtype(), p.kernel().tasklets(), p.kernel().kSplit());
        }
    }

    /** One GEMM in execution order: what its call is, and what its plan must keep (null: nothing). */
    record Gemm(GemmShape shape, GemmDType dtype, Layout bLayout, boolean zeroPoints, PimCostModel.PlanConstraint constraint) {
    }

    /** A plan for a GEMM with the estimate of one call. */
    record Option(TilingPlan plan, double seconds) {
    }

    /** The chosen plan of each GEMM (same order), with the estimated total including reloads. */
    record Result(List<Option> chosen, double totalSeconds, int reloads) {
    }

    /** Plans for the GEMMs (in execution order; each has a legal unrestricted plan) with reloads priced. */
    static Result choose(List<Gemm> gemms, Costs target) {
        int n = gemms.size();
        List<Option> best = new ArrayList<>(n);
        for (Gemm g : gemms) {
            best.add(option(target.select(g.shape(), g.dtype(), g.bLayout(), g.constraint()), g, target));
        }
        if (!target.pooled() || n < 2) {
            return evaluate(best, target);
        }
        // (tasklets, K split) pairs some GEMM's best plan uses; a GEMM of another dtype runs the same pair of its dtype
        Set<List<Integer>> kinds = new LinkedHashSet<>();
        for (Option o : best) {
            kinds.add(List.of(o.plan().kernel().tasklets(), o.plan().kernel().kSplit()));
        }
        List<List<Integer>> kindList = new ArrayList<>(kinds);
        List<List<Option>> byKind = new ArrayList<>(); // byKind[k][i]: GEMM i's best plan with kind k, or null
        for (List<Integer> k : kindList) {
            List<Option> opts = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Gemm g = gemms.get(i);
                Option own = best.get(i);
                if (own.plan().kernel().tasklets() == k.get(0) && own.plan().kernel().kSplit() == k.get(1)) {
                    opts.add(own); // its best plan already runs this program
                    continue;
                }
                try {
                    opts.add(option(target.select(g.shape(), g.dtype(), g.bLayout(), k.get(0), k.get(1), g.constraint()), g, target));
                } catch (IllegalArgumentException e) {
                    opts.add(null); // no legal plan with this program
                }
            }
            byKind.add(opts);
        }
        // (1) the cheapest start: own best plans, or one program for all
        List<Option> cur = best;
        double curTotal = evaluate(best, target).totalSeconds();
        for (List<Option> opts : byKind) {
            List<Option> a = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                a.add(opts.get(i) != null ? opts.get(i) : best.get(i));
            }
            double t = evaluate(a, target).totalSeconds();
            if (t < curTotal) {
                cur = a;
                curTotal = t;
            }
        }
        // (2) move runs of consecutive GEMMs to another program while the total drops
        cur = new ArrayList<>(cur);
        for (int round = 0; round < MAX_ROUNDS; round++) {
            boolean improved = false;
            for (int i = 0; i < n; i++) {
                for (int len = 1; len <= MAX_RUN && i + len <= n; len++) {
                    for (List<Option> opts : byKind) {
                        List<Option> a = new ArrayList<>(cur);
                        boolean changed = false;
                        for (int j = i; j < i + len; j++) {
                            if (opts.get(j) != null && opts.get(j) != a.get(j)) {
                                a.set(j, opts.get(j));
                                changed = true;
                            }
                        }
                        if (!changed) {
                            continue;
                        }
                        double t = evaluate(a, target).totalSeconds();
                        if (t < curTotal * (1 - 1e-12)) {
                            cur = a;
                            curTotal = t;
                            improved = true;
                        }
                    }
                }
            }
            if (!improved) {
                break;
            }
        }
        return evaluate(cur, target);
    }

    private static Option option(TilingPlan p, Gemm g, Costs target) {
        return new Option(p, target.pimSeconds(p, g.bLayout(), g.zeroPoints()));
    }

    /**
     * The estimated total of an assignment: the calls, plus with a pool one program load per program change in
     * each DPU-count view's cyclic sequence (a view running a single program never reloads).
     */
    static Result evaluate(List<Option> chosen, Costs target) {
        double total = 0;
        for (Option o : chosen) {
            total += o.seconds();
        }
        int reloads = 0;
        if (target.pooled()) {
            Map<Integer, List<TilingPlan>> views = new HashMap<>();
            for (Option o : chosen) {
                views.computeIfAbsent(o.plan().dpus(), d -> new ArrayList<>()).add(o.plan());
            }
            for (List<TilingPlan> seq : views.values()) {
                int changes = 0;
                for (int j = 0; j < seq.size(); j++) {
                    Program prev = Program.of(seq.get((j + seq.size() - 1) % seq.size()));
                    changes += Program.of(seq.get(j)).equals(prev) ? 0 : 1;
                }
                reloads += changes;
                total += changes * target.programLoadSeconds(seq.get(0));
            }
        }
        return new Result(List.copyOf(chosen), total, reloads);
    }
}
