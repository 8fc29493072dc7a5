package org.pimllm.models.onnx;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pimllm.models.onnx.OnnxImportFuzzTest.floatTensor;
import static org.pimllm.models.onnx.OnnxImportFuzzTest.int64Tensor;
import static org.pimllm.models.onnx.OnnxImportFuzzTest.model;
import static org.pimllm.models.onnx.OnnxImportFuzzTest.opset;
import static org.pimllm.models.onnx.OnnxImportFuzzTest.valueInfo;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pimllm.models.onnx.OnnxImportFuzzTest.NodeSpec;

/** Defects the ONNX campaign found (docs/reliability.md), each now a clear OnnxFormatException. */
class OnnxFuzzRegressionTest {

  private static OnnxFormatException importError(byte[] model) {
    OnnxModel m = OnnxReader.read(model);
    return assertThrows(OnnxFormatException.class, () -> OnnxImporter.importModel(m, Map.of()));
  }

  @Test
  void inputDimensionOver32BitsIsNamed() throws Exception {
    // was: ArithmeticException "integer overflow" from Math.toIntExact (an internal error in the CLI)
    byte[] m = model(List.of(opset("", 17)), List.of(), List.of(valueInfo("x", 1, new long[] {1L << 32, 2})),
        List.of(new NodeSpec("Relu", "", List.of("x"), List.of("y"), List.of())), "y");
    String msg = importError(m).getMessage();
    assertTrue(msg.contains("input 'x'") && msg.contains("4294967296") && msg.contains("32 bits"), msg);
  }

  @Test
  void reshapeTargetOver32BitsIsNamed() throws Exception {
    byte[] m = model(List.of(opset("", 17)), List.of(int64Tensor("s", new long[] {2}, 1L << 40, 16)),
        List.of(valueInfo("x", 1, new long[] {2, 8})),
        List.of(new NodeSpec("Reshape", "", List.of("x", "s"), List.of("y"), List.of())), "y");
    String msg = importError(m).getMessage();
    assertTrue(msg.contains("Reshape") && msg.contains("1099511627776") && msg.contains("32 bits"), msg);
  }

  @Test
  void controlCharactersFromTheFileAreEscapedInTheOneLineMessage() throws Exception {
    // was: a bit flip in an op type gave "unsupported ONNX op(s): <line break>onstant ...", a two-line error
    byte[] m = model(List.of(opset("", 17)), List.of(), List.of(valueInfo("x", 1, new long[] {2, 8})),
        List.of(new NodeSpec("\nonst\u001bant", "", List.of("x"), List.of("y"), List.of())), "y");
    String msg = importError(m).getMessage();
    assertTrue(!msg.contains("\n") && !msg.contains("\u001b") && msg.contains("\\nonst\\u001bant"), msg);
  }

  @Test
  void expandAndConstantOfShapeTargetsOver32BitsAreNamed() throws Exception {
    for (String op : List.of("Expand", "ConstantOfShape")) {
      List<String> inputs = op.equals("Expand") ? List.of("x", "s") : List.of("s");
      byte[] m = model(List.of(opset("", 17)), List.of(int64Tensor("s", new long[] {2}, 2, Long.MAX_VALUE)),
          List.of(valueInfo("x", 1, new long[] {2, 8})),
          List.of(new NodeSpec(op, "", inputs, List.of("y"), List.of())), "y");
      String msg = importError(m).getMessage();
      assertTrue(msg.contains(op) && msg.contains("32 bits"), msg);
    }
    // the campaign's own builder stays honest: a well-formed MatMul model imports
    byte[] ok = model(List.of(opset("", 17)), List.of(floatTensor("w", new long[] {8, 4}, 128)),
        List.of(valueInfo("x", 1, new long[] {2, 8})),
        List.of(new NodeSpec("MatMul", "", List.of("x", "w"), List.of("y"), List.of())), "y");
    OnnxImporter.importModel(OnnxReader.read(ok), Map.of());
  }
}
