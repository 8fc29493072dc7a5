package org.pimllm.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pimllm.ir.Builder;
import org.pimllm.ir.Call;
import org.pimllm.ir.Constant;
import org.pimllm.ir.DType;
import org.pimllm.ir.Expr;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.Var;

/** TVM-style tests of AdjustLayout and FuseSiblingGemms; expected weights are built by hand here. */
class LayoutAndFusionTest {

    static Tensor seq(int rows, int cols, float offset) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) v[i] = offset + i;
        return Tensor.ofFloats(v, rows, cols);
    }

    /** Hand-written transposition of a row-major 2-D tensor. */
    static Tensor transposed(Tensor t) {
        int r = t.dim(0);
        int c = t.dim(1);
        float[] in = t.floats();
        float[] out = new float[in.length];
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) out[j * r + i] = in[i * c + j];
        return Tensor.ofFloats(out, c, r);
    }

    @Test
    void rowMajorConstantWeightIsTransposedAtBuildTime() {
        Builder b = new Builder();
        Tensor w = seq(4, 3, 0);   // (K=4, N=3) as GPT-2's Conv1D stores it
        Var x = b.var("x", DType.FP32, 2, 4);
        IRModule before = b.module(b.function(b.matmul(x, b.constant(w, "c_attn.weight")), x));

        Var x2 = b.var("x", DType.FP32, 2, 4);
        IRModule expected = b.module(b.function(b.dense(x2, b.constant(transposed(w))), x2));
        IRModule after = GraphPassesTest.run(AdjustLayout.pass(), before);
        GraphPassesTest.assertStructEq(expected, after);
        assertEquals("c_attn.weight.T", ((Constant) ((Call) after.main().body()).arg(1)).name());
    }

    @Test
    void denseWeightsAlreadyInPgemmLayoutAndActivationsAreLeftAlone() {
        Builder b = new Builder(1);
        Var x = b.var("x", DType.FP32, 2, 4);
        Var y = b.var("y", DType.FP32, 4, 5);
        IRModule m = b.module(b.function(b.tuple(b.dense(x, b.weight("w", 3, 4)), b.matmul(x, y)), x, y));
        assertSame(m, GraphPassesTest.run(AdjustLayout.pass(), m));
    }

    @Test
    void qkvProjectionsFuseIntoOneGemmAndASplit() {
        Builder b = new Builder();
        Tensor wq = seq(2, 3, 0);
        Tensor wk = seq(2, 3, 100);
        Tensor wv = seq(1, 3, 200);
        Var x = b.var("x", DType.FP32, 5, 3);
        Expr q = b.dense(x, b.constant(wq, "wq"));
        Expr k = b.dense(x, b.constant(wk, "wk"));
        Expr v = b.dense(x, b.constant(wv, "wv"));
        IRModule before = b.module(b.function(b.tuple(b.relu(q), k, v), x));

        float[] cat = new float[5 * 3];
        System.arraycopy(wq.floats(), 0, cat, 0, 6);
        System.arraycopy(wk.floats(), 0, cat, 6, 6);
        System.arraycopy(wv.floats(), 0, cat, 12, 3);
        Var x2 = b.var("x", DType.FP32, 5, 3);
        Call split = b.splitAt(b.dense(x2, b.constant(Tensor.ofFloats(cat, 5, 3))), List.of(2, 4), -1);
        IRModule expected = b.module(b.function(b.tuple(b.relu(b.get(split, 0)), b.get(split, 1), b.get(split, 2)), x2));

        IRModule after = GraphPassesTest.run(FuseSiblingGemms.pass(), before);
        GraphPassesTest.assertStructEq(expected, after);

    }

    @Test
    void fusedAndUnfusedGraphsComputeTheSame() {
        Builder b = new Builder(4);
        Var x = b.var("x", DType.FP32, 3, 8);
        Expr gate = b.dense(x, b.weight("w_gate", 16, 8));
        Expr up = b.dense(x, b.weight("w_up", 16, 8));
        IRModule before = b.module(b.function(b.multiply(b.silu(gate), up), x));
        IRModule after = GraphPassesTest.run(FuseSiblingGemms.pass(), before);
        assertEquals(1, countOps(after, "nn.dense"));
        Tensor in = seq(3, 8, -12);
        Tensor y0 = GraphInterpreter.run(before.main(), Map.of("x", in));
        Tensor y1 = GraphInterpreter.run(after.main(), Map.of("x", in));
        assertTrue(y0.contentEquals(y1), y0 + " vs " + y1);
    }

    @Test
    void gpt2FusedCattnStaysAsItIs() {
        Builder b = new Builder(4);
        Var x = b.var("x", DType.FP32, 3, 8);
        Call qkv = b.matmul(x, b.weight("c_attn.weight", 8, 24));
        IRModule m = b.module(b.function(b.split(qkv, 3, -1), x));
        assertSame(m, GraphPassesTest.run(FuseSiblingGemms.pass(), m));
    }

    static int countOps(IRModule m, String op) {
        int n = 0;
        for (Expr e : org.pimllm.ir.ExprVisitor.postOrder(m.main())) {
            if (e instanceof Call c && c.op().name().equals(op)) n++;
        }
        return n;
    }
}
