package org.pimllm.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StructuralEqualTest {

    private final Builder b = new Builder(3);

    private Function mlp(String xName, String wName, long seedOffset) {
        Builder bb = new Builder(3 + seedOffset);
        Var x = bb.var(xName, DType.FP32, 4, 8);
        return bb.function(bb.relu(bb.dense(x, bb.weight(wName, 16, 8))), x);
    }

    @Test
    void alphaEquivalentFunctionsAreEqualAndHashAlike() {
        Function f = mlp("x", "w", 0);
        Function g = mlp("input", "w", 0);
        assertTrue(StructuralEqual.equal(f, g));
        assertEquals(StructuralHash.hash(f), StructuralHash.hash(g));
    }

    @Test
    void differentWeightsSeedsOpsOrAttrsDiffer() {
        Function f = mlp("x", "w", 0);
        assertFalse(StructuralEqual.equal(f, mlp("x", "w2", 0)));  // different seed (derived from name)
        assertFalse(StructuralEqual.equal(f, mlp("x", "w", 1)));
        Var x = b.var("x", DType.FP32, 4, 8);
        Function sm1 = b.function(b.softmax(x, -1), x);
        Function sm0 = b.function(b.softmax(x, 0), x);
        Function ls = b.function(b.logSoftmax(x, -1), x);
        assertTrue(StructuralEqual.mismatch(sm1, sm0).orElseThrow().contains("attributes"));
        assertTrue(StructuralEqual.mismatch(sm1, ls).orElseThrow().contains("ops differ"));
        assertNotEquals(StructuralHash.hash(sm1), StructuralHash.hash(sm0));
    }

    @Test
    void varsMustMapOneToOne() {
        Var x = b.var("x", DType.FP32, 4);
        Var y = b.var("y", DType.FP32, 4);
        Function xx = b.function(b.add(x, x), x, y);
        Function xy = b.function(b.add(x, y), x, y);
        Function yx = b.function(b.add(y, x), x, y);
        assertFalse(StructuralEqual.equal(xx, xy));
        assertFalse(StructuralEqual.equal(xy, yx)); // swapped parameters are not alpha-equivalent
        Var a = b.var("a", DType.FP32, 4);
        Var c = b.var("c", DType.FP32, 4);
        assertTrue(StructuralEqual.equal(xy, b.function(b.add(a, c), a, c)));
        // free vars map consistently too
        assertTrue(StructuralEqual.equal(b.add(x, y), b.add(a, c)));
        assertFalse(StructuralEqual.equal(b.add(x, x), b.add(a, c)));
    }

    @Test
    void constantsCompareByContent() {
        Constant c1 = b.constant(Tensor.ofFloats(new float[] {1, 2, 3}, 3));
        Constant c2 = b.constant(Tensor.ofFloats(new float[] {1, 2, 3}, 3), "other name");
        Constant c3 = b.constant(Tensor.ofFloats(new float[] {1, 2, 4}, 3));
        assertTrue(StructuralEqual.equal(c1, c2));
        assertEquals(StructuralHash.hash(c1), StructuralHash.hash(c2));
        assertFalse(StructuralEqual.equal(c1, c3));
        Constant nan1 = b.constant(Tensor.ofFloats(new float[] {Float.NaN}, 1));
        Constant nan2 = b.constant(Tensor.ofFloats(new float[] {Float.intBitsToFloat(0x7fc00001)}, 1));
        assertTrue(StructuralEqual.equal(nan1, nan2));
    }

    @Test
    void sharingMustMatchUnlessIgnored() {
        Var x = b.var("x", DType.FP32, 4);
        Expr e = b.exp(x);
        Expr shared = b.add(e, e);
        Expr duplicated = b.add(b.exp(x), b.exp(x));
        assertFalse(StructuralEqual.equal(shared, duplicated));
        assertTrue(StructuralEqual.mismatch(shared, duplicated).orElseThrow().contains("sharing"));
        assertTrue(StructuralEqual.equalIgnoringSharing(shared, duplicated));
        assertEquals(StructuralHash.hash(shared), StructuralHash.hash(duplicated));
    }

    @Test
    void deepGraphsDoNotOverflowTheStack() {
        Var x = b.var("x", DType.FP32, 4);
        Expr e1 = x;
        Expr e2 = x;
        for (int i = 0; i < 20_000; i++) {
            e1 = b.add(e1, e1); // exponential as a tree, linear as a DAG
            e2 = b.add(e2, e2);
        }
        assertTrue(StructuralEqual.equal(e1, e2));
        assertEquals(StructuralHash.hash(e1), StructuralHash.hash(e2));
        assertEquals(20_001, ExprVisitor.countNodes(e1));
    }

    @Test
    void modulesCompareByFunctionName() {
        IRModule m1 = IRModule.of(mlp("x", "w", 0));
        IRModule m2 = IRModule.of(mlp("y", "w", 0));
        assertTrue(StructuralEqual.equal(m1, m2));
        assertFalse(StructuralEqual.equal(m1, m1.with("other", m1.main())));
        assertFalse(StructuralEqual.equal(m1, IRModule.of(mlp("x", "v", 0))));
    }
}
