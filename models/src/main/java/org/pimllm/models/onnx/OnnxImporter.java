package org.pimllm.models.onnx;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.pimllm.ir.Builder;
import org.pimllm.ir.Constant;
import org.pimllm.ir.DType;
import org.pimllm.ir.Expr;
import org.pimllm.ir.Function;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Op;
import org.pimllm.ir.Ops;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.TensorType;
import org.pimllm.ir.TypeCheckException;
import org.pimllm.ir.Var;
import org.pimllm.ir.attrs.DenseAttrs;
import org.pimllm.ir.attrs.GeluAttrs;
import org.pimllm.ir.attrs.LayerNormAttrs;
import org.pimllm.ir.attrs.MatmulAttrs;
import org.pimllm.ir.attrs.ReduceAttrs;
import org.pimllm.ir.attrs.SplitAttrs;
import org.pimllm.ir.eval.Interpreter;
import org.pimllm.models.onnx.OnnxModel.Attribute;
import org.pimllm.models.onnx.OnnxModel.Node;

/**
 * Imports an ONNX model into the IR for fixed input shapes.
 *
 * <p>Every value is either <em>known</em> at import time (initializers, Constant nodes, and whatever is
 * computed only from them and from static shapes: the Shape/Gather/Unsqueeze/Concat/Reshape chains that
 * exporters emit) or <em>dynamic</em> (depends on the model inputs). Known values are folded with
 * {@link ConstEval}; dynamic ones become IR calls. An op or attribute we cannot import is reported by
 * name and node.
 */
public final class OnnxImporter {

  /** Ops with a mapping; anything else is reported as unsupported. */
  public static final Set<String> SUPPORTED = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Sqrt", "Exp", "Erf", "Tanh",
      "Sigmoid", "Relu", "Neg", "Abs", "Log", "Softmax", "ReduceMean", "ReduceSum", "Reshape", "Transpose", "Cast",
      "Gather", "Unsqueeze", "Squeeze", "Concat", "Slice", "Split", "Expand", "Where", "Equal", "Less", "Greater",
      "Shape", "Constant", "ConstantOfShape", "Range", "Identity", "MatMul", "Gemm", "LayerNormalization", "Gelu",
      "MatMulInteger", "DynamicQuantizeLinear", "DequantizeLinear", "QuantizeLinear", "QLinearMatMul", "Max", "Min");

  private final Builder b = new Builder();
  private final Map<String, Value> env = new HashMap<>();
  private final Map<Tensor, Constant> constants = new IdentityHashMap<>();
  private final Map<Tensor, String> knownNames = new IdentityHashMap<>();
  private final long opset;

  private sealed interface Value permits Known, Dyn {}

  private record Known(Tensor t) implements Value {}

  private record Dyn(Expr e) implements Value {}

  private OnnxImporter(long opset) {
    this.opset = opset;
  }

  public static IRModule importFile(Path file, Map<String, int[]> inputShapes) {
    return importModel(OnnxReader.read(file), inputShapes);
  }

  /**
   * @param inputShapes shapes of the graph inputs whose dimensions are symbolic (e.g. batch, sequence);
   *     inputs with fully known shapes may be omitted
   */
  public static IRModule importModel(OnnxModel model, Map<String, int[]> inputShapes) {
    OnnxImporter im = new OnnxImporter(model.defaultOpset() < 0 ? 1 : model.defaultOpset());
    try {
      return im.run(model.graph(), inputShapes);
    } catch (OnnxFormatException e) {
      throw e;
    } catch (IllegalArgumentException e) { // wrong-input errors quote the file's names: keep them on one line too
      throw new IllegalArgumentException(OnnxFormatException.printable(e.getMessage()), e);
    }
  }

  /** The op types of a model that this importer cannot map, sorted; empty when everything is supported. */
  public static Set<String> unsupportedOps(OnnxModel model) {
    Set<String> out = new TreeSet<>();
    for (Node n : model.graph().nodes()) {
      if (!supported(n)) {
        out.add(qualifiedOp(n));
      }
    }
    return out;
  }

  /** Ops of the default ONNX domain that have a mapping; a same-named op of another domain is a different op. */
  private static boolean supported(Node n) {
    return SUPPORTED.contains(n.opType()) && (n.domain().isEmpty() || n.domain().equals("ai.onnx"));
  }

  private static String qualifiedOp(Node n) {
    return n.domain().isEmpty() ? n.opType() : n.domain() + "." + n.opType();
  }

  private IRModule run(OnnxModel.Graph g, Map<String, int[]> inputShapes) {
    for (OnnxModel.Tensor init : g.initializers()) {
      Tensor t = toTensor(init);
      env.put(init.name(), new Known(t));
      knownNames.put(t, init.name());
    }
    Set<String> unknown = new TreeSet<>(inputShapes.keySet());
    g.inputs().forEach(in -> unknown.remove(in.name()));
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("the model has no input(s) named " + unknown + "; its inputs are "
          + g.inputs().stream().map(OnnxModel.ValueInfo::name).filter(n -> !env.containsKey(n)).toList());
    }
    List<Var> params = new ArrayList<>();
    for (OnnxModel.ValueInfo in : g.inputs()) {
      if (env.containsKey(in.name())) {
        continue; // an initializer listed as input (IR version < 4): a constant
      }
      Var v = b.var(in.name(), TensorType.of(dtype(in.elemType(), "input '" + in.name() + "'"), inputShape(in, inputShapes.get(in.name()))));
      params.add(v);
      env.put(in.name(), new Dyn(v));
    }
    Map<String, Node> unsupported = new TreeMap<>(); // each unsupported op once, with the first node using it
    for (Node n : g.nodes()) {
      if (!supported(n)) {
        unsupported.putIfAbsent(qualifiedOp(n), n);
      }
    }
    if (!unsupported.isEmpty()) {
      throw new OnnxFormatException("unsupported ONNX op(s): " + String.join(", ", unsupported.entrySet().stream()
          .map(e -> e.getKey() + " (first at " + e.getValue().describe() + ")").toList()));
    }
    for (Node n : g.nodes()) {
      List<Value> outs;
      try {
        outs = foldIfConstant(n, convert(n));
      } catch (TypeCheckException | IllegalStateException e) {
        throw new OnnxFormatException(n.describe() + ": " + e.getMessage(), e);
      } catch (ArithmeticException e) { // a size computed from the model's values overflowed
        throw new OnnxFormatException(n.describe() + ": sizes too large (" + e.getMessage() + ")", e);
      }
      for (int i = 0; i < n.outputs().size() && i < outs.size(); i++) {
        if (!n.outputs().get(i).isEmpty()) {
          env.put(n.outputs().get(i), outs.get(i));
        }
      }
    }
    List<Expr> results = new ArrayList<>();
    for (OnnxModel.ValueInfo out : g.outputs()) {
      Value v = env.get(out.name());
      if (v == null) {
        throw new OnnxFormatException("graph output '" + out.name() + "' is not produced by any node");
      }
      results.add(expr(v, out.name()));
    }
    Expr body = results.size() == 1 ? results.getFirst() : b.tuple(results.toArray(Expr[]::new));
    Function main = b.function(params, body);
    return b.module(main);
  }

  private static int[] inputShape(OnnxModel.ValueInfo in, int[] given) {
    List<OnnxModel.Dim> dims = in.shape();
    if (given != null) {
      if (given.length != dims.size()) {
        throw new IllegalArgumentException("input '" + in.name() + "' has rank " + dims.size() + " " + dims
            + " but shape " + Arrays.toString(given) + " was given");
      }
      for (int i = 0; i < given.length; i++) {
        if (given[i] <= 0) {
          throw new IllegalArgumentException("input '" + in.name() + "': dimension " + i + " must be positive, got " + given[i]);
        }
        if (dims.get(i).known() && dims.get(i).value() != given[i]) {
          throw new IllegalArgumentException("input '" + in.name() + "': dimension " + i + " is fixed to "
              + dims.get(i).value() + " by the model, but " + given[i] + " was given");
        }
      }
      return given.clone();
    }
    int[] shape = new int[dims.size()];
    for (int i = 0; i < shape.length; i++) {
      if (!dims.get(i).known()) {
        throw new IllegalArgumentException("input '" + in.name() + "' has symbolic dimension '" + dims.get(i)
            + "'; give its shape (e.g. [1, 16])");
      }
      shape[i] = dim(dims.get(i).value(), "input '" + in.name() + "'");
    }
    return shape;
  }

  // ---- per-node conversion ----

  private List<Value> convert(Node n) {
    String where = n.describe();
    return switch (n.opType()) {
      case "Identity" -> List.of(in(n, 0));
      case "Constant" -> List.of(new Known(constantAttr(n)));
      case "Shape" -> List.of(new Known(shapeOf(in(n, 0))));
      case "Add" -> List.of(binary(n, Ops.ADD));
      case "Sub" -> List.of(binary(n, Ops.SUBTRACT));
      case "Mul" -> List.of(binary(n, Ops.MULTIPLY));
      case "Div" -> List.of(binary(n, Ops.DIVIDE));
      case "Pow" -> List.of(binary(n, Ops.POWER));
      case "Max" -> List.of(binary(n, Ops.MAXIMUM));
      case "Min" -> List.of(binary(n, Ops.MINIMUM));
      case "Equal" -> List.of(binary(n, Ops.EQUAL));
      case "Less" -> List.of(binary(n, Ops.LESS));
      case "Greater" -> List.of(binary(n, Ops.GREATER));
      case "Sqrt" -> List.of(unary(n, Ops.SQRT));
      case "Exp" -> List.of(unary(n, Ops.EXP));
      case "Erf" -> List.of(unary(n, Ops.ERF));
      case "Tanh" -> List.of(unary(n, Ops.TANH));
      case "Sigmoid" -> List.of(unary(n, Ops.SIGMOID));
      case "Relu" -> List.of(unary(n, Ops.RELU));
      case "Neg" -> List.of(unary(n, Ops.NEGATIVE));
      case "Abs" -> List.of(unary(n, Ops.ABS));
      case "Log" -> List.of(unary(n, Ops.LOG));
      case "Where" -> List.of(where(n));
      case "Cast" -> List.of(cast(n));
      case "Reshape" -> List.of(reshape(n));
      case "Transpose" -> List.of(transpose(n));
      case "Gather" -> List.of(gather(n));
      case "Unsqueeze" -> List.of(unsqueeze(n));
      case "Squeeze" -> List.of(squeeze(n));
      case "Concat" -> List.of(concat(n));
      case "Slice" -> List.of(slice(n));
      case "Split" -> split(n);
      case "Expand" -> List.of(expand(n));
      case "ConstantOfShape" -> List.of(constantOfShape(n));
      case "Range" -> List.of(new Known(ConstEval.range(known(n, 0), known(n, 1), known(n, 2))));
      case "Softmax" -> List.of(softmax(n));
      case "ReduceMean", "ReduceSum" -> List.of(reduce(n));
      case "MatMul" -> List.of(matmul(n));
      case "Gemm" -> List.of(gemm(n));
      case "LayerNormalization" -> List.of(layerNorm(n));
      case "Gelu" -> List.of(new Dyn(b.call(Ops.GELU,
          "tanh".equals(stringAttr(n, "approximate", "none")) ? GeluAttrs.TANH : GeluAttrs.ERF, dyn(n, 0))));
      case "MatMulInteger" -> List.of(matmulInteger(n));
      case "DynamicQuantizeLinear" -> {
        Expr q = b.dynamicQuantize(dyn(n, 0));
        yield List.of(new Dyn(b.get(q, 0)), new Dyn(b.get(q, 1)), new Dyn(b.get(q, 2)));
      }
      case "DequantizeLinear" -> List.of(dequantize(n));
      case "QuantizeLinear" -> List.of(quantize(n));
      case "QLinearMatMul" -> List.of(qlinearMatmul(n));
      default -> throw new OnnxFormatException("unsupported ONNX op " + where);
    };
  }

  /** Largest result (elements) folded at import time; bigger all-constant results stay in the graph for FoldConstant. */
  private static final int FOLD_LIMIT = 1 << 24;

  /**
   * A node whose inputs are all known is evaluated now with the IR's reference interpreter, so shape
   * chains become constants and later nodes can read them as parameters (reshape targets, axes...).
   */
  private List<Value> foldIfConstant(Node n, List<Value> outs) {
    if (!allKnown(n)) {
      return outs;
    }
    List<Value> folded = new ArrayList<>(outs.size());
    for (Value v : outs) {
      if (v instanceof Dyn(Expr e) && e.type() instanceof TensorType t && t.numElements() <= FOLD_LIMIT) {
        folded.add(new Known(Interpreter.eval(e, Map.of()).tensor()));
      } else {
        folded.add(v);
      }
    }
    return folded;
  }

  // ---- value access ----

  private Value in(Node n, int i) {
    if (i >= n.inputs().size() || n.inputs().get(i).isEmpty()) {
      throw new OnnxFormatException(n.describe() + ": missing input " + i);
    }
    Value v = env.get(n.inputs().get(i));
    if (v == null) {
      throw new OnnxFormatException(n.describe() + ": input '" + n.inputs().get(i) + "' is not defined before it is used");
    }
    return v;
  }

  private boolean hasInput(Node n, int i) {
    return i < n.inputs().size() && !n.inputs().get(i).isEmpty();
  }

  private Tensor known(Node n, int i) {
    if (in(n, i) instanceof Known k) {
      return k.t();
    }
    throw new OnnxFormatException(n.describe() + ": input '" + n.inputs().get(i)
        + "' must be known at import time (a constant or computed from shapes), but it depends on the model inputs");
  }

  private Expr dyn(Node n, int i) {
    return expr(in(n, i), n.inputs().get(i));
  }

  private Expr expr(Value v, String name) {
    return switch (v) {
      case Dyn d -> d.e();
      case Known k -> constants.computeIfAbsent(k.t(), t -> b.constant(t, sanitize(knownNames.getOrDefault(t, name))));
    };
  }

  private static String sanitize(String name) {
    String s = name.replaceAll("[^A-Za-z0-9_.]", "_");
    return s.isEmpty() || Character.isDigit(s.charAt(0)) ? "c_" + s : s;
  }

  private boolean allKnown(Node n) {
    for (int i = 0; i < n.inputs().size(); i++) {
      if (hasInput(n, i) && !(in(n, i) instanceof Known)) {
        return false;
      }
    }
    return true;
  }

  private Tensor shapeOf(Value v) {
    int[] shape = shapeOfValue(v);
    long[] out = new long[shape.length];
    for (int i = 0; i < shape.length; i++) {
      out[i] = shape[i];
    }
    return Tensor.ofLongs(out, shape.length);
  }

  private static int[] shapeOfValue(Value v) {
    return switch (v) {
      case Known k -> k.t().shape();
      case Dyn d -> d.e().tensorType().shapeArray();
    };
  }

  // ---- elementwise ----

  private Value binary(Node n, Op op) {
    return new Dyn(b.call(op, dyn(n, 0), dyn(n, 1)));
  }

  private Value unary(Node n, Op op) {
    return new Dyn(b.call(op, dyn(n, 0)));
  }

  private Value where(Node n) {
    return new Dyn(b.where(dyn(n, 0), dyn(n, 1), dyn(n, 2)));
  }

  private Value cast(Node n) {
    DType to = dtype(OnnxDataType.of((int) intAttr(n, "to", -1)), n.describe());
    return new Dyn(b.cast(dyn(n, 0), to));
  }

  // ---- shapes and movement ----

  private Value reshape(Node n) {
    int[] inShape = shapeOfValue(in(n, 0));
    long[] target = known(n, 1).dtype() == DType.INT64 ? known(n, 1).longs() : toLongs(known(n, 1));
    boolean allowZero = intAttr(n, "allowzero", 0) != 0;
    return new Dyn(b.reshape(dyn(n, 0), resolveReshape(inShape, target, allowZero, n.describe())));
  }

  static int[] resolveReshape(int[] in, long[] target, boolean allowZero, String where) {
    int[] out = new int[target.length];
    int infer = -1;
    long known = 1;
    for (int i = 0; i < target.length; i++) {
      long t = target[i];
      if (t == 0 && !allowZero) {
        if (i >= in.length) {
          throw new OnnxFormatException(where + ": reshape dimension " + i + " is 0 (copy) but the input has rank " + in.length);
        }
        t = in[i];
      }
      if (t == -1) {
        if (infer >= 0) {
          throw new OnnxFormatException(where + ": reshape target " + Arrays.toString(target) + " has more than one -1");
        }
        infer = i;
        continue;
      }
      if (t < 0) {
        throw new OnnxFormatException(where + ": invalid reshape dimension " + t);
      }
      out[i] = dim(t, where + ": reshape target");
      known = Math.multiplyExact(known, t); // both fit in int, so the product fits in long
    }
    long total = ConstEval.size(in);
    if (infer >= 0) {
      if (known == 0 || total % known != 0) {
        throw new OnnxFormatException(where + ": cannot reshape " + Arrays.toString(in) + " to " + Arrays.toString(target));
      }
      out[infer] = (int) (total / known);
    } else if (known != total) {
      throw new OnnxFormatException(where + ": cannot reshape " + Arrays.toString(in) + " (" + total + " elements) to "
          + Arrays.toString(target));
    }
    return out;
  }

  private Value transpose(Node n) {
    int rank = shapeOfValue(in(n, 0)).length;
    long[] permAttr = intsAttr(n, "perm", null);
    int[] perm = new int[rank];
    for (int i = 0; i < rank; i++) {
      perm[i] = permAttr == null ? rank - 1 - i : (int) permAttr[i];
    }
    return new Dyn(b.transpose(dyn(n, 0), perm));
  }

  private Value gather(Node n) {
    return new Dyn(b.take(dyn(n, 0), dyn(n, 1), (int) intAttr(n, "axis", 0)));
  }

  /**
   * A list that was an attribute and became an input in a later opset ({@code sinceOpset}): axes of
   * Squeeze/Unsqueeze/ReduceSum (13) and the other reductions (18), split sizes (13).
   */
  private long[] inputOrAttr(Node n, int input, int sinceOpset, String attr, long[] dflt) {
    if (opset >= sinceOpset && hasInput(n, input)) {
      return toLongs(known(n, input));
    }
    return intsAttr(n, attr, dflt);
  }

  private Value unsqueeze(Node n) {
    long[] axes = inputOrAttr(n, 1, 13, "axes", new long[0]);
    int[] inShape = shapeOfValue(in(n, 0));
    return new Dyn(b.reshape(dyn(n, 0), ConstEval.unsqueezedShape(inShape, axes, n.describe())));
  }

  private Value squeeze(Node n) {
    long[] axes = inputOrAttr(n, 1, 13, "axes", new long[0]);
    return new Dyn(b.reshape(dyn(n, 0), ConstEval.squeezedShape(shapeOfValue(in(n, 0)), axes, n.describe())));
  }

  private Value concat(Node n) {
    if (!n.attributes().containsKey("axis")) {
      throw new OnnxFormatException(n.describe() + ": Concat needs an axis attribute");
    }
    int axis = (int) intAttr(n, "axis", 0);
    List<Expr> parts = new ArrayList<>();
    for (int i = 0; i < n.inputs().size(); i++) {
      parts.add(dyn(n, i));
    }
    return new Dyn(b.concatenate(parts, axis));
  }

  private Value slice(Node n) {
    int rank = shapeOfValue(in(n, 0)).length;
    long[] starts;
    long[] ends;
    long[] axesL;
    long[] steps;
    if (opset >= 10) {
      starts = toLongs(known(n, 1));
      ends = toLongs(known(n, 2));
      axesL = hasInput(n, 3) ? toLongs(known(n, 3)) : null;
      steps = hasInput(n, 4) ? toLongs(known(n, 4)) : null;
    } else {
      starts = intsAttr(n, "starts", null);
      ends = intsAttr(n, "ends", null);
      axesL = intsAttr(n, "axes", null);
      steps = null;
      if (starts == null || ends == null) {
        throw new OnnxFormatException(n.describe() + ": Slice needs starts and ends");
      }
    }
    if (starts.length != ends.length) {
      throw new OnnxFormatException(n.describe() + ": starts and ends differ in length");
    }
    int[] axes = new int[starts.length];
    for (int i = 0; i < axes.length; i++) {
      axes[i] = axesL == null ? i : ConstEval.normAxis((int) axesL[i], rank, n.describe());
    }
    if (steps == null) {
      steps = new long[starts.length];
      Arrays.fill(steps, 1);
    }
    int[] inShape = shapeOfValue(in(n, 0));
    List<Integer> begin = new ArrayList<>();
    List<Integer> end = new ArrayList<>();
    List<Integer> stride = new ArrayList<>();
    List<Integer> ax = new ArrayList<>();
    for (int i = 0; i < axes.length; i++) {
      long dim = inShape[axes[i]];
      begin.add((int) Math.clamp(starts[i], -dim - 1, dim));
      end.add((int) Math.clamp(ends[i], -dim - 1, dim));
      stride.add(Math.toIntExact(steps[i]));
      ax.add(axes[i]);
    }
    return new Dyn(b.stridedSlice(dyn(n, 0), begin, end, stride, ax));
  }

  private List<Value> split(Node n) {
    int[] shape = shapeOfValue(in(n, 0));
    int axis = ConstEval.normAxis((int) intAttr(n, "axis", 0), shape.length, n.describe());
    long[] sizes = inputOrAttr(n, 1, 13, "split", null);
    int outputs = n.outputs().size();
    if (sizes == null) {
      if (shape[axis] % outputs != 0) {
        throw new OnnxFormatException(n.describe() + ": dimension " + shape[axis] + " does not split into " + outputs + " equal parts");
      }
      sizes = new long[outputs];
      Arrays.fill(sizes, shape[axis] / outputs);
    }
    List<Integer> indices = new ArrayList<>();
    long acc = 0;
    for (int i = 0; i < sizes.length - 1; i++) {
      acc += sizes[i];
      indices.add((int) acc);
    }
    if (acc + sizes[sizes.length - 1] != shape[axis]) {
      throw new OnnxFormatException(n.describe() + ": split sizes " + Arrays.toString(sizes) + " do not add up to " + shape[axis]);
    }
    Expr t = b.call(Ops.SPLIT, SplitAttrs.indices(indices, axis), dyn(n, 0));
    List<Value> out = new ArrayList<>();
    for (int i = 0; i < sizes.length; i++) {
      out.add(new Dyn(b.get(t, i)));
    }
    return out;
  }

  private Value expand(Node n) {
    int[] shape = ConstEval.broadcast(shapeOfValue(in(n, 0)), dims(toLongs(known(n, 1)), n.describe()), n.describe());
    return new Dyn(b.broadcastTo(dyn(n, 0), shape));
  }

  private Value constantOfShape(Node n) {
    int[] shape = dims(toLongs(known(n, 0)), n.describe());
    Attribute value = n.attributes().get("value");
    Tensor v = value == null ? Tensor.ofFloats(new float[] {0f}, 1) : toTensor(value.t());
    return new Known(ConstEval.fill(shape, v));
  }

  // ---- normalization, reductions ----

  private Value softmax(Node n) {
    int rank = shapeOfValue(in(n, 0)).length;
    int axis = ConstEval.normAxis((int) intAttr(n, "axis", opset >= 13 ? -1 : 1), rank, n.describe());
    if (opset < 13 && axis != rank - 1) {
      throw new OnnxFormatException(n.describe() + ": Softmax before opset 13 flattens the axes from " + axis
          + " on; only axis = last (" + (rank - 1) + ") is supported");
    }
    return new Dyn(b.softmax(dyn(n, 0), axis));
  }

  private Value reduce(Node n) {
    long[] axes = inputOrAttr(n, 1, n.opType().equals("ReduceSum") ? 13 : 18, "axes", new long[0]);
    boolean keep = intAttr(n, "keepdims", 1) != 0;
    List<Integer> ax = new ArrayList<>();
    for (long a : axes) {
      ax.add((int) a);
    }
    Op op = n.opType().equals("ReduceMean") ? Ops.MEAN : Ops.SUM;
    return new Dyn(b.call(op, new ReduceAttrs(ax.isEmpty() ? null : ax, keep), dyn(n, 0)));
  }

  private Value layerNorm(Node n) {
    int axis = (int) intAttr(n, "axis", -1);
    double eps = floatAttr(n, "epsilon", 1e-5f);
    int rank = shapeOfValue(in(n, 0)).length;
    if (ConstEval.normAxis(axis, rank, n.describe()) != rank - 1) {
      throw new OnnxFormatException(n.describe() + ": LayerNormalization over more than the last axis is not supported");
    }
    Expr beta = hasInput(n, 2) ? dyn(n, 2) : b.zeros(n.name() + "_beta", shapeOfValue(in(n, 1)));
    return new Dyn(b.layerNorm(dyn(n, 0), dyn(n, 1), beta, new LayerNormAttrs(-1, eps, true, true)));
  }

  // ---- GEMMs ----

  /** MatMul: constant B stays as stored (K, N) in nn.matmul; two dynamic operands make a batch_matmul. */
  private Value matmul(Node n) {
    if (allKnown(n)) {
      throw new OnnxFormatException(n.describe() + ": MatMul of two constants is not folded at import; run FoldConstant");
    }
    Op op = in(n, 1) instanceof Known ? Ops.MATMUL : Ops.BATCH_MATMUL;
    return new Dyn(b.call(op, MatmulAttrs.MATMUL_DEFAULT, dyn(n, 0), dyn(n, 1)));
  }

  private Value gemm(Node n) {
    boolean ta = intAttr(n, "transA", 0) != 0;
    boolean tb = intAttr(n, "transB", 0) != 0;
    double alpha = floatAttr(n, "alpha", 1f);
    double beta = floatAttr(n, "beta", 1f);
    Expr y = b.matmul(dyn(n, 0), dyn(n, 1), ta, tb);
    if (alpha != 1.0) {
      y = b.multiply(y, b.scalar((float) alpha));
    }
    if (hasInput(n, 2)) {
      Expr c = dyn(n, 2);
      y = b.add(y, beta == 1.0 ? c : b.multiply(c, b.scalar((float) beta)));
    }
    return new Dyn(y);
  }

  /**
   * MatMulInteger(A uint8/int8, B int8 (K, N), a_zero_point, b_zero_point) -> int32. B must be a constant;
   * it becomes the (N, K) weight of qnn.dense (transposed here, once, at import).
   */
  private Value matmulInteger(Node n) {
    Tensor bT = known(n, 1);
    if (bT.rank() != 2) {
      throw new OnnxFormatException(n.describe() + ": only a 2-D constant B is supported, got " + Arrays.toString(bT.shape()));
    }
    Tensor w = transposed(bT);
    Expr aZp = zeroPoint(n, 2);
    Expr bZp;
    if (hasInput(n, 3)) {
      Tensor z = known(n, 3);
      if (z.size() != 1 && z.size() != w.dim(0)) {
        throw new OnnxFormatException(n.describe() + ": b_zero_point must be a scalar or have one value per column");
      }
      bZp = b.constant(evaluate(b.cast(b.reshape(b.constant(z), z.size() == 1 ? new int[0] : z.shape()), DType.INT32)));
    } else {
      bZp = int32Zero();
    }
    Expr a = dyn(n, 0);
    Constant wc = b.constant(w, sanitize(n.inputs().get(1)) + "_T");
    return new Dyn(b.call(Ops.QNN_DENSE, DenseAttrs.INT32_OUT, a, wc, aZp, bZp));
  }

  private Value dequantize(Node n) {
    Expr zp = zeroPoint(n, 2);
    int axis = (int) intAttr(n, "axis", 1);
    Expr scale = dyn(n, 1);
    boolean perTensor = scale.tensorType().numElements() == 1;
    return new Dyn(b.dequantize(b.cast(dyn(n, 0), DType.INT32), scale, zp, perTensor ? -1 : axis));
  }

  private Value quantize(Node n) {
    DType out = hasInput(n, 2) ? dtypeOf(in(n, 2)) : DType.UINT8;
    Expr zp = zeroPoint(n, 2);
    Expr scale = dyn(n, 1);
    int axis = (int) intAttr(n, "axis", 1);
    boolean perTensor = scale.tensorType().numElements() == 1;
    return new Dyn(b.quantize(dyn(n, 0), scale, zp, out, perTensor ? -1 : axis));
  }

  /** QLinearMatMul = qnn.dense of the int8 operands, then requantize by a_scale * b_scale / y_scale. */
  private Value qlinearMatmul(Node n) {
    Tensor bq = known(n, 3);
    Tensor w = transposed(bq);
    Expr aZp = b.cast(dyn(n, 2), DType.INT32);
    Expr bZp = b.constant(evaluate(b.cast(b.constant(known(n, 5)), DType.INT32)));
    Expr acc = b.call(Ops.QNN_DENSE, DenseAttrs.INT32_OUT, dyn(n, 0), b.constant(w), aZp, bZp);
    Expr inScale = b.multiply(dyn(n, 1), dyn(n, 4));
    DType out = dtypeOf(in(n, 7));
    return new Dyn(b.requantize(acc, inScale, int32Zero(), dyn(n, 6),
        b.cast(dyn(n, 7), DType.INT32), out, -1));
  }

  /** An optional zero-point input as int32; 0 when the node leaves it out. */
  private Expr zeroPoint(Node n, int i) {
    return hasInput(n, i) ? b.cast(dyn(n, i), DType.INT32) : int32Zero();
  }

  private Expr int32Zero() {
    return b.constant(Tensor.scalarLong(DType.INT32, 0));
  }

  private static Tensor evaluate(Expr constantExpr) {
    return Interpreter.eval(constantExpr, Map.of()).tensor();
  }

  /** A constant 2-D weight (K, N) as (N, K), computed once at import. */
  private Tensor transposed(Tensor t) {
    return evaluate(b.transpose(b.constant(t), 1, 0));
  }

  private static DType dtypeOf(Value v) {
    return switch (v) {
      case Known k -> k.t().dtype();
      case Dyn d -> d.e().dtype();
    };
  }

  // ---- attributes and tensors ----

  private static long intAttr(Node n, String name, long dflt) {
    Attribute a = n.attributes().get(name);
    return a == null ? dflt : a.i();
  }

  private static float floatAttr(Node n, String name, float dflt) {
    Attribute a = n.attributes().get(name);
    return a == null ? dflt : a.f();
  }

  private static String stringAttr(Node n, String name, String dflt) {
    Attribute a = n.attributes().get(name);
    return a == null ? dflt : a.string();
  }

  private static long[] intsAttr(Node n, String name, long[] dflt) {
    Attribute a = n.attributes().get(name);
    return a == null ? dflt : a.ints();
  }

  private Tensor constantAttr(Node n) {
    Map<String, Attribute> attrs = n.attributes();
    if (attrs.get("value") != null) {
      return toTensor(attrs.get("value").t());
    }
    if (attrs.get("value_float") != null) {
      return Tensor.ofFloats(new float[] {attrs.get("value_float").f()});
    }
    if (attrs.get("value_int") != null) {
      return Tensor.ofLongs(new long[] {attrs.get("value_int").i()});
    }
    if (attrs.get("value_floats") != null) {
      float[] f = attrs.get("value_floats").floats();
      return Tensor.ofFloats(f, f.length);
    }
    if (attrs.get("value_ints") != null) {
      long[] v = attrs.get("value_ints").ints();
      return Tensor.ofLongs(v, v.length);
    }
    throw new OnnxFormatException(n.describe() + ": Constant without a supported value attribute " + attrs.keySet());
  }

  private static long[] toLongs(Tensor t) {
    long[] out = new long[t.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = t.getLong(i);
    }
    return out;
  }

  /** ONNX's int64 dimensions as the IR's int ones; one that does not fit is a format error. */
  private static int[] dims(long[] dims, String where) {
    int[] out = new int[dims.length];
    for (int i = 0; i < dims.length; i++) {
      out[i] = dim(dims[i], where + ": shape " + Arrays.toString(dims));
    }
    return out;
  }

  /** One int64 dimension as an int, or an error naming where it came from (the IR's sizes are ints). */
  private static int dim(long d, String where) {
    if (d < Integer.MIN_VALUE || d > Integer.MAX_VALUE) {
      throw new OnnxFormatException(where + ": dimension " + d + " does not fit in 32 bits (at most "
          + Integer.MAX_VALUE + ")");
    }
    return (int) d;
  }

  static DType dtype(OnnxDataType t, String where) {
    return switch (t) {
      case FLOAT -> DType.FP32;
      case UINT8 -> DType.UINT8;
      case INT8 -> DType.INT8;
      case INT16 -> DType.INT16;
      case INT32 -> DType.INT32;
      case INT64 -> DType.INT64;
      case BOOL -> DType.BOOL;
      case FLOAT16 -> DType.FP16;
      case BFLOAT16 -> DType.BF16;
      default -> throw new OnnxFormatException(where + ": data type " + t + " is not supported");
    };
  }

  static Tensor toTensor(OnnxModel.Tensor t) {
    if (t == null) {
      throw new OnnxFormatException("missing tensor value");
    }
    int[] shape = dims(t.dims(), "tensor '" + t.name() + "'");
    java.nio.ByteBuffer buf = t.buffer();
    String where = "tensor '" + t.name() + "'";
    return switch (t.dataType()) {
      case FLOAT -> Tensor.ofFloats(t.floats(), shape);
      case INT64 -> Tensor.ofLongs(t.longs(), shape);
      case INT32 -> Tensor.ofInts(t.ints(), shape);
      case INT8, UINT8, BOOL -> Tensor.ofBytes(dtype(t.dataType(), where), t.data().clone(), shape);
      case INT16, FLOAT16, BFLOAT16 -> {
        short[] s = new short[(int) t.elementCount()];
        buf.asShortBuffer().get(s);
        yield Tensor.ofShorts(dtype(t.dataType(), where), s, shape);
      }
      case DOUBLE -> {
        float[] f = new float[(int) t.elementCount()];
        for (int i = 0; i < f.length; i++) {
          f[i] = (float) buf.getDouble(8 * i);
        }
        yield Tensor.ofFloats(f, shape);
      }
      default -> throw new OnnxFormatException(where + ": data type " + t.dataType() + " is not supported");
    };
  }
}
