package org.pimllm.benchmarks.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pimllm.ir.Call;
import org.pimllm.ir.DType;
import org.pimllm.ir.Expr;
import org.pimllm.ir.ExprMutator;
import org.pimllm.ir.ExprVisitor;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Ops;
import org.pimllm.ir.Tensor;
import org.pimllm.target.PimModule;
import org.pimllm.target.PimGemmAttrs;
import org.pimllm.target.PimOps;
import org.pimllm.driver.CompileOptions;
import org.pimllm.runtime.CompiledModule;
import org.pimllm.driver.PimLlm;
import org.pimllm.runtime.ReferenceExecutor;
import org.pimllm.target.Target;
import org.pimllm.sim.Mode;

/**
 * The dynamically quantized MiniLM's 36 MatMulIntegers (qnn.dense: uint8 activations with a run-time zero point x
 * int8 weights) run as PIM GEMMs through PGEMMlib's uint8 x int8 path, exactly, on a real tokenized sentence.
 */
class QuantizedMiniLmOnPimTest {

  static final Target TARGET = Target.of("upmem-2560-450", 256);
  static IRModule graph;
  static Map<String, Tensor> inputs;

  @BeforeAll
  static void importModel() {
    MiniLmSentence q = MiniLmSentence.of("all-minilm-l6-v2-q.onnx", "Processing in memory brings compute to the data.");
    graph = q.graph();
    inputs = q.inputs();
    assertEquals(36, count(graph, Ops.QNN_DENSE), "the quantized MiniLM has 6 layers x 6 MatMulIntegers");
  }

  static long count(IRModule m, org.pimllm.ir.Op op) {
    return ExprVisitor.postOrder(m.main().body()).stream().filter(x -> x instanceof Call c && c.is(op)).count();
  }

  static List<Call> zeroPointGemms(IRModule lowered) {
    return PimModule.pimGemms(lowered).stream().filter(PimOps::hasZeroPoints).toList();
  }

  /**
   * int8 precision (the compile default): the remaining fp32 GEMMs (attention) are quantized too, so every GEMM is
   * an integer GEMM and the whole model must equal the reference executor's result bit for bit. With QKV fusion
   * the Q, K and V MatMulIntegers of a layer (same input, same run-time zero point) are one GEMM: 6 x 4.
   */
  @ParameterizedTest
  @CsvSource({"ts+adj, 36", "ts, 36", "ts+adj+qkv, 24"})
  void everyMatMulIntegerIsAPimGemmAndTheOutputIsBitExact(String variant, int gemms) {
    CompileOptions opts = CompileOptions.variant(variant).withMode(Mode.FUNCTIONAL);
    Tensor expected = new ReferenceExecutor().runTensor(PimLlm.referenceGraph(graph, TARGET, opts), inputs);
    try (CompiledModule m = PimLlm.compile(graph, TARGET, opts)) {
      List<Call> zp = zeroPointGemms(m.module());
      assertEquals(gemms, zp.size(), "pim.gemm calls with zero points");
      for (Call c : zp) assertEquals(DType.UINT8, c.arg(0).dtype());
      assertEquals(0, count(m.module(), Ops.QNN_DENSE), "no MatMulInteger left on the host");
      assertTrue(expected.contentEquals(m.run(inputs).output()), "the compiled model's output differs from the reference");
    }
  }

  /**
   * The model as built (what {@code pimllm run} does): its fp32 attention GEMMs also run on PIM, in fp32, whose
   * summation order differs from the host's; so the check is that moving the 36 zero-point GEMMs between PIM and
   * the host changes no bit of the output, everything else being the same lowered module.
   */
  @Test
  void asBuiltTheZeroPointGemmsOnPimGiveTheHostsOutputExactly() {
    CompileOptions tsAdj = CompileOptions.variant("ts+adj").withMode(Mode.FUNCTIONAL)
        .withPrecision(CompileOptions.Precision.AS_BUILT);
    IRModule onPim = PimLlm.lower(graph, TARGET, tsAdj);
    assertEquals(36, zeroPointGemms(onPim).size());
    IRModule onHost = onPim.mapFunctions(f -> new ExprMutator() {
      @Override
      protected Expr rewriteCall(Call c, List<Expr> args) {
        Call nc = c.withArgs(args);
        return PimOps.hasZeroPoints(nc) && nc.is(PimOps.GEMM)
            ? PimOps.hostEquivalent(nc.args(), nc.attrs(PimGemmAttrs.class)) : nc;
      }
    }.mutateFunction(f));
    assertEquals(36, count(onHost, Ops.QNN_DENSE));
    assertFalse(PimModule.pimGemms(onHost).isEmpty(), "the other GEMMs stay on PIM");
    // run both as lowered ("cpu" lowers nothing more)
    CompileOptions run = CompileOptions.variant("cpu").withMode(Mode.FUNCTIONAL).withPrecision(CompileOptions.Precision.AS_BUILT);
    Tensor pim;
    Tensor host;
    try (CompiledModule m = PimLlm.compile(onPim, TARGET, run)) {
      assertEquals(36, zeroPointGemms(m.module()).size());
      pim = m.run(inputs).output();
    }
    try (CompiledModule m = PimLlm.compile(onHost, TARGET, run)) {
      host = m.run(inputs).output();
    }
    assertTrue(host.contentEquals(pim), "zero-point GEMMs on PIM changed the output");
  }
}
