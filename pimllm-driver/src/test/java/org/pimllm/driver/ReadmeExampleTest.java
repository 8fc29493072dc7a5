package org.pimllm.driver;

import org.pimllm.runtime.CompiledModule;
import org.pimllm.runtime.ReferenceExecutor;
import org.pimllm.runtime.RunReport;
import org.pimllm.runtime.RunResult;
import org.pimllm.target.Target;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Tensor;
import org.pimllm.models.zoo.ModelConfig;
import org.pimllm.models.zoo.ModelZoo;
import org.pimllm.sim.Mode;

/** The Java API example of README.md, verbatim apart from the PrintStream (keep the two in step). */
class ReadmeExampleTest {

    @Test
    void readmeExampleCompilesRunsAndMatchesTheReference() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true);

        ModelConfig bert = ModelZoo.get("bert-tiny");
        IRModule model = ModelZoo.build(bert, 32);                        // fp32 graph, synthetic seeded weights
        Target target = Target.of("upmem-2560-450", 256);                  // preset + DPU budget
        CompileOptions options = CompileOptions.variant("pimllm")         // the full system, int8
                .withMode(Mode.FUNCTIONAL);                                // real data (TIMING_ONLY: time only)
        Map<String, Tensor> inputs = ModelZoo.sampleInputs(bert, 32, 42);

        try (CompiledModule compiled = PimLlm.compile(model, target, options)) {
            RunResult result = compiled.run(inputs);
            Tensor hidden = result.output();                               // (1, 32, 128) float32
            RunReport report = result.report();
            out.printf("%.3f ms simulated, %d GEMMs on PIM, %d on the CPU%n",
                    report.totalSeconds() * 1e3, report.pimGemms(), report.cpuGemms());
            report.byCategory().forEach((category, s) -> out.printf("  %-10s %.3f ms%n", category.key(), s * 1e3));

            Tensor expected = new ReferenceExecutor().runTensor(PimLlm.referenceGraph(model, target, options), inputs);
            out.println("equal to the reference executor: " + expected.contentEquals(hidden));

            assertEquals(java.util.List.of(1, 32, 128), hidden.shapeList());
            assertTrue(buf.toString().contains("equal to the reference executor: true"), buf.toString());
        }
    }
}
