package org.pimllm.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pimllm.ir.Builder;
import org.pimllm.ir.Call;
import org.pimllm.ir.Constant;
import org.pimllm.ir.DType;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.StructuralEqual;
import org.pimllm.ir.TensorSource;
import org.pimllm.ir.TensorType;
import org.pimllm.ir.TypeCheckException;
import org.pimllm.ir.Var;
import org.pimllm.ir.text.Parser;
import org.pimllm.ir.text.Printer;
import org.pimllm.target.PimGemmAttrs;
import org.pimllm.target.PimOps;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.GemmShape;
import org.pimllm.pgemm.Layout;
import org.pimllm.pgemm.PgemmLib;
import org.pimllm.pgemm.Strategy;
import org.pimllm.pgemm.TilingPlan;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.target.PimModule;
import org.pimllm.target.Target;
import org.pimllm.tileselector.CallOptions;
import org.pimllm.tileselector.Restriction;
import org.pimllm.tileselector.TileSelector;
import org.pimllm.tileselector.TileSelectorCostModel;

class LowerToPgemmTest {

    static final HardwareConfig HW = HardwareConfig.preset("upmem-2556-350");
    static final int DPUS = 64;

    static PassContext ctx() {
        return PassContext.builder().costModel(new TileSelectorCostModel(new Target(HW, DPUS))).build();
    }

    static Constant int8Weight(Builder b, String name, int... shape) {
        return b.weight(name, TensorType.of(DType.INT8, shape), TensorSource.Distribution.UNIFORM, 127);
    }

    /** The default BaseGEMM plan: the Tile-Selector restricted to BaseGEMM (computed here, not by the pass). */
    static TilingPlan base(GemmShape s, GemmDType t) {
        return new TileSelector(HW).select(s, t, DPUS, CallOptions.POOLED, Restriction.to(Strategy.BASE)).plan();
    }

    static double predict(TilingPlan p) { return new TileSelector(HW).predict(p); }

    static IRModule run(Pass p, IRModule m) { return Sequential.of(p).run(m, ctx()); }

    @Test
    void denseBecomesPimGemmWithTheBasePlanAndColumnMajorB() {
        Builder b = new Builder(7);
        Var x = b.var("x", DType.INT8, 128, 256);
        Constant w = int8Weight(b, "w", 512, 256);
        IRModule before = b.module(b.function(b.denseInt8(x, w), x));

        TilingPlan plan = base(GemmShape.of(1, 128, 256, 512), GemmDType.INT8);
        Var x2 = b.var("x", DType.INT8, 128, 256);
        Call gemm = new Call(PimOps.GEMM, List.of(x2, w), new PimGemmAttrs("w", plan, Layout.COL_MAJOR, false, predict(plan)));
        IRModule expected = b.module(b.function(gemm, x2));

        IRModule after = run(LowerToPgemm.pass(), before);
        assertTrue(StructuralEqual.equal(expected, after), () -> StructuralEqual.mismatch(expected, after).orElse("") + "\n" + Printer.print(after));
        assertEquals(DType.INT32, after.main().body().dtype());
    }

    /** int8 dense and fp32 batch matmul side by side; how many of them become pim.gemm under each float_gemms setting. */
    static int pimGemms(FloatGemms floatGemms, Pass... passes) {
        Builder b = new Builder(7);
        Var x = b.var("x", DType.INT8, 16, 64);
        Var q = b.var("q", DType.FP32, 4, 16, 32);
        Var k = b.var("k", DType.FP32, 4, 16, 32);
        Call dense = b.denseInt8(x, int8Weight(b, "w", 96, 64));
        Call scores = b.batchMatmul(q, k);
        IRModule before = b.module(b.function(b.tuple(dense, scores), x, q, k));
        PassContext.Builder c = PassContext.builder().costModel(new TileSelectorCostModel(new Target(HW, DPUS)));
        if (floatGemms != null) c.set(LowerToPgemm.FLOAT_GEMMS, floatGemms);
        IRModule after = new Sequential("test", List.of(passes)).run(before, c.build());
        return PimModule.pimGemms(after).size();
    }

    @Test
    void floatGemmsStayOnTheHostWhenAskedAndTileSelectDoesNotLowerThemEither() {
        assertEquals(2, pimGemms(null, LowerToPgemm.pass(), TileSelect.pass()), "default: fp32 GEMMs go to PIM too");
        assertEquals(2, pimGemms(FloatGemms.PIM, LowerToPgemm.pass(), TileSelect.pass()));
        assertEquals(1, pimGemms(FloatGemms.HOST, LowerToPgemm.pass()), "only the int8 dense");
        assertEquals(1, pimGemms(FloatGemms.HOST, LowerToPgemm.pass(), TileSelect.pass()), "TileSelect lowers leftovers by the same rule");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FloatGemms.parse("gpu"));
        assertTrue(e.getMessage().contains("must be pim or host"), e.getMessage());
        @SuppressWarnings({"unchecked", "rawtypes"})
        OptionKey<Object> untyped = (OptionKey) LowerToPgemm.FLOAT_GEMMS;
        e = assertThrows(IllegalArgumentException.class, () -> PassContext.builder().set(untyped, "host"));
        assertEquals("pass option LowerToPgemm.float_gemms takes a FloatGemms, got String host", e.getMessage());
    }

    @Test
    void tileSelectReplacesTheBasePlanWithTheTileSelectorsChoice() {
        Builder b = new Builder(7);
        Var x = b.var("x", DType.INT8, 128, 768);
        Constant w = int8Weight(b, "w", 2304, 768);
        IRModule before = b.module(b.function(b.denseInt8(x, w), x));

        GemmShape shape = GemmShape.of(1, 128, 768, 2304);
        TileSelector ts = new TileSelector(HW);
        org.pimllm.tileselector.CallOptions pooled = new org.pimllm.tileselector.CallOptions(true, Layout.COL_MAJOR);
        TilingPlan chosen = ts.select(shape, GemmDType.INT8, DPUS, pooled).plan();
        Var x2 = b.var("x", DType.INT8, 128, 768);
        Call gemm = new Call(PimOps.GEMM, List.of(x2, w),
                new PimGemmAttrs("w", chosen, Layout.COL_MAJOR, false, ts.cost(chosen, pooled).totalSeconds()));
        IRModule expected = b.module(b.function(gemm, x2));

        IRModule after = run(Sequential.of(LowerToPgemm.pass(), TileSelect.pass()), before);
        assertTrue(StructuralEqual.equal(expected, after), () -> StructuralEqual.mismatch(expected, after).orElse(""));
    }

    @Test
    void rowMajorWeightIsMarkedForRuntimeTransposition() {
        Builder b = new Builder(7);
        Var x = b.var("x", DType.FP32, 1, 8, 64);
        Constant w = b.weight("c_attn.weight", 64, 192);
        IRModule before = b.module(b.function(b.matmul(x, w), x));
        IRModule after = run(LowerToPgemm.pass(), before);
        Call g = (Call) after.main().body();
        PimGemmAttrs a = g.attrs(PimGemmAttrs.class);
        assertEquals(Layout.ROW_MAJOR, a.bLayout());
        assertEquals(GemmShape.of(1, 8, 64, 192), a.plan().shape());
        assertEquals(Strategy.BASE, a.plan().strategy());
        long bBytes = 64L * 192 * 4;
        assertEquals(predict(a.plan()) + bBytes / HW.hostCpu().transposeBytesPerSecond(), a.estimatedSeconds(), 1e-15);
        assertEquals(List.of(1, 8, 192), g.shape());
    }

    @Test
    void attentionBatchMatmulBecomesBatchedPimGemm() {
        Builder b = new Builder(7);
        Var q = b.var("q", DType.INT8, 4, 16, 32);
        Var k = b.var("k", DType.INT8, 4, 16, 32);
        Call scores = b.batchMatmul(q, k, false, true);
        IRModule before = b.module(b.function(b.cast(scores, DType.INT32), q, k));
        IRModule lowered = run(LowerToPgemm.pass(), before);
        Call g = (Call) ((Call) lowered.main().body()).arg(0);
        // int8 batch_matmul with int8 output does not match PGEMMlib's int32 accumulator: stays on the CPU
        assertEquals("nn.batch_matmul", g.op().name());

        Call scores32 = new Call(org.pimllm.ir.Ops.BATCH_MATMUL, List.of(q, k),
                new org.pimllm.ir.attrs.MatmulAttrs(false, true, DType.INT32));
        IRModule after = run(LowerToPgemm.pass(), b.module(b.function(scores32, q, k)));
        Call pg = (Call) after.main().body();
        assertEquals(PimOps.GEMM, pg.op());
        assertEquals(GemmShape.of(4, 16, 32, 16), pg.attrs(PimGemmAttrs.class).plan().shape());
        assertEquals(Layout.COL_MAJOR, pg.attrs(PimGemmAttrs.class).bLayout());
        assertEquals(List.of(4, 16, 16), pg.shape());
    }

    @Test
    void loweredModulePrintsThePlanAndParsesBack() {
        Builder b = new Builder(3);
        Var x = b.var("x", DType.INT8, 32, 128);
        IRModule m = run(LowerToPgemm.pass(), b.module(b.function(b.denseInt8(x, int8Weight(b, "layers.0.wq", 96, 128)), x)));
        String text = Printer.print(m);
        assertTrue(text.contains("pim.gemm("), text);
        assertTrue(text.contains("strategy=base"), text);
        assertTrue(text.contains("b_layout=col_major"), text);
        IRModule back = Parser.parse(text);
        assertTrue(StructuralEqual.equal(m, back), () -> StructuralEqual.mismatch(m, back).orElse(""));
    }

    @Test
    void pimGemmWhosePlanDoesNotMatchItsOperandsIsATypeError() {
        Builder b = new Builder(3);
        Var x = b.var("x", DType.INT8, 32, 128);
        Constant w = int8Weight(b, "w", 96, 128);
        TilingPlan wrong = base(GemmShape.of(1, 64, 128, 96), GemmDType.INT8);
        TypeCheckException e = assertThrows(TypeCheckException.class, () ->
                new Call(PimOps.GEMM, List.of(x, w), new PimGemmAttrs("w", wrong, Layout.COL_MAJOR, false, 0)));
        assertTrue(e.getMessage().contains("the plan is for GEMM (1, 64, 128, 96)"), e.getMessage());
    }

    @Test
    void gemmsPgemmlibCannotRunStayOnTheCpu() {
        Builder b = new Builder(3);
        Var x = b.var("x", DType.FP16, 4, 8);
        Var w = b.var("w", DType.FP16, 8, 8);
        IRModule m = b.module(b.function(b.dense(x, w), x, w));
        IRModule after = run(LowerToPgemm.pass(), m);
        assertTrue(PimModule.pimGemms(after).isEmpty());
    }
}
