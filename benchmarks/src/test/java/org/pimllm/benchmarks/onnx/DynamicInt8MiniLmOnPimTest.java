package org.pimllm.benchmarks.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pimllm.ir.Call;
import org.pimllm.ir.DType;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Ops;
import org.pimllm.ir.Tensor;
import org.pimllm.passes.PassContext;
import org.pimllm.target.PimModule;
import org.pimllm.passes.QuantizeInt8;
import org.pimllm.passes.Sequential;
import org.pimllm.target.PimOps;
import org.pimllm.driver.CompileOptions;
import org.pimllm.runtime.CompiledModule;
import org.pimllm.driver.PimLlm;
import org.pimllm.runtime.ReferenceExecutor;
import org.pimllm.target.Target;
import org.pimllm.sim.Mode;

/**
 * The fp32 MiniLM quantized by our QuantizeInt8 in the dynamic scheme (what {@code pimllm run --precision int8} does):
 * its 36 projections become qnn.dense with a run-time activation zero point and its 12 attention matmuls int8 GEMMs
 * with run-time scales; lowered, they are PIM GEMMs, and the output equals the reference executor's bit for bit.
 */
class DynamicInt8MiniLmOnPimTest {

  static final Target TARGET = Target.of("upmem-2560-450", 256);
  static IRModule graph;
  static Map<String, Tensor> inputs;

  @BeforeAll
  static void importAndQuantize() {
    MiniLmSentence fp32 = MiniLmSentence.of("all-minilm-l6-v2.onnx", "Processing in memory brings compute to the data.");
    graph = Sequential.of(QuantizeInt8.pass(QuantizeInt8.Config.dynamic(QuantizeInt8.ActivationGemms.QUANTIZED)))
        .run(fp32.graph(), PassContext.defaults());
    inputs = fp32.inputs();
    assertEquals(36, QuantizedMiniLmOnPimTest.count(graph, Ops.QNN_DENSE), "6 layers x 6 projections");
    assertEquals(36, QuantizedMiniLmOnPimTest.count(graph, Ops.DYNAMIC_QUANTIZE), "one run-time quantization per projection");
  }

  /** With QKV fusion the Q, K and V projections of a layer (same input, same run-time zero point) are one GEMM. */
  @ParameterizedTest
  @CsvSource({"ts+adj, 36", "ts+adj+qkv, 24"})
  void everyGemmIsOnPimAndTheOutputIsBitExact(String variant, int zeroPointGemms) {
    CompileOptions opts = CompileOptions.variant(variant).withMode(Mode.FUNCTIONAL)
        .withPrecision(CompileOptions.Precision.AS_BUILT);
    Tensor expected = new ReferenceExecutor().runTensor(PimLlm.referenceGraph(graph, TARGET, opts), inputs);
    try (CompiledModule m = PimLlm.compile(graph, TARGET, opts)) {
      List<Call> gemms = PimModule.pimGemms(m.module());
      List<Call> zp = gemms.stream().filter(PimOps::hasZeroPoints).toList();
      assertEquals(zeroPointGemms, zp.size(), "pim.gemm calls with zero points");
      for (Call c : zp) assertEquals(DType.UINT8, c.arg(0).dtype());
      assertEquals(12, gemms.size() - zp.size(), "the 12 attention matmuls, int8 without zero points");
      assertEquals(0, QuantizedMiniLmOnPimTest.count(m.module(), Ops.QNN_DENSE), "no projection left on the host");
      assertTrue(expected.contentEquals(m.run(inputs).output()), "the compiled model's output differs from the reference");
    }
  }
}
