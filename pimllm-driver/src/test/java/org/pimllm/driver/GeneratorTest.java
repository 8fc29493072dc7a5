package org.pimllm.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Tensor;
import org.pimllm.models.zoo.Gpt2Config;
import org.pimllm.models.zoo.LlamaConfig;
import org.pimllm.models.zoo.ModelConfig;
import org.pimllm.models.zoo.ModelZoo;
import org.pimllm.runtime.TimeCategory;
import org.pimllm.models.zoo.WeightSource;
import org.pimllm.target.Target;

/**
 * Generation with a KV cache equals generation without one: every decode step's logits against the last row of a
 * full-sequence run of the same variant and precision on the tokens so far.
 */
class GeneratorTest {

    private static final LlamaConfig LLAMA = LlamaConfig.tiny(2, 128, 4, 344, 512);
    private static final Gpt2Config GPT2 = new Gpt2Config("gpt2-tiny-2l", 2, 128, 4, 512, 512, 64, 1e-5);
    static final Target TARGET = Target.of("upmem-2556-350", 64);
    private static final int[] PROMPT = {3, 17, 250, 9, 101, 42};
    static final int[] PROMPT_FOR_KV = PROMPT;

    static Generator.Graphs graphs(ModelConfig c) {
        WeightSource w = WeightSource.synthetic(0);
        return new Generator.Graphs() {
            @Override public IRModule prefill(int seq) { return ModelZoo.buildPrefill(c, seq, w); }
            @Override public IRModule decode(int past) { return ModelZoo.buildDecode(c, past, w); }
            @Override public IRModule full(int seq) { return ModelZoo.build(c, seq, w); }
        };
    }

    static ModelConfig model(String name) {
        return name.equals("llama") ? LLAMA : GPT2;
    }

    /** Static int8 quantization (one fixed activation range) treats each token alone: the cache changes nothing, bit for bit. */
    @ParameterizedTest(name = "{0} {1} int8")
    @CsvSource({"llama, pimllm", "llama, base", "llama, cpu", "gpt2, pimllm", "gpt2, cpu-peak"})
    void int8DecodeStepsAreBitExactAgainstFullRuns(String model, String variant) {
        CompileOptions o = onPim(CompileOptions.variant(variant).withActivationAbsMax(6.0));
        Generator.Result r = new Generator(graphs(model(model)), TARGET, o).generate(PROMPT, 4, true, 0.0);
        assertEquals(4, r.generated().size());
        assertEquals(3, r.stepSeconds().size());
        assertTrue(r.matchesReference(), () -> "max |logit difference| " + r.maxAbsLogitError());
        assertEquals(0.0, r.maxAbsLogitError());
        assertTrue(r.ttftSeconds() > 0 && r.secondsPerToken() > 0);
        assertEquals(variant.startsWith("cpu"), r.decodePimGemms() == 0, "PIM variants run the step's GEMMs on PIM");
    }

    /** The tiny models' GEMMs are cheaper on the CPU; switch PartitionCpuPim off so pimllm's steps use the DPUs. */
    static CompileOptions onPim(CompileOptions o) {
        return o.variant().equals("pimllm") ? o.disable("PartitionCpuPim") : o;
    }

    /**
     * fp32: the GEMMs of a step (M = 1) and of the full run (M = seq) may sum over K in different orders (other plans),
     * so the logits agree within a tolerance: 1e-5 absolute on logits of magnitude ~0.1 (synthetic N(0, 0.02) weights).
     */
    @ParameterizedTest(name = "{0} {1} fp32")
    @CsvSource({"llama, pimllm", "gpt2, pimllm", "llama, cpu"})
    void fp32DecodeStepsAgreeWithFullRunsWithinTolerance(String model, String variant) {
        CompileOptions o = onPim(CompileOptions.variant(variant).withPrecision(CompileOptions.Precision.AS_BUILT));
        Generator.Result r = new Generator(graphs(model(model)), TARGET, o).generate(PROMPT, 3, true, 1e-5);
        assertTrue(r.matchesReference(), () -> "max |logit difference| " + r.maxAbsLogitError());
    }

    @Test
    void pimDecodeKeepsEveryWeightResidentAndReportsPlacementApart() {
        Generator.Result r = new Generator(graphs(LLAMA), TARGET, onPim(CompileOptions.variant("pimllm"))).simulate(8, 3, 2);
        assertTrue(r.oneTimeSeconds() > 0, "weights placed once");
        assertTrue(r.decodePimGemms() > 0);
        Generator.Result cpu = new Generator(graphs(LLAMA), TARGET, CompileOptions.variant("cpu")).simulate(8, 3, 2);
        assertEquals(0.0, cpu.oneTimeSeconds());
    }

    /**
     * The decode ablation on the tiny LLaMA with every GEMM on PIM (PartitionCpuPim off): each step changes what it
     * says, and the asynchronous calls stay bit-exact (they change time only).
     */
    @Test
    void decodeAblationStepsEachChangeWhatTheySay() {
        Map<String, Generator.Result> r = new java.util.LinkedHashMap<>();
        for (String v : Pipelines.DECODE_ABLATION) {
            r.put(v, new Generator(graphs(LLAMA), TARGET, CompileOptions.variant(v).disable("PartitionCpuPim")).simulate(8, 3, 2));
        }
        // one-time: the pool's allocation and kernel load; with resident weights also their placement
        assertTrue(r.get("+resident").oneTimeSeconds() > r.get("pim-percall").oneTimeSeconds());
        assertTrue(r.get("+resident").secondsPerToken() < r.get("pim-percall").secondsPerToken());
        assertEquals(0.0, r.get("+resident").stepOverlapSeconds());
        assertTrue(r.get("+async").stepOverlapSeconds() > 0, "ranks overlap");
        assertTrue(r.get("+async").secondsPerToken() < r.get("+resident").secondsPerToken());
        assertEquals(r.get("+async").decodePimGemms(), r.get("+resident").decodePimGemms());
        // per layer 7 weight GEMMs and attention's 2 batched GEMMs over the cache; fused, QKV is one GEMM and gate+up
        // one: 9 -> 6 per layer, plus the LM head
        assertEquals(2 * 9 + 1, r.get("+async").decodePimGemms());
        assertEquals(2 * 6 + 1, r.get("+fusion").decodePimGemms());
        double hostOps = r.get("+fusion").stepBreakdown().get(TimeCategory.HOST_OPS);
        assertTrue(r.get("+host").stepBreakdown().get(TimeCategory.HOST_OPS) < hostOps, "tuned host ops are cheaper");
        // the roofline's DPU terms are the model's weights on the machine; its host term is the step's host ops as
        // compiled (fusion trades quantize/dequantize calls for a split of the fused output)
        Roofline roof = r.get("+host").roofline();
        for (Generator.Result x : r.values()) {
            assertEquals(roof.computeSeconds(), x.roofline().computeSeconds(), roof.computeSeconds() * 1e-9);
            assertEquals(roof.mramSeconds(), x.roofline().mramSeconds(), roof.mramSeconds() * 1e-9);
            assertTrue(x.roofline().hostSeconds() > 0);
            assertTrue(x.bound() != null);
        }
        Generator.Result exact = new Generator(graphs(LLAMA), TARGET,
                CompileOptions.variant("+async").withActivationAbsMax(6.0).disable("PartitionCpuPim")).generate(PROMPT, 3, true, 0.0);
        assertTrue(exact.matchesReference(), () -> "max |logit difference| " + exact.maxAbsLogitError());
    }

    @Test
    void aModelThatDoesNotFitMramNamesTheWeight() {
        // LLaMA-7B with 2 layers in int8: 0.499 GiB of GEMM weights; 4 DPUs have 4 x 64 MiB
        ModelConfig c = ModelZoo.get("llama-7b").withLayers(2);
        Generator g = new Generator(graphs(c), Target.of("upmem-2556-350", 4), onPim(CompileOptions.variant("pimllm")));
        var e = assertThrows(IllegalArgumentException.class, () -> g.simulate(4, 2, 2));
        assertTrue(e.getMessage().contains("do not fit the DPUs' MRAM") && e.getMessage().contains("weight '")
                && e.getMessage().contains("4 DPUs have 0.25 GiB (4 x 64 MiB of upmem-2556-350)"), e.getMessage());
    }

    /** Only attention and the cache copy grow with the cache: linear interpolation between sampled lengths is close. */
    @Test
    void interpolatedStepTimesAreCloseToCompilingEveryLength() {
        Generator g = new Generator(graphs(LLAMA), TARGET, onPim(CompileOptions.variant("pimllm")));
        Generator.Result exact = g.simulate(8, 9, 8);
        Generator.Result approx = g.simulate(8, 9, 2);
        assertEquals(8, exact.stepSeconds().size());
        assertEquals(exact.stepSeconds().getFirst(), approx.stepSeconds().getFirst());
        assertEquals(exact.stepSeconds().getLast(), approx.stepSeconds().getLast());
        for (int s = 0; s < 8; s++) {
            double rel = Math.abs(approx.stepSeconds().get(s) - exact.stepSeconds().get(s)) / exact.stepSeconds().get(s);
            assertTrue(rel < 0.01, "step " + s + ": interpolated " + approx.stepSeconds().get(s) + " vs " + exact.stepSeconds().get(s));
        }
    }

    @Test
    void sampledLengthsCoverBothEnds() {
        assertEquals(List.of(128, 129, 130), Generator.sampleLengths(128, 3, 4));
        assertEquals(List.of(128, 159, 190), Generator.sampleLengths(128, 63, 3));
        assertEquals(List.of(), Generator.sampleLengths(128, 0, 2));
        assertEquals(2.5, Generator.interpolate(List.of(10, 14), Map.of(10, 1.0, 14, 7.0), 11));
    }

    @Test
    void cacheRowsAreAppendedPerHead() {
        Tensor cache = Tensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 2);
        Tensor row = Tensor.ofFloats(new float[] {9, 10, 11, 12}, 2, 1, 2);
        Tensor got = org.pimllm.runtime.KvCache.appendRow(cache, row);
        assertTrue(Tensor.ofFloats(new float[] {1, 2, 3, 4, 9, 10, 5, 6, 7, 8, 11, 12}, 2, 3, 2).contentEquals(got));
        assertEquals(1, Generator.argmaxLastRow(Tensor.ofFloats(new float[] {9, 0, 0, 1, 5, 2}, 1, 2, 3)));
    }
}
