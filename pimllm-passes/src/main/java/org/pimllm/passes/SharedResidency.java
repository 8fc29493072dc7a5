package org.pimllm.passes;

import java.util.LinkedHashMap;
import java.util.Map;
import org.pimllm.ir.Call;
import org.pimllm.ir.Constant;
import org.pimllm.ir.Expr;
import org.pimllm.ir.IRModule;
import org.pimllm.pgemm.TilingPlan;
import org.pimllm.target.PimCostModel.PlanConstraint;
import org.pimllm.target.PimGemmAttrs;
import org.pimllm.target.PimModule;

/**
 * Weights another compilation of the same model keeps resident (a decode step), with the plans they were placed for,
 * by weight name: a GEMM of this compilation (the prefill) whose constant B has one of these names must cut B exactly
 * as that plan does (same fB, fK, fN and Tile_K, fM = 1: one copy of B on the same DPUs, so the same MRAM image), and
 * only those are made resident. Then both compilations use one resident copy, placed once. {@link #NONE}: no sharing.
 *
 * @param plans the other compilation's plan of each resident weight, by the weight's name
 */
public record SharedResidency(Map<String, TilingPlan> plans) {

    public static final SharedResidency NONE = new SharedResidency(Map.of());

    public SharedResidency {
        plans = Map.copyOf(plans);
    }

    /** The resident weights of a lowered module (named constant B of pim.gemm calls marked resident) and their plans. */
    public static SharedResidency of(IRModule lowered) {
        Map<String, TilingPlan> m = new LinkedHashMap<>();
        for (Call g : PimModule.pimGemms(lowered)) {
            PimGemmAttrs a = g.attrs(PimGemmAttrs.class);
            if (a.resident() && g.arg(1) instanceof Constant w && w.name() != null) m.putIfAbsent(w.name(), a.plan());
        }
        return new SharedResidency(m);
    }

    public boolean isEmpty() {
        return plans.isEmpty();
    }

    /** The plan a GEMM with this B must share, or null (not a shared weight). */
    public TilingPlan planFor(Expr b) {
        return b instanceof Constant w && w.name() != null ? plans.get(w.name()) : null;
    }

    /** The constraint on a GEMM with this B (null: none). */
    public PlanConstraint constraintFor(Expr b) {
        TilingPlan p = planFor(b);
        return p == null ? null : PlanConstraint.sameB(p);
    }
}
