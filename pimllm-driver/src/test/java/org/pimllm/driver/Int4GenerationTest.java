package org.pimllm.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pimllm.ir.Call;
import org.pimllm.ir.ExprVisitor;
import org.pimllm.ir.IRModule;
import org.pimllm.models.zoo.LlamaConfig;
import org.pimllm.models.zoo.ModelZoo;
import org.pimllm.models.zoo.WeightSource;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.target.PimGemmAttrs;
import org.pimllm.target.PimOps;
import org.pimllm.target.Target;

/**
 * Generation with int4 weights (int8 activations): each decode step's logits equal the full-sequence run's with the
 * same int4 weights bit for bit (the int4 GEMMs are exact integers on both the DPUs and the host), and the decode
 * step's dense GEMMs run PGEMMlib's int4 kernel.
 */
class Int4GenerationTest {

    private static final LlamaConfig LLAMA = LlamaConfig.tiny(2, 128, 4, 344, 512);
    private static final Target TARGET = Target.of("upmem-2556-350", 64);
    private static final int[] PROMPT = {3, 17, 250, 9, 101, 42};

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({"llama, pimllm, INT4", "llama, pimllm, INT4_G32", "llama, cpu, INT4", "gpt2, pimllm, INT4_G64"})
    void int4DecodeStepsAreBitExactAgainstFullRuns(String model, String variant, CompileOptions.Precision precision) {
        CompileOptions o = GeneratorTest.onPim(CompileOptions.variant(variant).withActivationAbsMax(6.0).withPrecision(precision));
        Generator.Result r = new Generator(GeneratorTest.graphs(GeneratorTest.model(model)), TARGET, o).generate(PROMPT, 4, true, 0.0);
        assertEquals(4, r.generated().size());
        assertTrue(r.matchesReference(), () -> "max |logit difference| " + r.maxAbsLogitError());
        assertEquals(0.0, r.maxAbsLogitError());
        assertEquals(variant.equals("cpu"), r.decodePimGemms() == 0);
    }

    /** The DPUs' int4 kernel and the host's integer dense give the same logits, hence the same greedy tokens. */
    @org.junit.jupiter.api.Test
    void pimAndCpuGenerateTheSameTokensWithInt4Weights() {
        CompileOptions pim = GeneratorTest.onPim(CompileOptions.variant("pimllm").withActivationAbsMax(6.0)
                .withPrecision(CompileOptions.Precision.INT4));
        CompileOptions cpu = CompileOptions.variant("cpu").withActivationAbsMax(6.0).withPrecision(CompileOptions.Precision.INT4);
        List<Integer> a = new Generator(GeneratorTest.graphs(LLAMA), TARGET, pim).generate(PROMPT, 5, false, 0.0).generated();
        List<Integer> b = new Generator(GeneratorTest.graphs(LLAMA), TARGET, cpu).generate(PROMPT, 5, false, 0.0).generated();
        assertEquals(b, a);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"INT4, INT4_G128", "INT4_G64, INT4_G64"})
    void theDecodeStepsDenseGemmsRunTheInt4Kernel(CompileOptions.Precision precision, GemmDType expected) {
        IRModule step = ModelZoo.buildDecode(LLAMA, 6, WeightSource.synthetic(0));
        CompileOptions o = CompileOptions.variant("pimllm+res").withActivationAbsMax(6.0).withPrecision(precision)
                .disable("PartitionCpuPim");
        IRModule lowered = PimLlm.lower(step, TARGET, o);
        List<GemmDType> types = ExprVisitor.postOrder(lowered.main().body()).stream()
                .filter(e -> e instanceof Call c && c.is(PimOps.GEMM)).map(e -> ((Call) e).attrs(PimGemmAttrs.class).plan().dtype())
                .toList();
        // per layer: the fused QKV, the output projection, the fused gate/up and the down projection; then lm_head
        assertEquals(2 * 4 + 1, types.stream().filter(t -> t == expected).count(), types.toString());
    }
}
