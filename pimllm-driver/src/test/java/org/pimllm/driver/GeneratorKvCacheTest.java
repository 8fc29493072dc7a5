package org.pimllm.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.pimllm.passes.KvCachePlacement.Mode;

/**
 * The KV cache in MRAM: each decode step appends its rows to caches the runtime keeps across steps and multiplies
 * against them on the DPUs (pim.kv_gemm); the logits stay those of a full run without cache, bit for bit in int8.
 */
class GeneratorKvCacheTest {

    private static final int[] PROMPT = GeneratorTest.PROMPT_FOR_KV;

    @ParameterizedTest(name = "{0} int8, cache in MRAM")
    @ValueSource(strings = {"llama", "gpt2"})
    void int8StepsWithTheCacheInMramAreBitExactAgainstFullRuns(String model) {
        CompileOptions o = GeneratorTest.onPim(CompileOptions.variant("pimllm").withActivationAbsMax(6.0));
        Generator.Result mram = new Generator(GeneratorTest.graphs(GeneratorTest.model(model)), GeneratorTest.TARGET, o, Mode.MRAM)
                .generate(PROMPT, 4, true, 0.0);
        assertTrue(mram.matchesReference(), () -> "max |logit difference| " + mram.maxAbsLogitError());
        assertEquals(0.0, mram.maxAbsLogitError());
        // 2 layers x (K, V), every step, and the prompt's caches were placed once
        assertEquals(3, mram.kvSteps().size());
        for (Generator.KvStep s : mram.kvSteps()) {
            assertEquals("mram 4/4", s.placement());
            assertTrue(s.kvGemmSeconds() > 0);
        }
        assertTrue(mram.kvPlacementSeconds() > 0);
        Generator.Result host = new Generator(GeneratorTest.graphs(GeneratorTest.model(model)), GeneratorTest.TARGET, o, Mode.HOST)
                .generate(PROMPT, 4, false, 0.0);
        assertEquals(host.generated(), mram.generated());
        for (Generator.KvStep s : host.kvSteps()) assertEquals("mram 0/4", s.placement());
        assertEquals(0.0, host.kvPlacementSeconds());
    }

    /** fp32 GEMMs on PIM with the cache in MRAM: the same tolerance as with the host cache. */
    @ParameterizedTest(name = "{0} fp32, cache in MRAM")
    @CsvSource({"llama", "gpt2"})
    void fp32StepsWithTheCacheInMramAgreeWithFullRuns(String model) {
        CompileOptions o = GeneratorTest.onPim(CompileOptions.variant("pimllm").withPrecision(CompileOptions.Precision.AS_BUILT));
        Generator.Result r = new Generator(GeneratorTest.graphs(GeneratorTest.model(model)), GeneratorTest.TARGET, o, Mode.MRAM)
                .generate(PROMPT, 3, true, 1e-5);
        assertTrue(r.matchesReference(), () -> "max |logit difference| " + r.maxAbsLogitError());
        assertEquals("mram 4/4", r.kvSteps().getFirst().placement());
    }

    /**
     * AUTO takes the option whose simulated run is faster, on both sides of the crossover: one layer of LLaMA-7B on
     * 2,048 DPUs with resident weights and the TVM-CPU host ({@code pimllm+res}), the cache on the host is faster at
     * 128 cached tokens and the cache in MRAM at 1,900 (the host copies and quantizes the whole cache every step; in
     * MRAM a step appends one row). (With pimllm's full system, host ops at the tuned PEAK profile, the host side
     * stays faster up to the model's 2,048 positions: {@link #autoPicksTheFasterSideForTheFullSystem}.)
     */
    @ParameterizedTest(name = "prompt {0}: {1}")
    @CsvSource({"128, mram 0/2", "1900, mram 2/2"})
    void autoPicksTheFasterSimulatedPlacement(int promptLen, String expected) {
        var graphs = GeneratorTest.graphs(org.pimllm.models.zoo.ModelZoo.get("llama-7b").withLayers(1));
        var target = org.pimllm.target.Target.of("upmem-2560-450", 2048);
        CompileOptions o = CompileOptions.variant("pimllm+res");
        double host = new Generator(graphs, target, o, Mode.HOST).simulate(promptLen, 3, 2).secondsPerToken();
        double mram = new Generator(graphs, target, o, Mode.MRAM).simulate(promptLen, 3, 2).secondsPerToken();
        Generator.Result auto = new Generator(graphs, target, o, Mode.AUTO).simulate(promptLen, 3, 2);
        assertEquals(expected, auto.kvSteps().getFirst().placement(), "host " + host + " s/token, MRAM " + mram);
        assertEquals(expected.equals("mram 2/2") ? mram : host, Math.min(host, mram), 0.0, "the simulated runs agree");
        assertEquals(Math.min(host, mram), auto.secondsPerToken(), 1e-12);
    }

    /** pimllm (decoding as +host): AUTO is the faster simulated side, whichever that is. */
    @org.junit.jupiter.api.Test
    void autoPicksTheFasterSideForTheFullSystem() {
        var graphs = GeneratorTest.graphs(org.pimllm.models.zoo.ModelZoo.get("llama-7b").withLayers(1));
        var target = org.pimllm.target.Target.of("upmem-2560-450", 2048);
        CompileOptions o = CompileOptions.variant("pimllm");
        double host = new Generator(graphs, target, o, Mode.HOST).simulate(1900, 3, 2).secondsPerToken();
        double mram = new Generator(graphs, target, o, Mode.MRAM).simulate(1900, 3, 2).secondsPerToken();
        Generator.Result auto = new Generator(graphs, target, o, Mode.AUTO).simulate(1900, 3, 2);
        assertEquals(host <= mram ? "mram 0/2" : "mram 2/2", auto.kvSteps().getFirst().placement(),
                "host " + host + " s/token, MRAM " + mram);
        assertEquals(Math.min(host, mram), auto.secondsPerToken(), 1e-12);
    }

    /** Forced into MRAM, caches that do not fit beside the resident weights are an error naming the sizes. */
    @org.junit.jupiter.api.Test
    void cachesThatDoNotFitMramAreAnErrorWithTheSizes() {
        var c = org.pimllm.models.zoo.ModelZoo.get("llama-7b").withLayers(1);
        Generator g = new Generator(GeneratorTest.graphs(c), org.pimllm.target.Target.of("upmem-2556-350", 4),
                GeneratorTest.onPim(CompileOptions.variant("pimllm")), Mode.MRAM);
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> g.simulate(1024, 2, 2));
        assertTrue(e.getMessage().startsWith("the KV cache does not fit the DPUs' MRAM: the KV caches need")
                && e.getMessage().contains("(2 caches of up to 1025 rows) beside") && e.getMessage().contains("but a DPU has 64.0 MiB"),
                e.getMessage());
    }
}
