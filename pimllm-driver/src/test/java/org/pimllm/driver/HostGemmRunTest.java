package org.pimllm.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pimllm.hostblas.OneDnn;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Tensor;
import org.pimllm.models.zoo.ModelConfig;
import org.pimllm.models.zoo.ModelZoo;
import org.pimllm.runtime.CompiledModule;
import org.pimllm.runtime.HostGemm;
import org.pimllm.runtime.ReferenceExecutor;
import org.pimllm.sim.Mode;
import org.pimllm.target.Target;

/**
 * FUNCTIONAL runs of the cpu variant with the host GEMMs on oneDNN: int8 (static and dynamic quantization, i.e. signed
 * and full-range uint8 activations) equal the reference executor bit for bit, and the run says which path computed
 * its GEMMs. oneDNN-dependent checks are skipped with its reason when it cannot load.
 */
class HostGemmRunTest {

    private static final int SEQ = 8;
    private static final ModelConfig MODEL = ModelZoo.get("bert-tiny");
    private static final Target TARGET = Target.of("upmem-2556-350", 64);

    private static void assumeOneDnn() {
        OneDnn.Availability a = OneDnn.availability();
        assumeTrue(a.loaded(), a.reason());
    }

    private static CompileOptions options(CompileOptions.Precision p) {
        return CompileOptions.variant("cpu").withMode(Mode.FUNCTIONAL).withPrecision(p).withActivationAbsMax(6.0);
    }

    private static String runAndCheckExact(CompileOptions opts, HostGemm hostGemm) {
        IRModule fp32 = ModelZoo.build(MODEL, SEQ);
        Map<String, Tensor> inputs = ModelZoo.sampleInputs(MODEL, SEQ, 3);
        Tensor expected = new ReferenceExecutor().runTensor(PimLlm.referenceGraph(fp32, TARGET, opts), inputs);
        try (CompiledModule m = PimLlm.compile(fp32, TARGET, opts, hostGemm)) {
            Tensor got = m.run(inputs).output();
            assertTrue(expected.contentEquals(got), () -> opts.precision() + " " + hostGemm + " " + m.hostGemms()
                    + ": the output differs from the reference executor's");
            return m.hostGemms();
        }
    }

    @Test
    void staticInt8GemmsOnOneDnnEqualTheReference() {
        assumeOneDnn();
        String paths = runAndCheckExact(options(CompileOptions.Precision.INT8), HostGemm.AUTO);
        assertTrue(paths.contains("oneDNN int8"), paths);
    }

    @Test
    void dynamicUint8GemmsOnOneDnnEqualTheReference() {
        assumeOneDnn();
        String paths = runAndCheckExact(options(CompileOptions.Precision.INT8_DYNAMIC), HostGemm.AUTO);
        assertTrue(paths.contains("oneDNN int8"), paths);
    }

    @Test
    void javaKernelsAreUsedWhenAskedFor() {
        String paths = runAndCheckExact(options(CompileOptions.Precision.INT8), HostGemm.JAVA);
        assertEquals("Vector API kernels (asked for)", paths);
    }

    @Test
    void fp32GemmsOnOneDnnAgreeWithTheReferenceWithinRounding() {
        assumeOneDnn();
        CompileOptions opts = options(CompileOptions.Precision.AS_BUILT); // an fp32 model: every GEMM fp32
        IRModule fp32 = ModelZoo.build(MODEL, SEQ);
        Map<String, Tensor> inputs = ModelZoo.sampleInputs(MODEL, SEQ, 3);
        Tensor expected = new ReferenceExecutor().runTensor(PimLlm.referenceGraph(fp32, TARGET, opts), inputs);
        try (CompiledModule m = PimLlm.compile(fp32, TARGET, opts, HostGemm.ONEDNN)) {
            Tensor got = m.run(inputs).output();
            float[] e = expected.floats();
            float[] g = got.floats();
            double scale = 0;
            for (float v : e) scale = Math.max(scale, Math.abs(v));
            for (int i = 0; i < e.length; i++) {
                assertEquals(e[i], g[i], 1e-3 * scale, "output " + i + " (" + m.hostGemms() + ")");
            }
            assertTrue(m.hostGemms().contains("oneDNN fp32"), m.hostGemms());
        }
    }
}
