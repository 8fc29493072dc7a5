package org.pimllm.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pimllm.ir.attrs.DenseAttrs;
import org.pimllm.ir.attrs.GeluAttrs;

class BuilderTest {

    @Test
    void bertLayerHasTheExpectedOutputTypeAndGemms() {
        Function f = TestModels.bertLayer(new Builder(7), 128, 768, 12);
        assertEquals(TensorType.of(DType.FP32, 128, 768), f.retType());
        long gemms = ExprVisitor.postOrder(f).stream()
                .filter(e -> e instanceof Call c && (c.is(Ops.DENSE) || c.is(Ops.BATCH_MATMUL))).count();
        assertEquals(8, gemms); // q, k, v, o, ffn1, ffn2 + two attention batch matmuls
    }

    @Test
    void weightsAreSyntheticAndSeededByName() {
        Builder b = new Builder(7);
        Constant w1 = b.weight("wq", 4, 4);
        Constant w2 = new Builder(7).weight("wq", 4, 4);
        Constant w3 = b.weight("wk", 4, 4);
        assertTrue(w1.isSynthetic());
        assertEquals(w1.source(), w2.source());
        assertNotEquals(w1.source(), w3.source());
        assertTrue(w1.data().contentEquals(w2.data()));
        assertEquals("wq", w1.name());
        assertEquals(1.0, b.ones("g", 3).data().getDouble(2));
    }

    @Test
    void llamaMlpReadsLikeTheModel() {
        Builder b = new Builder();
        Var x = b.var("x", DType.FP32, 16, 64);
        Expr h = b.rmsNorm(x, b.ones("norm", 64), 1e-6);
        Expr gate = b.silu(b.dense(h, b.weight("w_gate", 172, 64)));
        Expr up = b.dense(h, b.weight("w_up", 172, 64));
        Expr down = b.dense(b.multiply(gate, up), b.weight("w_down", 64, 172));
        assertEquals(TensorType.of(DType.FP32, 16, 64), b.add(x, down).type());
    }

    @Test
    void gpt2FusedQkvSplits() {
        Builder b = new Builder();
        Var x = b.var("x", DType.FP32, 32, 96);
        Expr qkv = b.linear(x, b.weight("c_attn", 288, 96), b.zeros("c_attn.b", 288));
        List<Expr> parts = b.unpack(b.split(qkv, 3, -1));
        assertEquals(3, parts.size());
        Expr scores = b.causalMask(b.matmul(parts.get(0), parts.get(1), false, true));
        assertEquals(TensorType.of(DType.FP32, 32, 32), scores.type());
        assertEquals(GeluAttrs.TANH, b.geluTanh(x).attrs());
    }

    @Test
    void callsAreTypedAtConstructionAndAttrsDefault() {
        Builder b = new Builder();
        Call c = b.call(Ops.DENSE, b.var("x", DType.FP32, 2, 3), b.var("w", DType.FP32, 4, 3));
        assertEquals(DenseAttrs.DEFAULT, c.attrs());
        assertSame(c.attrs(), c.attrs(DenseAttrs.class));
        assertThrows(IllegalStateException.class, () -> c.attrs(GeluAttrs.class));
        assertSame(c, c.withArgs(c.args()));
    }

    @Test
    void moduleLookups() {
        Builder b = new Builder();
        Var x = b.var("x", DType.FP32, 2);
        IRModule m = b.module(b.function(b.relu(x), x));
        assertSame(m.main(), m.function("main"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.function("decode"));
        assertTrue(e.getMessage().contains("@decode") && e.getMessage().contains("main"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.with("bad name", m.main()));
    }

    @Test
    void functionReturnTypeMustMatchBody() {
        Builder b = new Builder();
        Var x = b.var("x", DType.FP32, 2);
        assertThrows(TypeCheckException.class,
                () -> new Function(List.of(x), x, TensorType.of(DType.FP32, 3), null));
    }
}
