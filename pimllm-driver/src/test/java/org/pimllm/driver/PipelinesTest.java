package org.pimllm.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pimllm.ir.Builder;
import org.pimllm.ir.DType;
import org.pimllm.ir.Expr;
import org.pimllm.ir.Function;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.StructuralEqual;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.Var;
import org.pimllm.ir.eval.Interpreter;
import org.pimllm.ir.text.Parser;
import org.pimllm.passes.FloatGemms;
import org.pimllm.passes.LowerToPgemm;
import org.pimllm.passes.PassContext;
import org.pimllm.passes.PimOptions;
import org.pimllm.passes.QuantizeInt8;
import org.pimllm.passes.Sequential;
import org.pimllm.target.PimModule;
import org.pimllm.ir.text.Printer;
import org.pimllm.target.PimGemmAttrs;
import org.pimllm.pgemm.Layout;
import org.pimllm.pgemm.Strategy;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.target.Target;

class PipelinesTest {

    static final HardwareConfig HW = HardwareConfig.preset("upmem-2556-350");

    /** A small BERT encoder layer (nn.Linear weights through dense). */
    static IRModule bertLayer(int seq, int hidden, int heads) {
        Builder b = new Builder(11);
        int hd = hidden / heads;
        Var x = b.var("x", DType.FP32, seq, hidden);
        Expr q = b.linear(x, b.weight("wq", hidden, hidden), b.zeros("bq", hidden));
        Expr k = b.linear(x, b.weight("wk", hidden, hidden), b.zeros("bk", hidden));
        Expr v = b.linear(x, b.weight("wv", hidden, hidden), b.zeros("bv", hidden));
        Expr qh = b.transpose(b.reshape(q, seq, heads, hd), 1, 0, 2);
        Expr kh = b.transpose(b.reshape(k, seq, heads, hd), 1, 0, 2);
        Expr vh = b.transpose(b.reshape(v, seq, heads, hd), 1, 0, 2);
        Expr probs = b.softmax(b.divide(b.batchMatmul(qh, kh), b.scalar((float) Math.sqrt(hd))), -1);
        Expr ctx = b.reshape(b.transpose(b.batchMatmul(probs, vh, false, false), 1, 0, 2), seq, hidden);
        Expr attn = b.linear(ctx, b.weight("wo", hidden, hidden), b.zeros("bo", hidden));
        Expr h = b.layerNorm(b.add(x, attn), b.ones("ln1.g", hidden), b.zeros("ln1.b", hidden), 1e-12);
        Expr ff = b.gelu(b.linear(h, b.weight("w1", 4 * hidden, hidden), b.zeros("b1", 4 * hidden)));
        Expr out = b.linear(ff, b.weight("w2", hidden, 4 * hidden), b.zeros("b2", hidden));
        Function f = b.function(b.layerNorm(b.add(h, out), b.ones("ln2.g", hidden), b.zeros("ln2.b", hidden), 1e-12), x);
        return b.module(f);
    }

    /** A GPT-2-style projection: Conv1D weight stored (in, out), used through matmul. */
    static IRModule gpt2Projection() {
        Builder b = new Builder(12);
        Var x = b.var("x", DType.FP32, 16, 64);
        return b.module(b.function(b.split(b.matmul(x, b.weight("c_attn.weight", 64, 192)), 3, -1), x));
    }

    /** The function's value on inputs by parameter name, from the IR's reference interpreter. */
    static Tensor run(Function f, Map<String, Tensor> inputs) {
        return Interpreter.run(f, f.params().stream().map(v -> inputs.get(v.name())).toList()).tensor();
    }

    static double relativeError(Tensor ref, Tensor got) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < ref.size(); i++) {
            double d = ref.getDouble(i) - got.getDouble(i);
            num += d * d;
            den += ref.getDouble(i) * ref.getDouble(i);
        }
        return Math.sqrt(num / den);
    }

    static List<PimGemmAttrs> gemms(IRModule m) {
        return PimModule.pimGemms(m).stream().map(c -> c.attrs(PimGemmAttrs.class)).toList();
    }

    @Test
    void naiveLowersEveryGemmWithBaseGemmAndNoPool() {
        IRModule out = Pipelines.forVariant("naive").run(bertLayer(16, 64, 2), HW, 256);
        List<PimGemmAttrs> g = gemms(out);
        assertEquals(8, g.size(), Printer.print(out, org.pimllm.ir.text.PrintOptions.SUMMARY));
        assertTrue(g.stream().allMatch(a -> a.plan().strategy() == Strategy.BASE));
        assertTrue(g.stream().noneMatch(PimGemmAttrs::resident));
        assertTrue(PimModule.dpuPool(out).isEmpty());
    }

    @Test
    void baseAddsThePool() {
        IRModule out = Pipelines.forVariant("base").run(bertLayer(16, 64, 2), HW, 256);
        List<PimGemmAttrs> g = gemms(out);
        int maxDpus = g.stream().mapToInt(a -> a.plan().dpus()).max().orElseThrow();
        assertEquals(maxDpus, PimModule.dpuPool(out).orElseThrow());
        assertTrue(g.stream().noneMatch(PimGemmAttrs::resident), "paper variants send B with every call");
    }

    @Test
    void residentVariantKeepsConstantWeightsInMram() {
        IRModule out = Pipelines.forVariant("pimllm+res").run(bertLayer(16, 64, 2), HW, 256);
        List<PimGemmAttrs> g = gemms(out);
        // constant weights resident; the attention GEMMs multiply two activations
        assertTrue(g.stream().filter(a -> !a.name().equals("nn.batch_matmul")).allMatch(PimGemmAttrs::resident));
        assertTrue(g.stream().filter(a -> a.name().equals("nn.batch_matmul")).noneMatch(PimGemmAttrs::resident));
    }

    @Test
    void qkvFusionLeavesOneGemmForTheThreeProjections() {
        IRModule ts = Pipelines.forVariant("ts+adj").run(bertLayer(16, 64, 2), HW, 256);
        IRModule fused = Pipelines.forVariant("ts+adj+qkv").run(bertLayer(16, 64, 2), HW, 256);
        assertEquals(8, gemms(ts).size());
        assertEquals(6, gemms(fused).size());
        assertTrue(gemms(fused).stream().anyMatch(a -> a.name().equals("wq+wk+wv") && a.plan().shape().n() == 192));
    }

    @Test
    void layoutPassDecidesHowGpt2WeightsReachPim() {
        PimGemmAttrs without = gemms(Pipelines.forVariant("ts").run(gpt2Projection(), HW, 256)).getFirst();
        PimGemmAttrs with = gemms(Pipelines.forVariant("ts+adj").run(gpt2Projection(), HW, 256)).getFirst();
        assertEquals(Layout.ROW_MAJOR, without.bLayout());
        assertEquals(Layout.COL_MAJOR, with.bLayout());
        assertEquals("c_attn.weight.T", with.name());
        assertTrue(with.estimatedSeconds() < without.estimatedSeconds(), "no run-time transposition with the layout pass");
    }

    @Test
    void cpuVariantsLowerNothing() {
        for (String v : List.of("cpu", "cpu-peak")) {
            Pipelines.Pipeline p = Pipelines.forVariant(v);
            IRModule out = p.run(bertLayer(16, 64, 2), HW, 256);
            assertTrue(gemms(out).isEmpty());
            assertFalse(p.lowersToPim());
        }
        assertEquals(org.pimllm.target.HostCpuModel.Profile.PEAK, Pipelines.forVariant("cpu-peak").hostProfile());
    }

    @Test
    void loweredModelRoundTripsThroughText() {
        IRModule out = Pipelines.forVariant("pimllm").run(bertLayer(16, 64, 2), HW, 256);
        IRModule back = Parser.parse(Printer.print(out));
        assertTrue(StructuralEqual.equal(out, back), () -> StructuralEqual.mismatch(out, back).orElse(""));
        assertEquals(PimModule.dpuPool(out), PimModule.dpuPool(back));
    }

    @Test
    void unknownVariantIsAnErrorListingTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pipelines.forVariant("turbo"));
        assertTrue(e.getMessage().contains("naive, base, ts, ts+adj, ts+adj+qkv, pimllm, pimllm+res, cpu, cpu-peak"), e.getMessage());
    }

    @Test
    void everyVariantComputesWhatTheInputGraphComputes() {
        // pim.gemm's compute function is its host equivalent's, so the IR interpreter runs lowered graphs too
        IRModule m = bertLayer(8, 16, 2);
        Tensor in = Tensor.ofFloats(new float[8 * 16], 8, 16);
        for (int i = 0; i < in.size(); i++) in.floats()[i] = (float) Math.sin(i);
        Tensor expected = run(m.main(), Map.of("x", in));
        for (String v : Pipelines.VARIANTS) {
            IRModule out = Pipelines.forVariant(v).run(m, HW, 64);
            Tensor got = run(out.main(), Map.of("x", in));
            assertEquals(0, relativeError(expected, got), 1e-6, v);
        }
    }

    @Test
    void int8GraphsLoweredToPimComputeExactlyWhatTheyComputeOnTheHost() {
        IRModule m = Sequential.of(QuantizeInt8.pass(QuantizeInt8.Config.ranges(4.0))).run(bertLayer(8, 16, 2), PassContext.defaults());
        IRModule lowered = Pipelines.forVariant("ts+adj+qkv").run(m, HW, 64);
        assertEquals(8 - 2, gemms(lowered).size());
        assertTrue(gemms(lowered).stream().allMatch(a -> a.plan().dtype() == org.pimllm.pgemm.GemmDType.INT8));
        Tensor in = Tensor.ofFloats(new float[8 * 16], 8, 16);
        for (int i = 0; i < in.size(); i++) in.floats()[i] = (float) Math.cos(i);
        Tensor y0 = run(m.main(), Map.of("x", in));
        Tensor y1 = run(lowered.main(), Map.of("x", in));
        assertTrue(y0.contentEquals(y1));
    }

    private static final List<String> GENERIC = List.of("InferType", "FoldConstant", "DeadCodeElimination",
            "CommonSubexpressionElimination");

    private static List<String> generic(String... rest) {
        List<String> l = new java.util.ArrayList<>(GENERIC);
        l.addAll(List.of(rest));
        return l;
    }

    @Test
    void everyVariantIsTheExplicitPassListOfTheAblation() {
        assertEquals(generic("LowerToPgemm"), Pipelines.forVariant("naive").passNames());
        assertEquals(generic("LowerToPgemm", "PoolPimResources"), Pipelines.forVariant("base").passNames());
        assertEquals(generic("LowerToPgemm", "TileSelect", "PoolPimResources"), Pipelines.forVariant("ts").passNames());
        assertEquals(generic("AdjustLayout", "LowerToPgemm", "TileSelect", "PoolPimResources"),
                Pipelines.forVariant("ts+adj").passNames());
        assertEquals(generic("FuseSiblingGemms", "AdjustLayout", "LowerToPgemm", "TileSelect", "PoolPimResources"),
                Pipelines.forVariant("ts+adj+qkv").passNames());
        assertEquals(generic("FuseSiblingGemms", "AdjustLayout", "LowerToPgemm", "TileSelect", "PartitionCpuPim",
                "PoolPimResources"), Pipelines.forVariant("pimllm").passNames());
        assertEquals(generic("FuseSiblingGemms", "AdjustLayout", "LowerToPgemm", "TileSelect", "PartitionCpuPim",
                "PoolPimResources", "ResidentWeights"), Pipelines.forVariant("pimllm+res").passNames());
        assertEquals(GENERIC, Pipelines.forVariant("cpu").passNames());
        assertEquals(GENERIC, Pipelines.forVariant("cpu-peak").passNames());
        assertEquals(List.of("InferType", "QuantizeInt8", "FoldConstant", "DeadCodeElimination",
                        "CommonSubexpressionElimination", "LowerToPgemm"),
                Pipelines.forVariant("naive").withQuantization(QuantizeInt8.Config.ranges(4.0)).passNames());
    }

    @Test
    void theContextSaysHowCallsWillBeMadeFromThePassesThatRun() {
        Target t = new Target(HW, 64);
        PassContext naive = Pipelines.forVariant("naive").context(t, CompileOptions.variant("naive"));
        assertFalse(naive.get(PimOptions.POOLED_CALLS), "naive allocates around every call");
        assertFalse(naive.get(PimOptions.RESIDENT_WEIGHTS));
        PassContext base = Pipelines.forVariant("base").context(t, CompileOptions.variant("base"));
        assertTrue(base.get(PimOptions.POOLED_CALLS));
        assertFalse(base.get(PimOptions.RESIDENT_WEIGHTS), "paper variants push B with every call");
        PassContext res = Pipelines.forVariant("pimllm+res").context(t, CompileOptions.variant("pimllm+res"));
        assertTrue(res.get(PimOptions.POOLED_CALLS) && res.get(PimOptions.RESIDENT_WEIGHTS));
        // a user override switches the pool off, and with it the resident weights that need it
        PassContext noPool = Pipelines.forVariant("pimllm+res").context(t,
                CompileOptions.variant("pimllm+res").disable("PoolPimResources"));
        assertFalse(noPool.get(PimOptions.POOLED_CALLS) || noPool.get(PimOptions.RESIDENT_WEIGHTS));
        // below ResidentWeights' opt level (2) weights are not resident
        PassContext level1 = Pipelines.forVariant("pimllm+res").context(t, CompileOptions.variant("pimllm+res").withOptLevel(1));
        assertTrue(level1.get(PimOptions.POOLED_CALLS));
        assertFalse(level1.get(PimOptions.RESIDENT_WEIGHTS));
        PassContext host = Pipelines.forVariant("ts").context(t, CompileOptions.variant("ts").withFloatGemms(FloatGemms.HOST));
        assertEquals(FloatGemms.HOST, host.get(LowerToPgemm.FLOAT_GEMMS));
        assertEquals(org.pimllm.target.HostCpuModel.Profile.PEAK,
                Pipelines.forVariant("cpu-peak").context(t, CompileOptions.variant("cpu-peak")).costModel().orElseThrow().target().host());
    }

    @Test
    void unknownPassSwitchedOffByTheUserIsAnErrorListingTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pipelines.forVariant("ts")
                .context(new Target(HW, 64), CompileOptions.variant("ts").disable("TileSelector")));
        assertTrue(e.getMessage().contains("unknown pass 'TileSelector'; known passes: InferType"), e.getMessage());
    }
}
