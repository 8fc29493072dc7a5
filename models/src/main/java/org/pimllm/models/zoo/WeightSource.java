package org.pimllm.models.zoo;

import org.pimllm.ir.Builder;
import org.pimllm.ir.Constant;
import org.pimllm.ir.TensorSource.Distribution;
import org.pimllm.ir.TensorType;

/**
 * Where a zoo graph's parameters come from. The graph code asks for each parameter by its
 * Hugging Face name and the type the graph needs; a source answers with a {@link Constant}
 * (synthetic, or lazily loaded from a checkpoint). Nothing is materialized while building.
 */
public interface WeightSource {

  /**
   * The constant for parameter {@code name} of type {@code type}.
   *
   * @param init what the parameter is, so a synthetic source can fill it plausibly
   */
  Constant parameter(String name, TensorType type, Init init);

  /** One word for reports, e.g. {@code synthetic(seed=0)} or the checkpoint file. */
  String describe();

  /** What a parameter is; synthetic sources use it to choose values. */
  enum Init {
    /** A weight matrix or embedding table: N(0, 0.02^2), the usual transformer initialization. */
    WEIGHT,
    /** A bias or a norm shift: N(0, 0.02^2) (non-zero, so a dropped bias shows in a functional check). */
    BIAS,
    /** A norm scale: all ones. */
    SCALE
  }

  /**
   * Weights from a .safetensors (Hugging Face names) or .gguf (llama.cpp names) checkpoint,
   * loaded lazily; see {@link CheckpointWeights}.
   */
  static CheckpointWeights checkpoint(java.nio.file.Path file, ModelConfig config) {
    return CheckpointWeights.open(file, config);
  }

  /** Seeded synthetic weights: the seed of each parameter derives from {@code seed} and its name. */
  static WeightSource synthetic(long seed) {
    Builder b = new Builder(seed);
    return new WeightSource() {
      @Override
      public Constant parameter(String name, TensorType type, Init init) {
        return switch (init) {
          case WEIGHT, BIAS -> b.synthetic(name, type, Distribution.NORMAL, 0.02);
          case SCALE -> b.synthetic(name, type, Distribution.FILL, 1.0);
        };
      }

      @Override
      public String describe() {
        return "synthetic(seed=" + seed + ")";
      }
    };
  }
}
