package org.pimllm.benchmarks.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pimllm.benchmarks.onnx.OnnxGraphWriter.Attr.f;
import static org.pimllm.benchmarks.onnx.OnnxGraphWriter.Attr.i;
import static org.pimllm.benchmarks.onnx.OnnxGraphWriter.Attr.ints;
import static org.pimllm.benchmarks.onnx.OnnxGraphWriter.Attr.s;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pimllm.ir.DType;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.eval.Value;
import org.pimllm.models.onnx.OnnxImporter;
import org.pimllm.models.onnx.OnnxReader;
import org.pimllm.models.onnx.OnnxRuntimeReference;
import org.pimllm.runtime.ReferenceExecutor;

/**
 * Every ONNX op the importer supports, one small graph each, imported and run by our reference executor
 * and by ONNX Runtime (unfused) on the same random inputs: floats within 1e-5 (relative to the value's
 * size), integers and booleans exactly. The MiniLM models cover these ops only in the combinations their
 * exporter chose; this covers the attributes and variants beyond them (Gemm with transposes and alpha/beta,
 * LayerNormalization, both Gelus, Split by sizes and by count, QLinearMatMul, ...).
 */
class OnnxOpsVersusOrtTest {

  /** One case: the model and its inputs. */
  record Case(byte[] model, Map<String, Tensor> inputs) {}

  static final Random RND = new Random(7);

  /**
   * The largest uint8 activation fed to ONNX Runtime's u8 x s8 matmuls. On x86 CPUs without AVX-512 VNNI / AVX-VNNI
   * (e.g. AVX2 only) its MLAS kernels multiply with {@code vpmaddubsw}, which adds adjacent u8 x s8 products into a
   * saturating int16: 255 * -128 * 2 = -65280 saturates, so ORT's result there is not the ONNX spec's. With
   * activations up to 127 a pair sums to at most 2 * 127 * 128 = 32512, exact on every CPU. The full uint8 range is
   * checked against the spec itself in {@link #integerMatmulsFollowTheSpecOverTheFullRange()}.
   */
  static final int ORT_EXACT_U8_MAX = 127;

  static Tensor floats(int... shape) {
    int n = 1;
    for (int d : shape) n *= d;
    float[] v = new float[n];
    for (int k = 0; k < n; k++) v[k] = (float) (RND.nextGaussian() * 1.5);
    return Tensor.ofFloats(v, shape);
  }

  static Tensor bytes(DType dtype, int lo, int hi, int... shape) {
    int n = 1;
    for (int d : shape) n *= d;
    byte[] v = new byte[n];
    for (int k = 0; k < n; k++) v[k] = (byte) (lo + RND.nextInt(hi - lo + 1));
    return Tensor.ofBytes(dtype, v, shape);
  }

  static Tensor longs(long... v) {
    return Tensor.ofLongs(v, v.length);
  }

  static Tensor scalar(DType dtype, double v) {
    return Tensor.scalar(dtype, v);
  }

  static Named<Case> named(String name, OnnxGraphWriter w, Object... inputs) {
    Map<String, Tensor> in = new LinkedHashMap<>();
    for (int k = 0; k < inputs.length; k += 2) in.put((String) inputs[k], (Tensor) inputs[k + 1]);
    return Named.of(name, new Case(w.bytes(), in));
  }

  static OnnxGraphWriter unaryGraph(long opset, String op, int... shape) {
    return new OnnxGraphWriter(opset).input("x", DType.FP32, shape).node(op, List.of("x"), List.of("y")).output("y", DType.FP32);
  }

  static Stream<Named<Case>> cases() {
    List<Named<Case>> c = new ArrayList<>();
    // ---- GEMMs ----
    c.add(named("Gemm transB alpha beta bias", new OnnxGraphWriter(13).input("a", DType.FP32, 4, 6)
        .initializer("b", floats(5, 6)).initializer("c", floats(5))
        .node("Gemm", List.of("a", "b", "c"), List.of("y"), i("transB", 1), f("alpha", 0.5f), f("beta", 2f))
        .output("y", DType.FP32), "a", floats(4, 6)));
    c.add(named("Gemm transA no bias", new OnnxGraphWriter(13).input("a", DType.FP32, 6, 4).initializer("b", floats(6, 5))
        .node("Gemm", List.of("a", "b"), List.of("y"), i("transA", 1)).output("y", DType.FP32), "a", floats(6, 4)));
    c.add(named("MatMul constant weight", new OnnxGraphWriter(13).input("a", DType.FP32, 2, 3, 8).initializer("w", floats(8, 5))
        .node("MatMul", List.of("a", "w"), List.of("y")).output("y", DType.FP32), "a", floats(2, 3, 8)));
    c.add(named("MatMul of two activations", new OnnxGraphWriter(13).input("a", DType.FP32, 2, 3, 4, 8)
        .input("b", DType.FP32, 2, 3, 8, 5).node("MatMul", List.of("a", "b"), List.of("y")).output("y", DType.FP32),
        "a", floats(2, 3, 4, 8), "b", floats(2, 3, 8, 5)));
    c.add(named("MatMulInteger with zero points", new OnnxGraphWriter(13).input("a", DType.UINT8, 4, 16)
        .initializer("b", bytes(DType.INT8, -128, 127, 16, 5)).initializer("azp", scalar(DType.UINT8, 131))
        .initializer("bzp", scalar(DType.INT8, -3))
        .node("MatMulInteger", List.of("a", "b", "azp", "bzp"), List.of("y")).output("y", DType.INT32),
        "a", bytes(DType.UINT8, 0, ORT_EXACT_U8_MAX, 4, 16)));
    c.add(named("QLinearMatMul", new OnnxGraphWriter(13).input("a", DType.UINT8, 4, 16)
        .initializer("as", scalar(DType.FP32, 0.02)).initializer("azp", scalar(DType.UINT8, 120))
        .initializer("b", bytes(DType.INT8, -128, 127, 16, 5)).initializer("bs", scalar(DType.FP32, 0.01))
        .initializer("bzp", scalar(DType.INT8, 0)).initializer("ys", scalar(DType.FP32, 0.05))
        .initializer("yzp", scalar(DType.UINT8, 128))
        .node("QLinearMatMul", List.of("a", "as", "azp", "b", "bs", "bzp", "ys", "yzp"), List.of("y"))
        .output("y", DType.UINT8), "a", bytes(DType.UINT8, 0, ORT_EXACT_U8_MAX, 4, 16)));
    // ---- quantization ----
    c.add(named("DynamicQuantizeLinear", new OnnxGraphWriter(13).input("x", DType.FP32, 4, 8)
        .node("DynamicQuantizeLinear", List.of("x"), List.of("q", "s", "z"))
        .output("q", DType.UINT8).output("s", DType.FP32).output("z", DType.UINT8), "x", floats(4, 8)));
    c.add(named("QuantizeLinear uint8 then DequantizeLinear", new OnnxGraphWriter(13).input("x", DType.FP32, 4, 8)
        .initializer("s", scalar(DType.FP32, 0.03)).initializer("z", scalar(DType.UINT8, 128))
        .node("QuantizeLinear", List.of("x", "s", "z"), List.of("q"))
        .node("DequantizeLinear", List.of("q", "s", "z"), List.of("y"))
        .output("q", DType.UINT8).output("y", DType.FP32), "x", floats(4, 8)));
    c.add(named("QuantizeLinear int8 saturating", new OnnxGraphWriter(13).input("x", DType.FP32, 4, 8)
        .initializer("s", scalar(DType.FP32, 0.01)).initializer("z", scalar(DType.INT8, -5))
        .node("QuantizeLinear", List.of("x", "s", "z"), List.of("q")).output("q", DType.INT8), "x", floats(4, 8)));
    // ---- normalization and activations ----
    c.add(named("LayerNormalization", new OnnxGraphWriter(17).input("x", DType.FP32, 2, 3, 16)
        .initializer("g", floats(16)).initializer("b", floats(16))
        .node("LayerNormalization", List.of("x", "g", "b"), List.of("y"), i("axis", -1), f("epsilon", 1e-5f))
        .output("y", DType.FP32), "x", floats(2, 3, 16)));
    c.add(named("Gelu erf", new OnnxGraphWriter(20).input("x", DType.FP32, 3, 16)
        .node("Gelu", List.of("x"), List.of("y")).output("y", DType.FP32), "x", floats(3, 16)));
    c.add(named("Gelu tanh", new OnnxGraphWriter(20).input("x", DType.FP32, 3, 16)
        .node("Gelu", List.of("x"), List.of("y"), s("approximate", "tanh")).output("y", DType.FP32), "x", floats(3, 16)));
    c.add(named("Softmax", new OnnxGraphWriter(13).input("x", DType.FP32, 2, 3, 7)
        .node("Softmax", List.of("x"), List.of("y"), i("axis", -1)).output("y", DType.FP32), "x", floats(2, 3, 7)));
    for (String op : List.of("Tanh", "Sigmoid", "Relu", "Exp", "Erf", "Neg", "Abs")) {
      c.add(named(op, unaryGraph(13, op, 3, 8), "x", floats(3, 8)));
    }
    c.add(named("Sqrt and Log of |x|", new OnnxGraphWriter(13).input("x", DType.FP32, 3, 8)
        .node("Abs", List.of("x"), List.of("a")).node("Sqrt", List.of("a"), List.of("y")).node("Log", List.of("a"), List.of("z"))
        .output("y", DType.FP32).output("z", DType.FP32), "x", floats(3, 8)));
    // ---- elementwise binary, broadcasting ----
    for (String op : List.of("Add", "Sub", "Mul", "Div", "Max", "Min")) {
      c.add(named(op + " broadcast", new OnnxGraphWriter(13).input("x", DType.FP32, 2, 3, 4).input("y", DType.FP32, 3, 1)
          .node(op, List.of("x", "y"), List.of("z")).output("z", DType.FP32), "x", floats(2, 3, 4), "y", floats(3, 1)));
    }
    c.add(named("Pow by 2 and by 0.5 of |x|", new OnnxGraphWriter(13).input("x", DType.FP32, 3, 8)
        .initializer("two", scalar(DType.FP32, 2)).initializer("half", scalar(DType.FP32, 0.5))
        .node("Abs", List.of("x"), List.of("a")).node("Pow", List.of("x", "two"), List.of("y"))
        .node("Pow", List.of("a", "half"), List.of("z")).output("y", DType.FP32).output("z", DType.FP32), "x", floats(3, 8)));
    c.add(named("Where of Greater, Equal, Less", new OnnxGraphWriter(13).input("x", DType.FP32, 3, 4).input("y", DType.FP32, 3, 4)
        .node("Greater", List.of("x", "y"), List.of("g")).node("Where", List.of("g", "x", "y"), List.of("w"))
        .node("Less", List.of("x", "y"), List.of("l")).node("Equal", List.of("x", "x"), List.of("e"))
        .output("w", DType.FP32).output("l", DType.BOOL).output("e", DType.BOOL), "x", floats(3, 4), "y", floats(3, 4)));
    c.add(named("Where on a bool input", new OnnxGraphWriter(13).input("c", DType.BOOL, 3, 4).input("x", DType.FP32, 3, 4)
        .initializer("m", scalar(DType.FP32, -10000)).node("Where", List.of("c", "x", "m"), List.of("y")).output("y", DType.FP32),
        "c", bytes(DType.BOOL, 0, 1, 3, 4), "x", floats(3, 4)));
    // ---- data movement ----
    c.add(named("Expand", new OnnxGraphWriter(13).input("x", DType.FP32, 3, 1).initializer("shape", longs(2, 3, 4))
        .node("Expand", List.of("x", "shape"), List.of("y")).output("y", DType.FP32), "x", floats(3, 1)));
    c.add(named("Split by sizes (opset 13)", new OnnxGraphWriter(13).input("x", DType.FP32, 2, 6).initializer("sizes", longs(2, 4))
        .node("Split", List.of("x", "sizes"), List.of("a", "b"), i("axis", 1)).output("a", DType.FP32).output("b", DType.FP32),
        "x", floats(2, 6)));
    c.add(named("Split in equal parts (opset 18)", new OnnxGraphWriter(18).input("x", DType.FP32, 6, 2)
        .node("Split", List.of("x"), List.of("a", "b", "c"), i("axis", 0), i("num_outputs", 3))
        .output("a", DType.FP32).output("b", DType.FP32).output("c", DType.FP32), "x", floats(6, 2)));
    c.add(named("Squeeze and Unsqueeze (opset 13)", new OnnxGraphWriter(13).input("x", DType.FP32, 1, 3, 1, 4)
        .initializer("axes", longs(0, 2)).initializer("ax1", longs(1))
        .node("Squeeze", List.of("x", "axes"), List.of("s")).node("Unsqueeze", List.of("s", "ax1"), List.of("u"))
        .output("s", DType.FP32).output("u", DType.FP32), "x", floats(1, 3, 1, 4)));
    c.add(named("Transpose, Reshape, Concat", new OnnxGraphWriter(13).input("x", DType.FP32, 2, 3, 4)
        .initializer("shape", longs(4, -1)).node("Transpose", List.of("x"), List.of("t"), ints("perm", 2, 0, 1))
        .node("Reshape", List.of("t", "shape"), List.of("r")).node("Concat", List.of("r", "r"), List.of("c"), i("axis", 1))
        .output("c", DType.FP32), "x", floats(2, 3, 4)));
    c.add(named("Slice with steps and negative ends (opset 13)", new OnnxGraphWriter(13).input("x", DType.FP32, 4, 10)
        .initializer("st", longs(1, 0)).initializer("en", longs(-1, 10)).initializer("ax", longs(0, 1)).initializer("sp", longs(1, 3))
        .node("Slice", List.of("x", "st", "en", "ax", "sp"), List.of("y")).output("y", DType.FP32), "x", floats(4, 10)));
    c.add(named("Gather rows by input ids", new OnnxGraphWriter(13).input("ids", DType.INT64, 2, 3).initializer("table", floats(10, 4))
        .node("Gather", List.of("table", "ids"), List.of("y"), i("axis", 0)).output("y", DType.FP32),
        "ids", Tensor.ofLongs(new long[] {0, 9, 3, 3, 7, 1}, 2, 3)));
    c.add(named("ReduceMean (axes attribute) and ReduceSum (axes input)", new OnnxGraphWriter(13).input("x", DType.FP32, 2, 3, 8)
        .initializer("axes", longs(1)).node("ReduceMean", List.of("x"), List.of("m"), ints("axes", -1), i("keepdims", 1))
        .node("ReduceSum", List.of("x", "axes"), List.of("s"), i("keepdims", 0))
        .output("m", DType.FP32).output("s", DType.FP32), "x", floats(2, 3, 8)));
    c.add(named("Cast, Shape, ConstantOfShape, Range", new OnnxGraphWriter(13).input("x", DType.FP32, 2, 5)
        .initializer("zero", longs(0)).initializer("one", longs(1))
        .node("Shape", List.of("x"), List.of("sh")).node("ConstantOfShape", List.of("sh"), List.of("z"))
        .node("Gather", List.of("sh", "one"), List.of("n"), i("axis", 0)).node("Squeeze", List.of("n", "zero"), List.of("ns"))
        .initializer("s0", scalar(DType.INT64, 0)).initializer("s1", scalar(DType.INT64, 1))
        .node("Range", List.of("s0", "ns", "s1"), List.of("r")).node("Cast", List.of("r"), List.of("rf"), i("to", 1))
        .node("Add", List.of("x", "rf"), List.of("y")).node("Cast", List.of("x"), List.of("xi"), i("to", 6))
        .output("y", DType.FP32).output("z", DType.FP32).output("xi", DType.INT32), "x", floats(2, 5)));
    return c.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void opMatchesOnnxRuntime(Case c) {
    IRModule module = OnnxImporter.importModel(OnnxReader.read(c.model()), Map.of());
    Value ours = new ReferenceExecutor().run(module, c.inputs());
    List<Tensor> mine = ours instanceof Value.TupleValue(List<Value> fs) ? fs.stream().map(Value::tensor).toList() : List.of(ours.tensor());
    List<Tensor> ref;
    try (OnnxRuntimeReference ort = new OnnxRuntimeReference(c.model(), OnnxRuntimeReference.GraphOptimization.NONE)) {
      ref = List.copyOf(ort.run(c.inputs()).values());
    }
    assertEquals(ref.size(), mine.size(), "number of outputs");
    for (int k = 0; k < ref.size(); k++) {
      Tensor a = mine.get(k);
      Tensor r = ref.get(k);
      assertArrayEquals(r.shape(), a.shape(), "shape of output " + k);
      assertEquals(r.dtype(), a.dtype(), "dtype of output " + k);
      for (int e = 0; e < r.size(); e++) {
        if (r.dtype().isFloat()) {
          double want = r.getDouble(e);
          double got = a.getDouble(e);
          assertTrue(Math.abs(got - want) <= 1e-5 * (1 + Math.abs(want)),
              "output " + k + " element " + e + ": ours " + got + ", ONNX Runtime " + want);
        } else {
          assertEquals(r.getLong(e), a.getLong(e), "output " + k + " element " + e);
        }
      }
    }
  }

  /**
   * MatMulInteger and QLinearMatMul over the full uint8 x int8 range, checked against the ONNX spec computed here in
   * exact integer arithmetic (ONNX Runtime is not the judge for these inputs: see {@link #ORT_EXACT_U8_MAX}).
   * MatMulInteger: Y = sum_k (A - a_zp) (B - b_zp) in int32. QLinearMatMul: the same sum times
   * a_scale * b_scale / y_scale, rounded half to even, plus y_zp, saturated to uint8.
   */
  @org.junit.jupiter.api.Test
  void integerMatmulsFollowTheSpecOverTheFullRange() {
    Random rnd = new Random(11);
    int m = 6, k = 32, n = 5, azp = 131, bzp = -3, yzp = 128;
    float as = 0.02f, bs = 0.01f, ys = 0.05f;
    byte[] a = new byte[m * k];
    byte[] b = new byte[k * n];
    for (int e = 0; e < a.length; e++) a[e] = (byte) (e % 7 == 0 ? 255 : rnd.nextInt(256)); // the extremes included
    for (int e = 0; e < b.length; e++) b[e] = (byte) (e % 5 == 0 ? -128 : rnd.nextInt(256) - 128);
    Tensor ta = Tensor.ofBytes(DType.UINT8, a, m, k);
    Tensor tb = Tensor.ofBytes(DType.INT8, b, k, n);
    long[][] acc = new long[m][n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        for (int p = 0; p < k; p++) acc[i][j] += (long) ((a[i * k + p] & 0xFF) - azp) * (b[p * n + j] - bzp);
      }
    }
    byte[] mmi = new OnnxGraphWriter(13).input("a", DType.UINT8, m, k).initializer("b", tb)
        .initializer("azp", scalar(DType.UINT8, azp)).initializer("bzp", scalar(DType.INT8, bzp))
        .node("MatMulInteger", List.of("a", "b", "azp", "bzp"), List.of("y")).output("y", DType.INT32).bytes();
    Tensor y = new ReferenceExecutor().run(OnnxImporter.importModel(OnnxReader.read(mmi), Map.of()), Map.of("a", ta)).tensor();
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) assertEquals(acc[i][j], y.getLong(i * n + j), "MatMulInteger element (" + i + ", " + j + ")");
    }
    byte[] qlm = new OnnxGraphWriter(13).input("a", DType.UINT8, m, k)
        .initializer("as", scalar(DType.FP32, as)).initializer("azp", scalar(DType.UINT8, azp))
        .initializer("b", tb).initializer("bs", scalar(DType.FP32, bs)).initializer("bzp", scalar(DType.INT8, bzp))
        .initializer("ys", scalar(DType.FP32, ys)).initializer("yzp", scalar(DType.UINT8, yzp))
        .node("QLinearMatMul", List.of("a", "as", "azp", "b", "bs", "bzp", "ys", "yzp"), List.of("y"))
        .output("y", DType.UINT8).bytes();
    Tensor q = new ReferenceExecutor().run(OnnxImporter.importModel(OnnxReader.read(qlm), Map.of()), Map.of("a", ta)).tensor();
    int saturated = 0;
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double real = acc[i][j] * ((double) as * bs / ys);
        long got = q.getLong(i * n + j);
        double frac = real - Math.floor(real);
        // near a tie the spec's result depends on the scale's rounding (float or double): accept both neighbours
        if (Math.abs(frac - 0.5) < 1e-3) {
          long lo = Math.clamp((long) Math.floor(real) + yzp, 0, 255);
          long hi = Math.clamp((long) Math.floor(real) + 1 + yzp, 0, 255);
          assertTrue(got == lo || got == hi, "QLinearMatMul element (" + i + ", " + j + ") near a tie: " + got);
        } else {
          long want = Math.clamp((long) Math.rint(real) + yzp, 0, 255);
          if (want == 0 || want == 255) saturated++;
          assertEquals(want, got, "QLinearMatMul element (" + i + ", " + j + "), real " + real);
        }
      }
    }
    assertTrue(saturated > 0, "the inputs must reach the uint8 saturation of QLinearMatMul's output");
  }
}
