package org.pimllm.driver;

import org.pimllm.runtime.CompiledModule;
import org.pimllm.runtime.RunOptions;
import org.pimllm.runtime.ReferenceExecutor;
import org.pimllm.runtime.RunReport;
import org.pimllm.runtime.RunResult;
import org.pimllm.runtime.Span;
import org.pimllm.runtime.TimeCategory;
import org.pimllm.target.Target;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pimllm.ir.Builder;
import org.pimllm.ir.Call;
import org.pimllm.ir.Constant;
import org.pimllm.ir.DType;
import org.pimllm.ir.Expr;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Ops;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.TensorSource;
import org.pimllm.ir.TensorType;
import org.pimllm.ir.Var;
import org.pimllm.ir.eval.Value;
import org.pimllm.ir.attrs.DenseAttrs;
import org.pimllm.target.PimModule;
import org.pimllm.target.PimGemmAttrs;
import org.pimllm.target.PimOps;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.GemmShape;
import org.pimllm.pgemm.Layout;
import org.pimllm.pgemm.PgemmLib;
import org.pimllm.pgemm.Strategy;
import org.pimllm.pgemm.TilingPlan;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.sim.Mode;
import org.pimllm.target.HostCpuModel;
import org.pimllm.tileselector.CallOptions;
import org.pimllm.tileselector.Restriction;
import org.pimllm.tileselector.TileSelector;

/**
 * pim.gemm with zero points at run time: PGEMMlib's uint8 x int8 GEMM with this run's activation zero point,
 * exact against the reference executor (which computes qnn.dense on the host), and its host correction timed.
 */
class ZeroPointGemmRunTest {

    static final int M = 24;
    static final int K = 96;
    static final int N = 40;

    static Constant int8Weight(Builder b, String name) {
        return b.weight(name, TensorType.of(DType.INT8, N, K), TensorSource.Distribution.UNIFORM, 127);
    }

    /**
     * x (fp32) -> DynamicQuantizeLinear -> qnn.dense with the run-time zero point and per-feature weight zero
     * points; and an int8 activation with a constant zero point (run as uint8 shifted by 128).
     */
    static IRModule model(Builder b, Var x, Var x8) {
        Call q = b.dynamicQuantize(x);
        Expr aZp = b.cast(b.get(q, 2), DType.INT32);
        int[] z = new int[N];
        for (int j = 0; j < N; j++) z[j] = (j * 37 % 255) - 128;
        Constant bZp = Constant.of(Tensor.ofInts(z, N));
        Call u8 = new Call(Ops.QNN_DENSE, List.of(b.get(q, 0), int8Weight(b, "w_u8"), aZp, bZp), DenseAttrs.INT32_OUT);
        Call s8 = new Call(Ops.QNN_DENSE, List.of(x8, int8Weight(b, "w_s8"), Constant.of(Tensor.scalarLong(DType.INT32, -7)),
                Constant.of(Tensor.scalarLong(DType.INT32, 5))), DenseAttrs.INT32_OUT);
        return b.module(b.function(b.tuple(u8, s8), x, x8));
    }

    static Map<String, Tensor> inputs(long seed) {
        Random r = new Random(seed);
        float[] xs = new float[M * K];
        for (int i = 0; i < xs.length; i++) xs[i] = (float) (r.nextGaussian() * 3 + 1.5); // skewed: zero point != 128
        byte[] x8 = new byte[M * K];
        r.nextBytes(x8);
        return Map.of("x", Tensor.ofFloats(xs, M, K), "x8", Tensor.ofBytes(DType.INT8, x8, M, K));
    }

    @Test
    void zeroPointGemmsOnPimEqualTheReferenceForEveryRunsZeroPoint() {
        Builder b = new Builder(11);
        IRModule m = model(b, b.var("x", DType.FP32, M, K), b.var("x8", DType.INT8, M, K));
        Target target = Target.of("upmem-2556-350", 64);
        CompileOptions opts = CompileOptions.variant("ts+adj").withMode(Mode.FUNCTIONAL)
                .withPrecision(CompileOptions.Precision.AS_BUILT);
        try (CompiledModule c = PimLlm.compile(m, target, opts)) {
            assertEquals(2, PimModule.pimGemms(c.module()).stream().filter(PimOps::hasZeroPoints).count());
            for (long seed = 1; seed <= 3; seed++) { // each input has its own activation zero point
                Map<String, Tensor> in = inputs(seed);
                List<Tensor> expected = flat(new ReferenceExecutor().run(m, in));
                RunResult r = c.run(in);
                assertEquals(2, r.outputs().size());
                for (int i = 0; i < 2; i++) {
                    assertTrue(expected.get(i).contentEquals(r.outputs().get(i)), "output " + i + ", seed " + seed);
                }
                assertTrue(r.report().timeline().stream().anyMatch(s -> s.category() == TimeCategory.ZERO_POINT
                        && s.label().contains("zero-point correction")), "the host correction is timed");
            }
        }
    }

    static List<Tensor> flat(Value v) {
        return ((Value.TupleValue) v).fields().stream().map(Value::tensor).toList();
    }

    @Test
    void residentZeroPointWeightPaysItsColumnSumsOnceAndTheCorrectionEveryCall() {
        HardwareConfig hw = HardwareConfig.preset("upmem-2556-350");
        TilingPlan plan = new TileSelector(hw).select(GemmShape.of(1, M, K, N), GemmDType.INT8, 64, CallOptions.POOLED,
                Restriction.to(Strategy.BASE)).plan();
        Builder b = new Builder(3);
        Var x = b.var("x", DType.UINT8, M, K);
        Var aZp = b.var("x_zp", TensorType.scalar(DType.INT32));
        Call g = new Call(PimOps.GEMM, List.of(x, int8Weight(b, "w"), aZp, Constant.of(Tensor.scalarLong(DType.INT32, 0))),
                new PimGemmAttrs("w", plan, Layout.COL_MAJOR, true, 0));
        IRModule m = PimModule.withDpuPool(b.module(b.function(g, x, aZp)), plan.dpus());
        try (CompiledModule c = new CompiledModule(m, new Target(hw, 64), new RunOptions("pimllm+res", Mode.TIMING_ONLY, false),
                HostCpuModel.of(hw, HostCpuModel.Profile.TVM_CPU))) {
            assertTrue(c.oneTime().stream().anyMatch(s -> s.label().contains("column sums of B")), "placing B sums its columns");
            RunReport r = c.simulate();
            assertTrue(r.timeline().stream().noneMatch(s -> s.label().contains("column sums of B")));
            double correction = r.timeline().stream().filter(s -> s.label().contains("zero-point correction"))
                    .mapToDouble(Span::seconds).sum();
            assertEquals(PgemmLib.zeroPointHostSeconds(plan.shape(), hw, true), correction, 1e-15);
        }
    }
}
