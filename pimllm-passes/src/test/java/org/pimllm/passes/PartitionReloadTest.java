package org.pimllm.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pimllm.ir.Builder;
import org.pimllm.ir.Call;
import org.pimllm.ir.ExprVisitor;
import org.pimllm.ir.IRModule;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.GemmShape;
import org.pimllm.pgemm.Layout;
import org.pimllm.pgemm.TilingPlan;
import org.pimllm.target.PimCostModel;
import org.pimllm.target.PimOps;
import org.pimllm.target.Target;

/**
 * PartitionCpuPim prices the kernel reloads a PIM GEMM causes: the three GEMMs of {@link TileSelectProgramTest}
 * planned with 24, 16 and 24 tasklets on one pooled DPU set, 1.0 ms per PIM call; on the CPU the middle one takes
 * 1.5 ms, the others 5 ms. Expectations computed by hand below.
 */
class PartitionReloadTest {

    static final Map<GemmShape, Double> CPU_MS = Map.of(TileSelectProgramTest.G1, 5.0, TileSelectProgramTest.G2, 1.5,
            TileSelectProgramTest.G3, 5.0);

    /** Fixed load seconds and CPU times; everything else as the real model. */
    record Fixed(PimCostModel real, double loadSeconds) implements PimCostModel {
        public Target target() { return real.target(); }
        public TilingPlan basePlan(GemmShape s, GemmDType t) { return real.basePlan(s, t); }
        public TilingPlan selectPlan(GemmShape s, GemmDType t, GemmCall c) { return real.selectPlan(s, t, c); }
        public TilingPlan selectPlan(GemmShape s, GemmDType t, GemmCall c, int tasklets, int kSplit) {
            return real.selectPlan(s, t, c, tasklets, kSplit);
        }
        public double programLoadSeconds(TilingPlan p) { return loadSeconds; }
        public double pimSeconds(TilingPlan p, GemmCall c) { throw new UnsupportedOperationException(); }
        public double residentSeconds(TilingPlan p, Layout l, boolean zp) { throw new UnsupportedOperationException(); }
        public double zeroPointSeconds(GemmShape s, boolean r) { return 0; }
        public double cpuSeconds(GemmShape s, GemmDType t) { return CPU_MS.get(s) * 1e-3; }
    }

    static List<String> placement(double loadSeconds, boolean pooled) {
        IRModule planned = TileSelectProgramTest.expected(new Builder(3), 24, 16, 24);
        PassContext ctx = PassContext.builder().costModel(new Fixed(TileSelectProgramTest.REAL, loadSeconds))
                .set(PimOptions.POOLED_CALLS, pooled).build();
        IRModule after = Sequential.of(PartitionCpuPim.pass()).run(planned, ctx);
        return ExprVisitor.postOrder(after.main().body()).stream().filter(e -> e instanceof Call).map(e -> (Call) e)
                .filter(c -> c.is(PimOps.GEMM) || c.op().name().equals("nn.dense"))
                .map(c -> c.is(PimOps.GEMM) ? "pim" : "cpu").toList();
    }

    @Test
    void aGemmWhoseReloadsCostMoreThanTheCpuGoesToTheCpu() {
        // load 1 ms: G2 on PIM = 1.0 ms + 2 reloads (24->16->24) = 3.0 ms > 1.5 ms on the CPU, where G1, G3 share
        // one program (no reload) -> pim, cpu, pim. Each GEMM on its own (1.0 < 1.5) would have kept it on PIM.
        assertEquals(List.of("pim", "cpu", "pim"), placement(1e-3, true));
    }

    @Test
    void cheapReloadsKeepItOnPim() {
        // load 0.1 ms: 1.0 + 0.2 = 1.2 ms < 1.5 ms -> all on PIM
        assertEquals(List.of("pim", "pim", "pim"), placement(1e-4, true));
    }

    @Test
    void unpooledCallsCompareEachGemmAlone() {
        assertEquals(List.of("pim", "pim", "pim"), placement(1e-3, false));
    }
}
