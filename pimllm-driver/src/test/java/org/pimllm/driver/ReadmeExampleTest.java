package org.pimllm.driver;

import org.pimllm.runtime.CompiledModule;
import org.pimllm.runtime.ReferenceExecutor;
import org.pimllm.runtime.RunReport;
import org.pimllm.runtime.RunResult;
import org.pimllm.target.Target;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Tensor;
import org.pimllm.models.zoo.ModelConfig;
import org.pimllm.models.zoo.ModelZoo;
import org.pimllm.models.zoo.WeightSource;
import org.pimllm.sim.Mode;

/**
 * The Java API examples of README.md, verbatim apart from the PrintStream {@code out} for {@code System.out}; a third
 * test checks that every line of the README's Java blocks is still here, so the two cannot drift apart.
 */
class ReadmeExampleTest {

    @Test
    void readmeExampleCompilesRunsAndMatchesTheReference() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true);

        ModelConfig bert = ModelZoo.get("bert-tiny");
        IRModule model = ModelZoo.build(bert, 32);                        // fp32 graph, synthetic seeded weights
        Target target = Target.of("upmem-2560-450", 256);                  // preset + DPU budget
        CompileOptions options = CompileOptions.variant("ts+adj")         // int8, every GEMM on PIM (see below)
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

            assertEquals(List.of(1, 32, 128), hidden.shapeList());
            // what the README says it prints: bert-tiny's 16 GEMMs (8 a layer: Q, K, V, output, two FFN, two
            // attention matmuls) all on PIM, and the reference's result
            assertTrue(buf.toString().contains("16 GEMMs on PIM, 0 on the CPU"), buf.toString());
            assertTrue(buf.toString().contains("equal to the reference executor: true"), buf.toString());
        }
    }

    @Test
    void readmeGenerationExampleReportsBothVariants() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true);

        ModelConfig llama = ModelZoo.get("llama-7b").withLayers(2);       // 2 of LLaMA-7B's 32 layers: a quick look
        WeightSource weights = WeightSource.synthetic(0);
        Generator.Graphs graphs = new Generator.Graphs() {
            public IRModule prefill(int seq) { return ModelZoo.buildPrefill(llama, seq, weights); }
            public IRModule decode(int past) { return ModelZoo.buildDecode(llama, past, weights); }
            public IRModule full(int seq) { return ModelZoo.build(llama, seq, weights); }
        };
        Target machine = Target.of("upmem-2560-450", 2048);
        List<Generator.Result> results = new ArrayList<>();
        for (String variant : List.of("cpu", "pimllm")) {
            Generator.Result r = new Generator(graphs, machine, CompileOptions.variant(variant))
                    .simulate(128, 16, 3);                                 // prompt 128, 16 new tokens, 3 timed cache lengths
            out.printf("%-6s decodes as %-10s TTFT %.1f ms, %.2f ms/token, %.1f tokens/s, %d GEMMs on PIM per step%n",
                    variant, Generator.decodeVariant(variant), r.ttftSeconds() * 1e3, r.secondsPerToken() * 1e3,
                    r.tokensPerSecond(), r.decodePimGemms());
            results.add(r);
        }
        assertTrue(buf.toString().contains("pimllm decodes as +host"), buf.toString());
        assertEquals(0, results.get(0).decodePimGemms(), buf.toString());
        assertTrue(results.get(1).decodePimGemms() > 0, "the README's PIM example runs GEMMs on PIM: " + buf);
        assertTrue(results.get(1).tokensPerSecond() > 0 && results.get(0).tokensPerSecond() > 0, buf.toString());
    }

    /** Every statement line of README.md's Java blocks appears in this file (System.out written as out). */
    @Test
    void readmeShowsTheseExamplesLineForLine() throws IOException {
        String readme = Files.readString(Path.of("../README.md"));
        String self = Files.readString(Path.of("src/test/java/org/pimllm/driver/ReadmeExampleTest.java"));
        List<String> here = self.lines().map(String::strip).toList();
        int blocks = 0;
        int checked = 0;
        for (String block : readme.split("```java\n")) {
            if (blocks++ == 0) continue; // the text before the first block
            for (String line : block.substring(0, block.indexOf("```")).lines().map(String::strip).toList()) {
                if (line.isEmpty() || line.startsWith("import ")) continue;
                String expected = line.replace("System.out", "out");
                assertTrue(here.contains(expected), "README line not in ReadmeExampleTest: " + line);
                checked++;
            }
        }
        assertEquals(3, blocks, "two Java blocks in the README");
        assertTrue(checked > 30, "lines checked: " + checked);
    }
}
