package org.pimllm.ir;

/** Small models written with the builder, shared by tests. */
public final class TestModels {

    private TestModels() {
    }

    /** A BERT-base encoder layer as model code would write it. */
    public static Function bertLayer(Builder b, int seq, int hidden, int heads) {
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

}
