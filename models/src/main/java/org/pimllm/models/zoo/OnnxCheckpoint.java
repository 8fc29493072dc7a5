package org.pimllm.models.zoo;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pimllm.models.onnx.OnnxDataType;
import org.pimllm.models.onnx.OnnxModel;
import org.pimllm.models.onnx.OnnxReader;
import org.pimllm.models.weights.Checkpoint;
import org.pimllm.models.weights.StoredTensor;
import org.pimllm.models.weights.StoredType;

/**
 * The parameters of a Hugging Face model exported to ONNX, as a {@link Checkpoint} with Hugging
 * Face names, so {@link CheckpointWeights} can put them on a zoo graph.
 *
 * <p>Exporters keep the names of biases, norms and embeddings but rename the weights of linear
 * layers ({@code onnx::MatMul_787}) and store them as the MatMul's (in, out) operand. Such a
 * weight is named after the bias the following {@code Add} adds ({@code X.bias} gives
 * {@code X.weight}) and, for the families that store nn.Linear (out, in), transposed back.
 */
public final class OnnxCheckpoint {

  private OnnxCheckpoint() {}

  public static Checkpoint of(Path onnxFile, ModelConfig config) {
    OnnxModel.Graph g = OnnxReader.read(onnxFile).graph();
    Map<String, OnnxModel.Tensor> inits = new LinkedHashMap<>();
    for (OnnxModel.Tensor t : g.initializers()) {
      if (t.dataType() == OnnxDataType.FLOAT) {
        inits.put(t.name(), t);
      }
    }
    Map<String, List<OnnxModel.Node>> consumers = new HashMap<>();
    for (OnnxModel.Node n : g.nodes()) {
      for (String in : n.inputs()) {
        consumers.computeIfAbsent(in, k -> new java.util.ArrayList<>()).add(n);
      }
    }
    Map<String, StoredTensor> tensors = new LinkedHashMap<>();
    for (OnnxModel.Tensor t : inits.values()) {
      if (!t.name().startsWith("onnx::")) {
        tensors.put(t.name(), stored(t.name(), t.dims(), t.floats()));
      }
    }
    boolean outIn = config.family() != ModelConfig.Family.GPT2;
    for (OnnxModel.Node n : g.nodes()) {
      if (!n.opType().equals("MatMul") || n.inputs().size() != 2) {
        continue;
      }
      OnnxModel.Tensor w = inits.get(n.inputs().get(1));
      String bias = biasAfter(n, consumers, inits);
      if (w == null || w.dims().length != 2 || bias == null || !bias.endsWith(".bias")) {
        continue;
      }
      String name = bias.substring(0, bias.length() - ".bias".length()) + ".weight";
      long in = w.dims()[0];
      long out = w.dims()[1];
      float[] v = w.floats();
      tensors.put(name, outIn ? stored(name, new long[] {out, in}, CheckpointWeights.transpose(v, (int) in, (int) out))
          : stored(name, w.dims(), v));
    }
    return new Checkpoint(onnxFile, "onnx", tensors, Map.of());
  }

  /** The named float initializer an Add right after {@code matmul} adds, or null. */
  private static String biasAfter(OnnxModel.Node matmul, Map<String, List<OnnxModel.Node>> consumers,
      Map<String, OnnxModel.Tensor> inits) {
    for (OnnxModel.Node c : consumers.getOrDefault(matmul.outputs().getFirst(), List.of())) {
      if (c.opType().equals("Add")) {
        for (String in : c.inputs()) {
          if (inits.containsKey(in) && !in.startsWith("onnx::")) {
            return in;
          }
        }
      }
    }
    return null;
  }

  private static StoredTensor stored(String name, long[] shape, float[] values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return new StoredTensor(name, StoredType.F32, shape, b);
  }
}
