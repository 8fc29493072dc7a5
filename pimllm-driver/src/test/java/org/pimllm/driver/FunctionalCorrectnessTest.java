package org.pimllm.driver;

import org.pimllm.runtime.CompiledModule;
import org.pimllm.runtime.ReferenceExecutor;
import org.pimllm.runtime.RunResult;
import org.pimllm.target.Target;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Tensor;
import org.pimllm.models.zoo.LlamaConfig;
import org.pimllm.models.zoo.ModelConfig;
import org.pimllm.models.zoo.ModelZoo;
import org.pimllm.driver.Pipelines;
import org.pimllm.sim.Mode;

/**
 * FUNCTIONAL runs of every variant give exactly the reference executor's outputs on the same int8 model: the int8
 * GEMMs on the simulated DPUs (PGEMMlib) and on the host are exact, and the host's float kernels are
 * bit-identical to the reference's.
 */
class FunctionalCorrectnessTest {

    private static final int SEQ = 8;
    private static final int DPUS = 64;
    private static final Map<String, Tensor> EXPECTED = new java.util.concurrent.ConcurrentHashMap<>();

    static Stream<Arguments> cases() {
        List<ModelConfig> models = List.of(ModelZoo.get("bert-tiny"), ModelZoo.get("bert-mini"), ModelZoo.get("bert-small"),
                LlamaConfig.tiny(2, 128, 4, 344, 512));
        return models.stream().flatMap(m -> Pipelines.VARIANTS.stream().map(v -> Arguments.of(m.name(), v)));
    }

    private static ModelConfig model(String name) {
        return name.startsWith("llama-tiny") ? LlamaConfig.tiny(2, 128, 4, 344, 512) : ModelZoo.get(name);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void compiledRunEqualsReference(String name, String variant) {
        ModelConfig cfg = model(name);
        IRModule fp32 = ModelZoo.build(cfg, SEQ);
        Map<String, Tensor> inputs = ModelZoo.sampleInputs(cfg, SEQ, 7);
        Target target = Target.of("upmem-2556-350", DPUS);
        CompileOptions opts = CompileOptions.variant(variant).withMode(Mode.FUNCTIONAL).withActivationAbsMax(6.0);

        // the reference graph is the same for every variant: run it once per model
        Tensor expected = EXPECTED.computeIfAbsent(name,
                n -> new ReferenceExecutor().runTensor(PimLlm.referenceGraph(fp32, target, opts), inputs));
        try (CompiledModule m = PimLlm.compile(fp32, target, opts)) {
            RunResult r = m.run(inputs);
            Tensor got = r.output();
            assertEquals(expected.type(), got.type());
            assertTrue(expected.contentEquals(got), () -> name + " " + variant + ": compiled output differs from the reference: "
                    + got + " vs " + expected);
            boolean pim = !variant.startsWith("cpu");
            if (pim && !variant.startsWith("pimllm")) { // pimllm* may place every GEMM on the CPU
                assertTrue(r.report().pimGemms() > 0, "variant " + variant + " runs GEMMs on PIM");
            }
            if (!pim) assertEquals(0, r.report().pimGemms());
            assertTrue(r.report().totalSeconds() > 0);
        }
    }
}
