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
 */
public final class OnnxRuntimeReference implements AutoCloseable {

  private final OrtEnvironment env;
  private final OrtSession session;

  public OnnxRuntimeReference(Path model) {
    try {
      env = OrtEnvironment.getEnvironment();
      OrtSession.SessionOptions options = new OrtSession.SessionOptions();
      options.setIntraOpNumThreads(Math.max(1, Runtime.getRuntime().availableProcessors()));
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
