package org.pimllm.models.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

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
    try {
      env = OrtEnvironment.getEnvironment();
      OrtSession.SessionOptions options = new OrtSession.SessionOptions();
      options.setIntraOpNumThreads(Math.max(1, Runtime.getRuntime().availableProcessors()));
      options.setOptimizationLevel(switch (optimization) {
        case NONE -> OrtSession.SessionOptions.OptLevel.NO_OPT;
        case ALL -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
      });
      session = env.createSession(model.toString(), options);
    } catch (OrtException e) {
      throw new IllegalArgumentException("ONNX Runtime cannot load " + model + ": " + e.getMessage(), e);
    }
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
    Map<String, OnnxTensor> feeds = new HashMap<>();
    try {
      for (Map.Entry<String, long[]> in : inputs.entrySet()) {
        if (session.getInputNames().contains(in.getKey())) {
          long[] v = in.getValue();
          if (v.length != (long) batch * length) {
            throw new IllegalArgumentException("input '" + in.getKey() + "' has " + v.length + " values, expected "
                + batch + " x " + length);
          }
          feeds.put(in.getKey(), OnnxTensor.createTensor(env, LongBuffer.wrap(v), new long[] {batch, length}));
        }
      }
      Map<String, FloatOutput> out = new LinkedHashMap<>();
      try (OrtSession.Result result = session.run(feeds)) {
        for (Map.Entry<String, OnnxValue> e : result) {
          if (e.getValue() instanceof OnnxTensor t && t.getInfo().type == ai.onnxruntime.OnnxJavaType.FLOAT) {
            float[] values = new float[(int) t.getInfo().getNumElements()];
            t.getFloatBuffer().get(values);
            out.put(e.getKey(), new FloatOutput(t.getInfo().getShape(), values));
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

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("closing the ONNX Runtime session failed: " + e.getMessage(), e);
    }
  }
}
