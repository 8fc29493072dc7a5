package org.pimllm.models.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pimllm.ir.Call;
import org.pimllm.ir.DType;
import org.pimllm.ir.ExprVisitor;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Ops;
import org.pimllm.ir.TensorType;
import org.pimllm.ir.TupleType;
import org.pimllm.ir.Type;
import org.pimllm.ir.Var;
import org.pimllm.ir.attrs.RopeAttrs;
import org.pimllm.ir.TypeInference;

/** Shapes of the prefill and decode-step graphs (their values are checked against full runs in pimllm-driver). */
class GenerationGraphsTest {

  static Stream<ModelConfig> decoders() {
    return Stream.of(ModelZoo.get("gpt2").withLayers(2), ModelZoo.get("llama-7b").withLayers(2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decoders")
  void prefillReturnsLogitsAndEachLayersKv(ModelConfig c) {
    IRModule m = ModelZoo.buildPrefill(c, 16, WeightSource.synthetic(0));
    assertSame(m, TypeInference.infer(m));
    List<Type> fields = ((TupleType) m.main().retType()).fields();
    assertEquals(1 + 2 * c.layers(), fields.size());
    assertEquals(TensorType.of(DType.FP32, 1, 16, c.vocab()), fields.get(0));
    for (int i = 1; i < fields.size(); i++) {
      assertEquals(TensorType.of(DType.FP32, c.heads(), 16, c.headDim()), fields.get(i));
    }
    assertEquals(List.of("input_ids"), m.main().params().stream().map(Var::name).toList());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decoders")
  void decodeStepTakesTheCacheAndReturnsOneRow(ModelConfig c) {
    IRModule m = ModelZoo.buildDecode(c, 9, WeightSource.synthetic(0));
    assertSame(m, TypeInference.infer(m));
    List<String> names = new ArrayList<>(List.of("input_ids"));
    for (int i = 0; i < c.layers(); i++) {
      names.add("past_key_" + i);
      names.add("past_value_" + i);
    }
    assertEquals(names, m.main().params().stream().map(Var::name).toList());
    assertEquals(TensorType.of(DType.INT32, 1, 1), m.main().params().get(0).type());
    assertEquals(TensorType.of(DType.FP32, c.heads(), 9, c.headDim()), m.main().params().get(1).type());
    List<Type> fields = ((TupleType) m.main().retType()).fields();
    assertEquals(TensorType.of(DType.FP32, 1, 1, c.vocab()), fields.get(0));
    assertEquals(TensorType.of(DType.FP32, c.heads(), 1, c.headDim()), fields.get(1));
    assertEquals(0, ModelZooTest.count(m, Ops.CAUSAL_MASK), "one token attends to every cached position");
    assertEquals(2L * c.layers(), ModelZooTest.count(m, Ops.CONCATENATE), "past K and V joined with the new row");
    assertEquals("9", m.main().attrs().get("past"));
  }

  @Test
  void llamaRotatesAtTheTokensPosition() {
    IRModule m = ModelZoo.buildDecode(ModelZoo.get("llama-7b").withLayers(1), 37, WeightSource.synthetic(0));
    List<Integer> offsets = ExprVisitor.postOrder(m.main()).stream()
        .filter(e -> e instanceof Call c && c.is(Ops.ROTARY_EMBEDDING))
        .map(e -> ((Call) e).attrs(RopeAttrs.class).positionOffset()).toList();
    assertEquals(List.of(37, 37), offsets, "q and k rotated at position 37");
  }

  @Test
  void gpt2AddsPositionRowP() {
    IRModule m = ModelZoo.buildDecode(ModelZoo.get("gpt2").withLayers(1), 5, WeightSource.synthetic(0));
    List<org.pimllm.ir.attrs.StridedSliceAttrs> slices = ExprVisitor.postOrder(m.main()).stream()
        .filter(e -> e instanceof Call c && c.is(Ops.STRIDED_SLICE))
        .map(e -> ((Call) e).attrs(org.pimllm.ir.attrs.StridedSliceAttrs.class)).toList();
    assertEquals(1, slices.size());
    assertEquals(List.of(5), slices.get(0).begin());
    assertEquals(List.of(6), slices.get(0).end());
  }

  @Test
  void encodersAndEmptyCachesAreRejected() {
    var e = assertThrows(IllegalArgumentException.class, () -> ModelZoo.buildDecode(ModelZoo.get("bert-base"), 4,
        WeightSource.synthetic(0)));
    assertTrue(e.getMessage().contains("encoder"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ModelZoo.buildDecode(ModelZoo.get("gpt2"), 0, WeightSource.synthetic(0)));
    assertTrue(e.getMessage().contains("past=0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ModelZoo.buildDecode(ModelZoo.get("gpt2"), 1024, WeightSource.synthetic(0)));
    assertTrue(e.getMessage().contains("1025 tokens"), e.getMessage());
  }
}
