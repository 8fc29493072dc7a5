package org.pimllm.models.zoo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pimllm.ir.Constant;
import org.pimllm.ir.DType;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.TensorSource;
import org.pimllm.ir.TensorType;
import org.pimllm.models.weights.Checkpoint;
import org.pimllm.models.weights.StoredTensor;

/**
 * Parameters of a zoo graph taken from a real checkpoint by tensor name, loaded lazily (the file
 * is memory-mapped; a tensor is decoded to float32 only when its constant is materialized).
 *
 * <ul>
 *   <li>safetensors: Hugging Face names, with or without the task-model prefix ({@code bert.},
 *       {@code transformer.}), and the old {@code LayerNorm.gamma/beta} spelling;
 *   <li>GGUF: llama.cpp names ({@code blk.N.attn_q.weight}, ...). llama.cpp stores GPT-2's Conv1D
 *       matrices transposed to (out, in) and LLaMA's q/k rows permuted for its interleaved RoPE;
 *       both are undone here so the zoo's graphs (Conv1D (in, out), half-rotation RoPE) apply.
 * </ul>
 * Any stored type the readers decode works (F32, F16, BF16, Q8_0, integers). A parameter that is
 * missing or has the wrong shape is an error naming the tensor and the shape the model expects.
 */
public final class CheckpointWeights implements WeightSource {

  private final Checkpoint checkpoint;
  private final ModelConfig config;
  private final Set<String> used = new LinkedHashSet<>();

  private CheckpointWeights(Checkpoint checkpoint, ModelConfig config) {
    this.checkpoint = checkpoint;
    this.config = config;
  }

  /** Opens a .safetensors or .gguf file for the graph of {@code config}. */
  public static CheckpointWeights open(Path file, ModelConfig config) {
    return of(Checkpoint.open(file), config);
  }

  public static CheckpointWeights of(Checkpoint checkpoint, ModelConfig config) {
    return new CheckpointWeights(checkpoint, config);
  }

  /** How a stored tensor must be rearranged into the zoo's layout. */
  enum Fix {
    NONE,
    /** (out, in) stored, (in, out) wanted: GPT-2 Conv1D weights in GGUF. */
    TRANSPOSE,
    /** llama.cpp's q/k row permutation for interleaved RoPE, undone back to Hugging Face's half layout. */
    UNPERMUTE_ROPE
  }

  /** A parameter's place in the file. */
  record Stored(String name, Fix fix) {}

  @Override
  public Constant parameter(String name, TensorType type, Init init) {
    List<Stored> candidates = candidates(name);
    for (Stored s : candidates) {
      StoredTensor t = checkpoint.tensors().get(s.name());
      if (t != null) {
        return load(name, type, s, t);
      }
    }
    throw new IllegalArgumentException(checkpoint.source() + " (" + checkpoint.format() + ") has no tensor for " + config.name()
        + "'s parameter '" + name + "' " + type.shapeText() + "; looked for "
        + String.join(", ", candidates.stream().map(c -> "'" + c.name() + "'").toList()) + "; the file has "
        + checkpoint.tensors().size() + " tensors" + sample());
  }

  private Constant load(String name, TensorType type, Stored s, StoredTensor t) {
    long[] want = Arrays.stream(type.shapeArray()).asLongStream().toArray();
    long[] wantStored = s.fix() == Fix.TRANSPOSE ? new long[] {want[1], want[0]} : want;
    if (!Arrays.equals(t.shape(), wantStored)) {
      throw new IllegalArgumentException(checkpoint.source() + ": tensor '" + s.name() + "' has shape " + Arrays.toString(t.shape())
          + " but " + config.name() + "'s parameter '" + name + "' needs " + Arrays.toString(wantStored)
          + (s.fix() == Fix.TRANSPOSE ? " as stored (it is transposed to " + Arrays.toString(want) + " on load)" : ""));
    }
    used.add(s.name());
    int[] shape = type.shapeArray();
    int headDim = config.headDim();
    TensorSource lazy = new TensorSource.Lazy(checkpoint.source() + ":" + s.name(),
        () -> Tensor.ofFloats(rearrange(t.toFloats(), s.fix(), shape, headDim), shape));
    return new Constant(type.withDtype(DType.FP32), lazy, name);
  }

  /** Applies {@code fix} to row-major data whose final shape is {@code shape}. */
  static float[] rearrange(float[] data, Fix fix, int[] shape, int headDim) {
    return switch (fix) {
      case NONE -> data;
      case TRANSPOSE -> transpose(data, shape[1], shape[0]); // stored (in, out)
      case UNPERMUTE_ROPE -> {
        // llama.cpp: rows of each head viewed (2, hd/2) were swapped to (hd/2, 2). Stored row
        // h*hd + 2i + j holds Hugging Face row h*hd + j*hd/2 + i.
        int in = shape[1];
        int half = headDim / 2;
        float[] out = new float[data.length];
        for (int row = 0; row < shape[0]; row++) {
          int h = row / headDim;
          int within = row % headDim;
          int i = within / 2;
          int j = within % 2;
          int hfRow = h * headDim + j * half + i;
          System.arraycopy(data, row * in, out, hfRow * in, in);
        }
        yield out;
      }
    };
  }

  /** The (cols, rows) transpose of a row-major (rows, cols) matrix. */
  static float[] transpose(float[] w, int rows, int cols) {
    float[] t = new float[w.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c * rows + r] = w[r * cols + c];
      }
    }
    return t;
  }

  /** Where parameter {@code name} may be stored, most likely first. */
  List<Stored> candidates(String name) {
    if (checkpoint.format().equals("gguf")) {
      return List.of(ggufName(name));
    }
    List<String> names = new ArrayList<>();
    names.add(name);
    String prefix = switch (config.family()) {
      case BERT -> "bert.";
      case GPT2 -> "transformer.";
      case LLAMA -> "";
    };
    if (!prefix.isEmpty()) {
      names.add(prefix + name);
    }
    if (name.contains(".LayerNorm.")) { // checkpoints written before PyTorch-style names
      String old = name.replace(".LayerNorm.weight", ".LayerNorm.gamma").replace(".LayerNorm.bias", ".LayerNorm.beta");
      names.add(old);
      names.add(prefix + old);
    }
    return names.stream().distinct().map(n -> new Stored(n, Fix.NONE)).toList();
  }

  private static final Pattern LAYER = Pattern.compile("^(?:encoder\\.layer|h|model\\.layers)\\.(\\d+)\\.(.+)$");

  /** The llama.cpp name of a Hugging Face parameter name (gguf-py's tensor name map). */
  Stored ggufName(String name) {
    Matcher m = LAYER.matcher(name);
    if (m.matches()) {
      String blk = "blk." + m.group(1) + ".";
      String rest = m.group(2);
      return switch (config.family()) {
        case BERT -> new Stored(blk + suffix(rest, List.of(
            "attention.self.query", "attn_q", "attention.self.key", "attn_k", "attention.self.value", "attn_v",
            "attention.output.dense", "attn_output", "attention.output.LayerNorm", "attn_output_norm",
            "intermediate.dense", "ffn_up", "output.dense", "ffn_down", "output.LayerNorm", "layer_output_norm")), Fix.NONE);
        case GPT2 -> new Stored(blk + suffix(rest, List.of(
            "ln_1", "attn_norm", "attn.c_attn", "attn_qkv", "attn.c_proj", "attn_output", "ln_2", "ffn_norm",
            "mlp.c_fc", "ffn_up", "mlp.c_proj", "ffn_down")),
            rest.endsWith(".weight") && !rest.startsWith("ln_") ? Fix.TRANSPOSE : Fix.NONE);
        case LLAMA -> new Stored(blk + suffix(rest, List.of(
            "input_layernorm", "attn_norm", "self_attn.q_proj", "attn_q", "self_attn.k_proj", "attn_k",
            "self_attn.v_proj", "attn_v", "self_attn.o_proj", "attn_output", "post_attention_layernorm", "ffn_norm",
            "mlp.gate_proj", "ffn_gate", "mlp.up_proj", "ffn_up", "mlp.down_proj", "ffn_down")),
            rest.startsWith("self_attn.q_proj") || rest.startsWith("self_attn.k_proj") ? Fix.UNPERMUTE_ROPE : Fix.NONE);
      };
    }
    String global = switch (name) {
      case "embeddings.word_embeddings.weight", "wte.weight", "model.embed_tokens.weight" -> "token_embd.weight";
      case "embeddings.position_embeddings.weight", "wpe.weight" -> "position_embd.weight";
      case "embeddings.token_type_embeddings.weight" -> "token_types.weight";
      case "embeddings.LayerNorm.weight" -> "token_embd_norm.weight";
      case "embeddings.LayerNorm.bias" -> "token_embd_norm.bias";
      case "ln_f.weight", "model.norm.weight" -> "output_norm.weight";
      case "ln_f.bias" -> "output_norm.bias";
      case "lm_head.weight" -> "output.weight";
      default -> throw new IllegalStateException("no llama.cpp name known for parameter '" + name + "'");
    };
    return new Stored(global, Fix.NONE);
  }

  /** Maps "module.path.weight" with pairs (hf module, gguf module) to "gguf.weight". */
  private static String suffix(String rest, List<String> pairs) {
    for (int i = 0; i < pairs.size(); i += 2) {
      if (rest.startsWith(pairs.get(i) + ".")) {
        return pairs.get(i + 1) + rest.substring(pairs.get(i).length());
      }
    }
    throw new IllegalStateException("no llama.cpp name known for layer parameter '" + rest + "'");
  }

  private String sample() {
    List<String> names = List.copyOf(checkpoint.tensors().keySet());
    if (names.isEmpty()) {
      return "";
    }
    return ", e.g. " + String.join(", ", names.subList(0, Math.min(4, names.size())).stream().map(n -> "'" + n + "'").toList());
  }

  /** Tensors of the file no parameter used so far (e.g. a pooler, or layers beyond a reduced model). */
  public List<String> unusedTensors() {
    return checkpoint.tensors().keySet().stream().filter(n -> !used.contains(n)).toList();
  }

  public Checkpoint checkpoint() {
    return checkpoint;
  }

  @Override
  public String describe() {
    return checkpoint.source() + " (" + checkpoint.format() + ")";
  }
}
