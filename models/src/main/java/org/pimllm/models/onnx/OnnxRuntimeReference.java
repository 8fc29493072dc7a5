package org.pimllm.models.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.pimllm.ir.DType;
import org.pimllm.ir.Tensor;

/**
 * Runs an ONNX model with ONNX Runtime (CPU), the independent reference our imported models are
 * checked against. One instance holds one session; close it when done.
 *
 * <p>{@link GraphOptimization#NONE} runs the graph as written, node by node; {@link GraphOptimization#ALL}
 * lets ONNX Runtime fuse nodes first (its default), which changes the float rounding of the fused parts.
 * For dynamically quantized models that matters beyond the rounding: a last-bit change of a
 * DynamicQuantizeLinear input can move an element to the neighbouring uint8 step, and later layers carry
 * that on (docs/onnx.md, "Accuracy").
 */
public final class OnnxRuntimeReference implements AutoCloseable {

  /** ONNX Runtime's graph optimization level for the session. */
  public enum GraphOptimization { NONE, ALL }

  private final OrtEnvironment env;
  private final OrtSession session;

  /** A session with ONNX Runtime's default graph optimizations ({@link GraphOptimization#ALL}). */
  public OnnxRuntimeReference(Path model) {
    this(model, GraphOptimization.ALL);
  }

  public OnnxRuntimeReference(Path model, GraphOptimization optimization) {
    env = OrtEnvironment.getEnvironment();
    try {
      session = env.createSession(model.toString(), options(optimization));
    } catch (OrtException e) {
      throw new IllegalArgumentException("ONNX Runtime cannot load " + model + ": " + e.getMessage(), e);
    }
  }

  /** A session on a model held in memory (the bytes of an .onnx file). */
  public OnnxRuntimeReference(byte[] model, GraphOptimization optimization) {
    env = OrtEnvironment.getEnvironment();
    try {
      session = env.createSession(model, options(optimization));
    } catch (OrtException e) {
      throw new IllegalArgumentException("ONNX Runtime cannot load the model: " + e.getMessage(), e);
    }
  }

  private static OrtSession.SessionOptions options(GraphOptimization optimization) {
    try {
      OrtSession.SessionOptions options = new OrtSession.SessionOptions();
      options.setIntraOpNumThreads(Math.max(1, Runtime.getRuntime().availableProcessors()));
      options.setOptimizationLevel(switch (optimization) {
        case NONE -> OrtSession.SessionOptions.OptLevel.NO_OPT;
        case ALL -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
      });
      return options;
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime session options: " + e.getMessage(), e);
    }
  }

  /**
   * Runs the model on IR tensors given by input name and returns every output as an IR tensor, by name.
   * Supports float32, int64, int32, int8, uint8 and bool tensors.
   */
  public Map<String, Tensor> run(Map<String, Tensor> inputs) {
    return run(inputs, (name, value) -> {
      if (!(value instanceof OnnxTensor t)) {
        throw new IllegalArgumentException("output '" + name + "' is not a tensor");
      }
      return fromOrt(t);
    });
  }

  /**
   * Runs the session on {@code inputs} and keeps each output as {@code output} converts it (null: left out).
   * The ONNX Runtime tensors made for the inputs are closed again.
   */
  private <T> Map<String, T> run(Map<String, Tensor> inputs, BiFunction<String, OnnxValue, T> output) {
    Map<String, OnnxTensor> feeds = new HashMap<>();
    try {
      for (Map.Entry<String, Tensor> in : inputs.entrySet()) {
        feeds.put(in.getKey(), toOrt(in.getValue()));
      }
      Map<String, T> out = new LinkedHashMap<>();
      try (OrtSession.Result result = session.run(feeds)) {
        for (Map.Entry<String, OnnxValue> e : result) {
          T v = output.apply(e.getKey(), e.getValue());
          if (v != null) {
            out.put(e.getKey(), v);
          }
        }
      }
      return out;
    } catch (OrtException e) {
      throw new IllegalArgumentException("ONNX Runtime failed to run the model: " + e.getMessage(), e);
    } finally {
      feeds.values().forEach(OnnxTensor::close);
    }
  }

  private OnnxTensor toOrt(Tensor t) throws OrtException {
    long[] shape = Arrays.stream(t.shape()).asLongStream().toArray();
    return switch (t.dtype()) {
      case FP32 -> OnnxTensor.createTensor(env, FloatBuffer.wrap(t.floats()), shape);
      case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap(t.longs()), shape);
      case INT32 -> OnnxTensor.createTensor(env, IntBuffer.wrap(t.ints()), shape);
      case INT8 -> OnnxTensor.createTensor(env, direct(t.bytes()), shape, OnnxJavaType.INT8);
      case UINT8 -> OnnxTensor.createTensor(env, direct(t.bytes()), shape, OnnxJavaType.UINT8);
      case BOOL -> OnnxTensor.createTensor(env, direct(t.bytes()), shape, OnnxJavaType.BOOL);
      default -> throw new IllegalArgumentException("no ONNX Runtime tensor for dtype " + t.dtype());
    };
  }

  private static ByteBuffer direct(byte[] b) {
    return ByteBuffer.allocateDirect(b.length).order(ByteOrder.nativeOrder()).put(b).flip();
  }

  private static Tensor fromOrt(OnnxTensor t) {
    int[] shape = Arrays.stream(t.getInfo().getShape()).mapToInt(Math::toIntExact).toArray();
    int n = Math.toIntExact(t.getInfo().getNumElements());
    return switch (t.getInfo().type) {
      case FLOAT -> {
        float[] v = new float[n];
        t.getFloatBuffer().get(v);
        yield Tensor.ofFloats(v, shape);
      }
      case INT64 -> {
        long[] v = new long[n];
        t.getLongBuffer().get(v);
        yield Tensor.ofLongs(v, shape);
      }
      case INT32 -> {
        int[] v = new int[n];
        t.getIntBuffer().get(v);
        yield Tensor.ofInts(v, shape);
      }
      case INT8, UINT8, BOOL -> {
        byte[] v = new byte[n];
        t.getByteBuffer().get(v);
        DType d = switch (t.getInfo().type) {
          case INT8 -> DType.INT8;
          case UINT8 -> DType.UINT8;
          default -> DType.BOOL;
        };
        yield Tensor.ofBytes(d, v, shape);
      }
      default -> throw new IllegalArgumentException("ONNX Runtime output of type " + t.getInfo().type + " is not supported here");
    };
  }

  public Set<String> inputNames() {
    return session.getInputNames();
  }

  public Set<String> outputNames() {
    return session.getOutputNames();
  }

  /** A float output: its shape and its values in row-major order. */
  public record FloatOutput(long[] shape, float[] values) {}

  /**
   * Runs the model on int64 inputs of shape [1, n] (token ids, masks) given by name; inputs the model
   * does not declare are ignored. Returns every float output by name.
   */
  public Map<String, FloatOutput> runTokens(Map<String, long[]> inputs) {
    int len = inputs.values().stream().findFirst().map(v -> v.length).orElse(0);
    return runTokens(inputs, 1, len);
  }

  /**
   * Like {@link #runTokens(Map)} for a batch: every input holds {@code batch x length} int64 values, row
   * after row (padded rows have attention mask 0).
   */
  public Map<String, FloatOutput> runTokens(Map<String, long[]> inputs, int batch, int length) {
    Map<String, Tensor> feeds = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> in : inputs.entrySet()) {
      if (session.getInputNames().contains(in.getKey())) {
        long[] v = in.getValue();
        if (v.length != (long) batch * length) {
          throw new IllegalArgumentException("input '" + in.getKey() + "' has " + v.length + " values, expected "
              + batch + " x " + length);
        }
        feeds.put(in.getKey(), Tensor.ofLongs(v, batch, length));
      }
    }
    // unlike run(Map), outputs that are not float tensors are left out rather than refused
    return run(feeds, (name, value) -> value instanceof OnnxTensor t && t.getInfo().type == OnnxJavaType.FLOAT
        ? new FloatOutput(t.getInfo().getShape(), fromOrt(t).floats()) : null);
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("closing the ONNX Runtime session failed: " + e.getMessage(), e);
    }
  }
}
