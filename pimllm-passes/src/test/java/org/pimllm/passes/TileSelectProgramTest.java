package org.pimllm.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pimllm.ir.Builder;
import org.pimllm.ir.Call;
import org.pimllm.ir.Constant;
import org.pimllm.ir.DType;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.StructuralEqual;
import org.pimllm.ir.Var;
import org.pimllm.ir.text.Printer;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.GemmShape;
import org.pimllm.pgemm.Layout;
import org.pimllm.pgemm.TilingPlan;
import org.pimllm.target.PimCostModel;
import org.pimllm.target.PimGemmAttrs;
import org.pimllm.target.PimOps;
import org.pimllm.target.Target;
import org.pimllm.tileselector.TileSelectorCostModel;

/**
 * TileSelect prices kernel reloads: three GEMMs whose best kernels alternate programs (24, 16, 24 tasklets) on
 * one pooled DPU set. The call estimates and the load cost are fixed by a cost model whose plans are the real
 * Tile-Selector's (restricted to a program), so the expected choices are computed by hand below.
 */
class TileSelectProgramTest {

    static final int DPUS = 64;
    static final GemmShape G1 = GemmShape.of(1, 128, 256, 256);
    static final GemmShape G2 = GemmShape.of(1, 128, 256, 512);
    static final GemmShape G3 = GemmShape.of(1, 128, 256, 384);

    /** Milliseconds of one call per shape and tasklets: G1 and G3 prefer 24 tasklets, G2 prefers 16. */
    static final Map<GemmShape, Map<Integer, Double>> MS = Map.of(
            G1, Map.of(24, 1.0, 16, 1.2),
            G2, Map.of(24, 1.3, 16, 1.0),
            G3, Map.of(24, 1.0, 16, 1.2));
    static final Map<GemmShape, Integer> PREFERRED = Map.of(G1, 24, G2, 16, G3, 24);

    /** Real plans (the Tile-Selector restricted to a program), fixed call times and load seconds. */
    record Fixed(PimCostModel real, double loadSeconds) implements PimCostModel {
        public Target target() { return real.target(); }
        public TilingPlan basePlan(GemmShape s, GemmDType t) { return real.basePlan(s, t); }
        public TilingPlan selectPlan(GemmShape s, GemmDType t, GemmCall c) { return real.selectPlan(s, t, c, PREFERRED.get(s), 1); }
        public TilingPlan selectPlan(GemmShape s, GemmDType t, GemmCall c, int tasklets, int kSplit) {
            if (!MS.get(s).containsKey(tasklets) || kSplit != 1) throw new IllegalArgumentException("no plan with that program");
            return real.selectPlan(s, t, c, tasklets, kSplit);
        }
        public double programLoadSeconds(TilingPlan p) { return loadSeconds; }
        public double pimSeconds(TilingPlan p, GemmCall c) {
            Double ms = MS.get(p.shape()).get(p.kernel().tasklets());
            return ms != null ? ms * 1e-3 : real.pimSeconds(p, c); // LowerToPgemm's BaseGEMM plans, replaced by TileSelect
        }
        public double residentSeconds(TilingPlan p, Layout l, boolean zp) { throw new UnsupportedOperationException(); }
        public double zeroPointSeconds(GemmShape s, boolean r) { return 0; }
        public double cpuSeconds(GemmShape s, GemmDType t) { return real.cpuSeconds(s, t); }
    }

    static final PimCostModel REAL = new TileSelectorCostModel(Target.of("upmem-2556-350", DPUS));

    static IRModule before(Builder b) {
        Var x = b.var("x", DType.INT8, 128, 256);
        return b.module(b.function(b.tuple(b.denseInt8(x, w(b, "w1", 256)), b.denseInt8(x, w(b, "w2", 512)),
                b.denseInt8(x, w(b, "w3", 384))), x));
    }

    static Constant w(Builder b, String name, int n) { return LowerToPgemmTest.int8Weight(b, name, n, 256); }

    /** The expected module: GEMM i with the plan of the given tasklets and its fixed call time. */
    static IRModule expected(Builder b, int t1, int t2, int t3) {
        Var x = b.var("x", DType.INT8, 128, 256);
        return b.module(b.function(b.tuple(gemm(x, w(b, "w1", 256), G1, t1), gemm(x, w(b, "w2", 512), G2, t2),
                gemm(x, w(b, "w3", 384), G3, t3)), x));
    }

    static Call gemm(Var x, Constant w, GemmShape s, int tasklets) {
        PimCostModel.GemmCall pooled = new PimCostModel.GemmCall(true, Layout.COL_MAJOR);
        TilingPlan plan = REAL.selectPlan(s, GemmDType.INT8, pooled, tasklets, 1);
        return new Call(PimOps.GEMM, List.of(x, w),
                new PimGemmAttrs(w.name(), plan, Layout.COL_MAJOR, false, MS.get(s).get(tasklets) * 1e-3));
    }

    static IRModule run(double loadSeconds, boolean pooled) {
        PassContext ctx = PassContext.builder().costModel(new Fixed(REAL, loadSeconds))
                .set(PimOptions.POOLED_CALLS, pooled).build();
        return Sequential.of(LowerToPgemm.pass(), TileSelect.pass()).run(before(new Builder(3)), ctx);
    }

    static void assertModule(IRModule expected, IRModule after) {
        assertTrue(StructuralEqual.equal(expected, after),
                () -> StructuralEqual.mismatch(expected, after).orElse("") + "\n" + Printer.print(after));
    }

    @Test
    void reloadsThatCostMoreThanTheGainGiveOneProgram() {
        // load 1 ms. Own best plans 24,16,24: 1.0+1.0+1.0 = 3.0 ms + 2 reloads (24->16, 16->24; the cyclic
        // 24->24 is free) = 5.0 ms. All 24: 1.0+1.3+1.0 = 3.3 ms. All 16: 1.2+1.0+1.2 = 3.4 ms. -> all 24.
        assertModule(expected(new Builder(3), 24, 24, 24), run(1e-3, true));
    }

    @Test
    void aKernelGainAboveTheReloadsKeepsTheOtherProgram() {
        // load 0.1 ms. Own best plans: 3.0 + 2 x 0.1 = 3.2 ms < all 24 (3.3 ms) < all 16 (3.4 ms) -> 24, 16, 24.
        assertModule(expected(new Builder(3), 24, 16, 24), run(1e-4, true));
    }

    @Test
    void unpooledCallsLoadAnywaySoEachGemmKeepsItsBestPlan() {
        // without a pool every call allocates and loads its DPUs: no reload to save, 24, 16, 24 even at 1 ms
        assertModule(expected(new Builder(3), 24, 16, 24), run(1e-3, false));
    }

    @Test
    void reloadsAreCountedPerViewAroundTheCycle() {
        Costs c = new Costs(PassContext.builder().costModel(new Fixed(REAL, 1e-3)).build(), "test");
        PimCostModel.GemmCall pooled = new PimCostModel.GemmCall(true, Layout.COL_MAJOR);
        ProgramChoice.Option a = new ProgramChoice.Option(REAL.selectPlan(G1, GemmDType.INT8, pooled, 24, 1), 1e-3);
        ProgramChoice.Option b = new ProgramChoice.Option(REAL.selectPlan(G2, GemmDType.INT8, pooled, 16, 1), 1e-3);
        assertEquals(a.plan().dpus(), b.plan().dpus(), "the test needs both plans on one view");
        // A B A B: 4 changes around the cycle; A A B B: 2 (A->B and, at the next inference, B->A); A A: none
        assertEquals(4, ProgramChoice.evaluate(List.of(a, b, a, b), c).reloads());
        assertEquals(2, ProgramChoice.evaluate(List.of(a, a, b, b), c).reloads());
        assertEquals(0, ProgramChoice.evaluate(List.of(a, a), c).reloads());
        assertEquals(4e-3 + 2e-3, ProgramChoice.evaluate(List.of(a, a, b, b), c).totalSeconds(), 1e-15);
    }
}
