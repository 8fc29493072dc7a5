package org.pimllm.models.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pimllm.ir.Call;
import org.pimllm.ir.DType;
import org.pimllm.ir.ExprVisitor;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Ops;
import org.pimllm.ir.TensorType;
import org.pimllm.ir.TypeInference;

class OnnxImporterTest {

  static OnnxModel fp32;
  static OnnxModel quant;

  @BeforeAll
  static void read() {
    fp32 = OnnxReader.read(OnnxReaderTest.FP32);
    quant = OnnxReader.read(OnnxReaderTest.QUANT);
  }

  static Map<String, int[]> tokens(int n) {
    return Map.of("input_ids", new int[] {1, n}, "attention_mask", new int[] {1, n}, "token_type_ids", new int[] {1, n});
  }

  static long count(IRModule m, org.pimllm.ir.Op op) {
    long[] c = {0};
    new ExprVisitor() {
      @Override
      protected void visitCall(Call call) {
        if (call.is(op)) {
          c[0]++;
        }
        super.visitCall(call);
      }
    }.visit(m.main());
    return c[0];
  }

  @Test
  void importsFp32MiniLmWithShapesFolded() {
    IRModule m = OnnxImporter.importModel(fp32, tokens(9));
    TypeInference.infer(m);
    assertEquals(TensorType.of(DType.FP32, 1, 9, 384), m.main().body().type() instanceof TensorType t ? t
        : m.main().body().type());
    // 6 layers x (Q, K, V, attention output, FFN in, FFN out) projections with constant weights ...
    assertEquals(36, count(m, Ops.MATMUL));
    // ... and 6 x 2 attention matmuls of two activations.
    assertEquals(12, count(m, Ops.BATCH_MATMUL));
    assertEquals(6, count(m, Ops.SOFTMAX));
  }

  @Test
  void importsQuantizedMiniLmIntoInt8Gemms() {
    assertEquals(java.util.Set.of(), OnnxImporter.unsupportedOps(quant));
    IRModule m = OnnxImporter.importModel(quant, tokens(5));
    TypeInference.infer(m);
    assertEquals(36, count(m, Ops.QNN_DENSE));
    // Per layer, four distinct GEMM inputs are quantized: the hidden state (shared by Q, K, V), the
    // attention context, the FFN input and the FFN hidden state.
    assertEquals(24, count(m, Ops.DYNAMIC_QUANTIZE));
  }

  @Test
  void wrongInputsAreClearErrors() {
    IllegalArgumentException noShape = assertThrows(IllegalArgumentException.class,
        () -> OnnxImporter.importModel(fp32, Map.of()));
    assertTrue(noShape.getMessage().contains("symbolic dimension"), noShape.getMessage());
    IllegalArgumentException badName = assertThrows(IllegalArgumentException.class,
        () -> OnnxImporter.importModel(fp32, Map.of("input_idz", new int[] {1, 4})));
    assertTrue(badName.getMessage().contains("input_idz"), badName.getMessage());
    IllegalArgumentException badRank = assertThrows(IllegalArgumentException.class,
        () -> OnnxImporter.importModel(fp32, Map.of("input_ids", new int[] {4}, "attention_mask", new int[] {1, 4},
            "token_type_ids", new int[] {1, 4})));
    assertTrue(badRank.getMessage().contains("rank 2"), badRank.getMessage());
  }

  @Test
  void anOpOfAnotherDomainIsNotTakenForTheOnnxOne() {
    OnnxModel.Node fused = new OnnxModel.Node("n0", "MatMul", "com.microsoft", List.of("x", "x"), List.of("y"), Map.of());
    OnnxModel.ValueInfo x = new OnnxModel.ValueInfo("x", OnnxDataType.FLOAT, List.of(new OnnxModel.Dim(2, ""), new OnnxModel.Dim(2, "")));
    OnnxModel.ValueInfo y = new OnnxModel.ValueInfo("y", OnnxDataType.FLOAT, List.of());
    OnnxModel m = new OnnxModel(8, Map.of("", 13L), "t", "1",
        new OnnxModel.Graph("g", List.of(fused), List.of(), List.of(x), List.of(y), List.of()));
    assertEquals(java.util.Set.of("com.microsoft.MatMul"), OnnxImporter.unsupportedOps(m));
    OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxImporter.importModel(m, Map.of()));
    assertTrue(e.getMessage().contains("com.microsoft.MatMul"), e.getMessage());
  }

  @Test
  void anUnsupportedOpUsedTwiceIsNamedOnceAtItsFirstNode() {
    OnnxModel.Node first = new OnnxModel.Node("a", "Hardmax", "", List.of("x"), List.of("h"), Map.of());
    OnnxModel.Node second = new OnnxModel.Node("b", "Hardmax", "", List.of("h"), List.of("y"), Map.of());
    OnnxModel.ValueInfo x = new OnnxModel.ValueInfo("x", OnnxDataType.FLOAT, List.of(new OnnxModel.Dim(2, ""), new OnnxModel.Dim(2, "")));
    OnnxModel.ValueInfo y = new OnnxModel.ValueInfo("y", OnnxDataType.FLOAT, List.of());
    OnnxModel m = new OnnxModel(8, Map.of("", 13L), "t", "1",
        new OnnxModel.Graph("g", List.of(first, second), List.of(), List.of(x), List.of(y), List.of()));
    OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxImporter.importModel(m, Map.of()));
    assertEquals("unsupported ONNX op(s): Hardmax (first at Hardmax node 'a')", e.getMessage());
  }

  @Test
  void resolvesReshapeTargets() {
    assertEquals(List.of(1, 9, 12, 32), boxed(OnnxImporter.resolveReshape(new int[] {1, 9, 384}, new long[] {0, 0, 12, 32}, false, "t")));
    assertEquals(List.of(9, 384), boxed(OnnxImporter.resolveReshape(new int[] {1, 9, 384}, new long[] {-1, 384}, false, "t")));
    assertThrows(OnnxFormatException.class, () -> OnnxImporter.resolveReshape(new int[] {1, 9, 384}, new long[] {-1, -1}, false, "t"));
    assertThrows(OnnxFormatException.class, () -> OnnxImporter.resolveReshape(new int[] {1, 9, 384}, new long[] {5, 384}, false, "t"));
  }

  static List<Integer> boxed(int[] a) {
    return java.util.Arrays.stream(a).boxed().toList();
  }
}
