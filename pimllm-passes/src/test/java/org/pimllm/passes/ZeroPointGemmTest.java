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
import org.pimllm.ir.Expr;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Ops;
import org.pimllm.ir.StructuralEqual;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.TensorType;
import org.pimllm.ir.TupleGetItem;
import org.pimllm.ir.TypeCheckException;
import org.pimllm.ir.Var;
import org.pimllm.ir.attrs.DenseAttrs;
import org.pimllm.ir.attrs.SplitAttrs;
import org.pimllm.ir.text.Parser;
import org.pimllm.ir.text.Printer;
import org.pimllm.target.PimGemmAttrs;
import org.pimllm.target.PimModule;
import org.pimllm.target.PimOps;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.GemmShape;
import org.pimllm.pgemm.Layout;
import org.pimllm.pgemm.PgemmLib;
import org.pimllm.pgemm.TilingPlan;

/**
 * qnn.dense with zero points (ONNX MatMulInteger: uint8 activations, a run-time activation zero point, int8
 * weights) lowered to pim.gemm with its zero points, TVM style: the module before, the module expected after.
 */
class ZeroPointGemmTest {

    static final int M = 128;
    static final int K = 256;
    static final int N = 512;

    static Constant int8Weight(Builder b, String name, int n, int k) {
        return LowerToPgemmTest.int8Weight(b, name, n, k);
    }

    /** Weight zero points, one per output feature, within int8. */
    static Constant perFeatureZeroPoints(int n) {
        int[] z = new int[n];
        for (int j = 0; j < n; j++) z[j] = (j % 7) - 3;
        return Constant.of(Tensor.ofInts(z, n));
    }

    static Call qnnDense(Expr x, Expr w, Expr aZp, Expr bZp) {
        return new Call(Ops.QNN_DENSE, List.of(x, w, aZp, bZp), DenseAttrs.INT32_OUT);
    }

    @Test
    void qnnDenseWithZeroPointsBecomesPimGemmKeepingItsZeroPoints() {
        Builder b = new Builder(7);
        Var x = b.var("x", DType.UINT8, M, K);
        Var aZp = b.var("x_zp", TensorType.scalar(DType.INT32)); // a run-time value, as DynamicQuantizeLinear gives
        Constant w = int8Weight(b, "w", N, K);
        Constant bZp = perFeatureZeroPoints(N);
        IRModule before = b.module(b.function(qnnDense(x, w, aZp, bZp), x, aZp));

        GemmShape shape = GemmShape.of(1, M, K, N);
        TilingPlan plan = LowerToPgemmTest.base(shape, GemmDType.INT8); // the DPUs run PGEMMlib's int8 kernel
        // the estimate: the Tile-Selector's model of the int8 GEMM plus PGEMMlib's host zero-point correction
        double seconds = LowerToPgemmTest.predict(plan) + PgemmLib.zeroPointHostSeconds(shape, LowerToPgemmTest.HW, false);
        Var x2 = b.var("x", DType.UINT8, M, K);
        Var aZp2 = b.var("x_zp", TensorType.scalar(DType.INT32));
        Call gemm = new Call(PimOps.GEMM, List.of(x2, w, aZp2, bZp),
                new PimGemmAttrs("w", plan, Layout.COL_MAJOR, false, seconds));
        IRModule expected = b.module(b.function(gemm, x2, aZp2));

        IRModule after = LowerToPgemmTest.run(LowerToPgemm.pass(), before);
        assertTrue(StructuralEqual.equal(expected, after),
                () -> StructuralEqual.mismatch(expected, after).orElse("") + "\n" + Printer.print(after));
        assertEquals(new TensorType(List.of(M, N), DType.INT32), after.main().body().type());
    }

    @Test
    void tileSelectKeepsTheZeroPointsAndPartitionMovesTheGemmBackAsQnnDense() {
        Builder b = new Builder(7);
        Var x = b.var("x", DType.UINT8, 1, 16);
        Var aZp = b.var("x_zp", TensorType.scalar(DType.INT32));
        Constant w = int8Weight(b, "tiny", 16, 16);
        Constant bZp = Constant.of(Tensor.scalarLong(DType.INT32, 3));
        IRModule before = b.module(b.function(qnnDense(x, w, aZp, bZp), x, aZp));

        IRModule selected = LowerToPgemmTest.run(Sequential.of(LowerToPgemm.pass(), TileSelect.pass()), before);
        Call g = (Call) selected.main().body();
        assertEquals(PimOps.GEMM, g.op());
        assertEquals(List.of(x, w, aZp, bZp), g.args());

        // a 1x16x16 GEMM is not worth a DPU launch: back to the host as the qnn.dense it was
        IRModule placed = LowerToPgemmTest.run(Sequential.of(LowerToPgemm.pass(), TileSelect.pass(), PartitionCpuPim.pass()), before);
        assertTrue(StructuralEqual.equal(before, placed), () -> Printer.print(placed));
    }

    @Test
    void zeroPointGemmsPgemmlibCannotRunStayOnTheHost() {
        Builder b = new Builder(7);
        Var x = b.var("x", DType.UINT8, M, K);
        Var aZp = b.var("x_zp", TensorType.scalar(DType.INT32));
        Var wu8 = b.var("w_u8", DType.UINT8, N, K); // uint8 weights: PGEMMlib's B is int8
        Constant w = int8Weight(b, "w", N, K);
        Constant outOfRange = Constant.of(Tensor.scalarLong(DType.INT32, 200)); // not an int8 weight zero point
        Var bZpVar = b.var("w_zp", TensorType.scalar(DType.INT32)); // B's zero points must be known when B is placed
        IRModule m = b.module(b.function(b.tuple(qnnDense(x, wu8, aZp, Constant.of(Tensor.scalarLong(DType.INT32, 0))),
                qnnDense(x, w, aZp, outOfRange), qnnDense(x, w, aZp, bZpVar)), x, aZp, wu8, bZpVar));
        IRModule after = LowerToPgemmTest.run(Sequential.of(LowerToPgemm.pass(), TileSelect.pass()), m);
        assertTrue(PimModule.pimGemms(after).isEmpty(), () -> Printer.print(after));
    }

    @Test
    void pimGemmWithZeroPointsPrintsAndParsesBack() {
        Builder b = new Builder(3);
        Var x = b.var("x", DType.UINT8, 32, 128);
        Var aZp = b.var("x_zp", TensorType.scalar(DType.INT32));
        Constant w = int8Weight(b, "layers.0.wq", 96, 128);
        IRModule m = LowerToPgemmTest.run(LowerToPgemm.pass(),
                b.module(b.function(qnnDense(x, w, aZp, perFeatureZeroPoints(96)), x, aZp)));
        assertEquals(1, PimModule.pimGemms(m).size());
        String text = Printer.print(m);
        assertTrue(text.contains("pim.gemm(%x, "), text);
        IRModule back = Parser.parse(text);
        assertTrue(StructuralEqual.equal(m, back), () -> StructuralEqual.mismatch(m, back).orElse("") + "\n" + text);
        Call g = PimModule.pimGemms(back).getFirst();
        assertTrue(PimOps.hasZeroPoints(g));
        assertEquals(List.of(96), g.arg(3).tensorType().shape());
    }

    @Test
    void pimGemmZeroPointFormIsTypeChecked() {
        Builder b = new Builder(3);
        Var x = b.var("x", DType.UINT8, 32, 128);
        Var aZp = b.var("x_zp", TensorType.scalar(DType.INT32));
        Constant w = int8Weight(b, "w", 96, 128);
        Constant bZp = Constant.of(Tensor.scalarLong(DType.INT32, 0));
        TilingPlan int8 = LowerToPgemmTest.base(GemmShape.of(1, 32, 128, 96), GemmDType.INT8);
        PimGemmAttrs attrs = new PimGemmAttrs("w", int8, Layout.COL_MAJOR, false, 0);
        TypeCheckException arity = assertThrows(TypeCheckException.class,
                () -> new Call(PimOps.GEMM, List.of(x, w, aZp), attrs));
        assertTrue(arity.getMessage().contains("expected 2 or 4 argument(s) pim.gemm(a, b[, a_zp, b_zp])"), arity.getMessage());
        TypeCheckException u8 = assertThrows(TypeCheckException.class, () -> new Call(PimOps.GEMM, List.of(x, w), attrs));
        assertTrue(u8.getMessage().contains("the plan multiplies int8"), u8.getMessage());
        Var f = b.var("f", TensorType.scalar(DType.FP32));
        TypeCheckException zpType = assertThrows(TypeCheckException.class,
                () -> new Call(PimOps.GEMM, List.of(x, w, f, bZp), attrs));
        assertTrue(zpType.getMessage().contains("a_zp must be an int32 scalar"), zpType.getMessage());
        Call ok = new Call(PimOps.GEMM, List.of(x, w, aZp, bZp), attrs);
        assertEquals(DType.INT32, ok.dtype());
    }

    @Test
    void siblingsWithTheSameActivationZeroPointFuseConcatenatingPerFeatureWeightZeroPoints() {
        Builder b = new Builder(5);
        Var x = b.var("x", DType.UINT8, 8, 64);
        Var aZp = b.var("x_zp", TensorType.scalar(DType.INT32));
        Constant wq = int8Weight(b, "wq", 64, 64);
        Constant wk = int8Weight(b, "wk", 32, 64);
        Constant zq = perFeatureZeroPoints(64);
        Constant zk = Constant.of(Tensor.ofInts(new int[32], 32));
        IRModule m = b.module(b.function(b.tuple(qnnDense(x, wq, aZp, zq), qnnDense(x, wk, aZp, zk)), x, aZp));
        IRModule fused = LowerToPgemmTest.run(FuseSiblingGemms.pass(), m);

        TupleGetItem q = (TupleGetItem) ((org.pimllm.ir.Tuple) fused.main().body()).fields().get(0);
        Call split = (Call) q.tuple();
        assertEquals(Ops.SPLIT, split.op());
        assertEquals(SplitAttrs.indices(List.of(64), -1), split.attrs());
        Call gemm = (Call) split.arg(0);
        assertEquals(Ops.QNN_DENSE, gemm.op());
        assertEquals(List.of(96, 64), gemm.arg(1).tensorType().shape());
        assertTrue(gemm.arg(2) == aZp, "the fused GEMM keeps the shared activation zero point");
        int[] expectedZp = new int[96];
        System.arraycopy(zq.data().ints(), 0, expectedZp, 0, 64); // then 32 zeros of wk
        assertTrue(Tensor.ofInts(expectedZp, 96).contentEquals(((Constant) gemm.arg(3)).data()));

        // same results as the unfused GEMMs (the IR's reference interpreter)
        byte[] xs = new byte[8 * 64];
        new java.util.Random(3).nextBytes(xs);
        java.util.Map<String, Tensor> in = java.util.Map.of("x", Tensor.ofBytes(DType.UINT8, xs, 8, 64),
                "x_zp", Tensor.scalarLong(DType.INT32, 131));
        for (int i = 0; i < 2; i++) {
            int field = i;
            Tensor want = GraphInterpreter.run(b.function(((org.pimllm.ir.Tuple) m.main().body()).fields().get(field), x, aZp), in);
            Tensor got = GraphInterpreter.run(b.function(((org.pimllm.ir.Tuple) fused.main().body()).fields().get(field), x, aZp), in);
            assertTrue(want.contentEquals(got), "output " + i);
        }

        // another activation zero point: not siblings
        Var otherZp = b.var("y_zp", TensorType.scalar(DType.INT32));
        IRModule different = b.module(b.function(b.tuple(qnnDense(x, wq, aZp, zq), qnnDense(x, wk, otherZp, zk)), x, aZp, otherZp));
        IRModule notFused = LowerToPgemmTest.run(FuseSiblingGemms.pass(), different);
        assertTrue(StructuralEqual.equal(different, notFused), () -> Printer.print(notFused));
    }
}
