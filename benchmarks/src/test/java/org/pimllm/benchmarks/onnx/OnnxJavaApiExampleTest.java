package org.pimllm.benchmarks.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pimllm.passes.FloatGemms;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Tensor;
import org.pimllm.models.onnx.OnnxImporter;
import org.pimllm.models.onnx.OnnxRuntimeReference;
import org.pimllm.models.tokenizer.WordPieceTokenizer;
import org.pimllm.driver.CompileOptions;
import org.pimllm.runtime.CompiledModule;
import org.pimllm.driver.PimLlm;
import org.pimllm.runtime.RunResult;
import org.pimllm.target.Target;
import org.pimllm.sim.Mode;

/** The Java API example of docs/onnx.md, verbatim apart from the PrintStream and the folder (keep the two in step). */
class OnnxJavaApiExampleTest {

  @Test
  void onnxExampleRunsTheQuantizedMiniLmOnPimAndMatchesOnnxRuntime() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true);
    Path dir = Path.of("../models/target/bundled");

    Path file = dir.resolve("all-minilm-l6-v2-q.onnx");
    WordPieceTokenizer tokenizer = WordPieceTokenizer.load(dir.resolve("all-minilm-l6-v2-tokenizer.json"));
    WordPieceTokenizer.Encoding e = tokenizer.encode("Processing in memory brings compute to the data.");
    int n = e.length();
    IRModule model = OnnxImporter.importFile(file,                    // fixed shapes: batch 1, n tokens
        Map.of("input_ids", new int[] {1, n}, "attention_mask", new int[] {1, n}, "token_type_ids", new int[] {1, n}));
    Map<String, Tensor> inputs = Map.of("input_ids", Tensor.ofLongs(e.inputIds(), 1, n),
        "attention_mask", Tensor.ofLongs(e.attentionMask(), 1, n), "token_type_ids", Tensor.ofLongs(e.tokenTypeIds(), 1, n));
    CompileOptions options = CompileOptions.variant("ts+adj")         // every integer GEMM on PIM
        .withPrecision(CompileOptions.Precision.AS_BUILT)             // already quantized: keep its MatMulIntegers
        .withFloatGemms(FloatGemms.HOST)                              // fp32 attention matmuls on the host
        .withMode(Mode.FUNCTIONAL);

    try (CompiledModule compiled = PimLlm.compile(model, Target.of("upmem-2560-450", 2048), options);
         OnnxRuntimeReference ort = new OnnxRuntimeReference(file, OnnxRuntimeReference.GraphOptimization.NONE)) {
      RunResult result = compiled.run(inputs);
      float[] ours = result.output().floats();                          // last_hidden_state, (1, n, 384)
      float[] ref = ort.run(inputs).get("last_hidden_state").floats();
      double max = 0;
      for (int i = 0; i < ref.length; i++) max = Math.max(max, Math.abs(ours[i] - ref[i]));
      out.printf("%d GEMMs on PIM, %.3f ms simulated, max |ours - ONNX Runtime| = %.2g%n",
          result.report().pimGemms(), result.report().totalSeconds() * 1e3, max);

      assertEquals(36, result.report().pimGemms(), buf.toString());
      assertTrue(max <= 1e-3, buf.toString());
    }
  }
}
