package org.pimllm.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pimllm.ir.Builder;
import org.pimllm.ir.Call;
import org.pimllm.ir.Constant;
import org.pimllm.ir.DType;
import org.pimllm.ir.Expr;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.StructuralEqual;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.TensorSource;
import org.pimllm.ir.Var;
import org.pimllm.ir.text.Printer;

/** TVM-style tests (before, expected, structural equality) of the generic graph passes. */
class GraphPassesTest {

    static IRModule run(Pass p, IRModule m) { return Sequential.of(p).run(m, PassContext.defaults()); }

    static void assertStructEq(IRModule expected, IRModule actual) {
        assertTrue(StructuralEqual.equal(expected, actual),
                () -> StructuralEqual.mismatch(expected, actual).orElse("") + "\nactual:\n" + Printer.print(actual));
    }

    static Tensor floats(float[] v, int... shape) { return Tensor.ofFloats(v, shape); }

    // ---- FoldConstant ----

    @Test
    void foldConstantEvaluatesConstantSubgraphs() {
        Builder b = new Builder();
        Var x = b.var("x", DType.FP32, 2);
        Constant c1 = b.constant(floats(new float[] {1, 2}, 2));
        Constant c2 = b.constant(floats(new float[] {10, 20}, 2));
        IRModule before = b.module(b.function(b.add(x, b.multiply(b.add(c1, c2), b.scalar(2f))), x));

        Var x2 = b.var("x", DType.FP32, 2);
        IRModule expected = b.module(b.function(b.add(x2, b.constant(floats(new float[] {22, 44}, 2))), x2));
        assertStructEq(expected, run(FoldConstant.pass(), before));
    }

    @Test
    void foldingASyntheticWeightGivesALazyConstantWithoutMaterializingIt() {
        Builder b = new Builder(5);
        Var x = b.var("x", DType.FP32, 3, 4);
        Constant w = b.weight("w", 4, 6);
        IRModule before = b.module(b.function(b.matmul(x, b.transpose(b.transpose(w))), x));
        IRModule after = run(FoldConstant.pass(), before);
        Call mm = (Call) after.main().body();
        Constant folded = (Constant) mm.arg(1);
        assertTrue(folded.source() instanceof TensorSource.Lazy, folded.toString());
        assertTrue(((TensorSource.Lazy) folded.source()).key().startsWith("transpose[](transpose[](synthetic:"),
                ((TensorSource.Lazy) folded.source()).key());
        assertTrue(folded.data().contentEquals(w.data()), "transpose twice is the identity");
    }

    @Test
    void foldConstantLeavesNonConstantCallsAlone() {
        Builder b = new Builder();
        Var x = b.var("x", DType.FP32, 2);
        IRModule m = b.module(b.function(b.exp(x), x));
        assertSame(m, run(FoldConstant.pass(), m));
    }

    @Test
    void callsWhoseComputeFailsAreLeftUnfolded() {
        // integer division by zero and an out-of-range gather are errors of the op's compute: left for run time
        Builder b = new Builder();
        Call div = b.divide(b.constant(Tensor.ofInts(new int[] {7}, 1)), b.constant(Tensor.ofInts(new int[] {0}, 1)));
        Call take = b.embedding(b.constant(floats(new float[] {1, 2, 3, 4}, 2, 2)), b.constant(Tensor.ofLongs(new long[] {5}, 1)));
        IRModule m = b.module(b.function(b.tuple(div, take)));
        IRModule after = run(FoldConstant.pass(), m);
        assertStructEq(m, after);
    }

    // ---- DeadCodeElimination ----

    @Test
    void deadTupleFieldsDisappear() {
        Builder b = new Builder();
        Var x = b.var("x", DType.FP32, 4);
        Var y = b.var("y", DType.FP32, 4);
        Expr unused = b.exp(b.sqrt(x));
        IRModule before = b.module(b.function(b.add(b.get(b.tuple(unused, b.relu(y)), 1), y), x, y));

        Var x2 = b.var("x", DType.FP32, 4);
        Var y2 = b.var("y", DType.FP32, 4);
        IRModule expected = b.module(b.function(b.add(b.relu(y2), y2), x2, y2));
        assertStructEq(expected, run(DeadCodeElimination.pass(), before));
    }

    @Test
    void aTupleRebuiltFromAllFieldsOfAnotherIsThatTuple() {
        Builder b = new Builder();
        Var x = b.var("x", DType.FP32, 6);
        Call s = b.split(x, 2, 0);
        IRModule before = b.module(b.function(b.tuple(b.get(s, 0), b.get(s, 1)), x));
        Var x2 = b.var("x", DType.FP32, 6);
        IRModule expected = b.module(b.function(b.split(x2, 2, 0), x2));
        assertStructEq(expected, run(DeadCodeElimination.pass(), before));
    }

    // ---- CommonSubexpressionElimination ----

    @Test
    void duplicatedSubgraphsAreMerged() {
        Builder b = new Builder(9);
        Var x = b.var("x", DType.FP32, 2, 8);
        Expr a1 = b.relu(b.dense(x, b.weight("w", 4, 8)));
        Expr a2 = b.relu(b.dense(x, b.weight("w", 4, 8)));   // same seed: same weight
        IRModule before = b.module(b.function(b.add(a1, a2), x));

        Var x2 = b.var("x", DType.FP32, 2, 8);
        Expr a = b.relu(b.dense(x2, b.weight("w", 4, 8)));
        IRModule expected = b.module(b.function(b.add(a, a), x2));
        IRModule after = run(CommonSubexpressionElimination.pass(), before);
        assertStructEq(expected, after);
        assertTrue(!StructuralEqual.equal(before, after), "sharing must differ from the duplicated input");
    }

    @Test
    void differentAttributesOrWeightsAreNotMerged() {
        Builder b = new Builder(9);
        Var x = b.var("x", DType.FP32, 2, 8);
        Expr s1 = b.softmax(x, -1);
        Expr s2 = b.softmax(x, 0);
        Expr d1 = b.dense(x, b.weight("w1", 8, 8));
        Expr d2 = b.dense(x, b.weight("w2", 8, 8));
        IRModule m = b.module(b.function(b.tuple(s1, s2, d1, d2), x));
        assertSame(m, run(CommonSubexpressionElimination.pass(), m));
    }

    @Test
    void inferTypeKeepsAWellTypedModuleIdentical() {
        Builder b = new Builder();
        Var x = b.var("x", DType.FP32, 2);
        IRModule m = b.module(b.function(b.exp(x), x));
        assertSame(m, run(InferType.pass(), m));
        assertEquals(List.of(2), m.main().body().shape());
    }
}
