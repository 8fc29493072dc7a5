package org.pimllm.passes;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.pimllm.ir.Call;
import org.pimllm.ir.Expr;
import org.pimllm.ir.ExprVisitor;
import org.pimllm.ir.Function;
import org.pimllm.ir.IRModule;
import org.pimllm.passes.pim.PimOps;

/**
 * Module-level facts of a lowered module. The IR's module has no attributes of its own, so the
 * module attribute {@code pim.dpu_pool} lives in the attributes of {@code @main} (printed as
 * {@code def @main(...) -> ... attributes {"pim.dpu_pool"="2048"}} style, parsed back).
 */
public final class PimModule {

    /** Attribute key of the DPU pool size (an int, as text). Absent: no pooling. */
    public static final String DPU_POOL = "pim.dpu_pool";

    private PimModule() {
    }

    /** The DPU pool size, or empty when PoolPimResources did not run (the runtime then allocates per GEMM). */
    public static OptionalInt dpuPool(IRModule m) {
        if (!m.has(IRModule.MAIN)) return OptionalInt.empty();
        String v = m.main().attrs().get(DPU_POOL);
        if (v == null) return OptionalInt.empty();
        try {
            return OptionalInt.of(Integer.parseInt(v));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("@main attribute " + DPU_POOL + "=\"" + v + "\" must be an integer");
        }
    }

    /** Every pim.gemm call of the module, in evaluation order (functions in module order). */
    public static List<Call> pimGemms(IRModule m) {
        List<Call> out = new ArrayList<>();
        for (Function f : m.functions().values()) {
            for (Expr e : ExprVisitor.postOrder(f)) {
                if (e instanceof Call c && c.is(PimOps.GEMM)) out.add(c);
            }
        }
        return out;
    }
}
