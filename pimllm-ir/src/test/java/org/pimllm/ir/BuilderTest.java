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

    /** A BERT-base encoder layer as model code would write it. */
    static Function bertLayer(Builder b, int seq, int hidden, int heads) {
        int hd = hidden / heads;
        Var x = b.var("x", DType.FP32, seq, hidden);
        Expr q = b.linear(x, b.weight("wq", hidden, hidden), b.zeros("bq", hidden));
        Expr k = b.linear(x, b.weight("wk", hidden, hidden), b.zeros("bk", hidden));
        Expr v = b.linear(x, b.weight("wv", hidden, hidden), b.zeros("bv", hidden));
        Expr qh = b.transpose(b.reshape(q, seq, heads, hd), 1, 0, 2);
        Expr kh = b.transpose(b.reshape(k, seq, heads, hd), 1, 0, 2);
        Expr vh = b.transpose(b.reshape(v, seq, heads, hd), 1, 0, 2);
        Expr scores = b.divide(b.batchMatmul(qh, kh), b.scalar((float) Math.sqrt(hd)));
        Expr probs = b.softmax(scores, -1);
        Expr ctx = b.reshape(b.transpose(b.batchMatmul(probs, vh, false, false), 1, 0, 2), seq, hidden);
        Expr attn = b.linear(ctx, b.weight("wo", hidden, hidden), b.zeros("bo", hidden));
        Expr h = b.layerNorm(b.add(x, attn), b.ones("ln1.g", hidden), b.zeros("ln1.b", hidden), 1e-12);
        Expr ff = b.gelu(b.linear(h, b.weight("w1", 4 * hidden, hidden), b.zeros("b1", 4 * hidden)));
        Expr out = b.linear(ff, b.weight("w2", hidden, 4 * hidden), b.zeros("b2", hidden));
        return b.function(b.layerNorm(b.add(h, out), b.ones("ln2.g", hidden), b.zeros("ln2.b", hidden), 1e-12), x);
    }

    @Test
    void bertLayerHasTheExpectedOutputTypeAndGemms() {
        Function f = bertLayer(new Builder(7), 128, 768, 12);
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
