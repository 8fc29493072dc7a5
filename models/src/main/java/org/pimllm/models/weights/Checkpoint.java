package org.pimllm.models.weights;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The tensors of a checkpoint file by name (in file order), plus its metadata. */
public record Checkpoint(Path source, String format, Map<String, StoredTensor> tensors, Map<String, Object> metadata) {

  public Optional<StoredTensor> tensor(String name) {
    return Optional.ofNullable(tensors.get(name));
  }

  /** Opens a .safetensors or .gguf file, chosen by its first bytes (not its name). */
  public static Checkpoint open(Path file) {
    if (Gguf.looksLikeGguf(file)) {
      return Gguf.read(file);
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (!name.endsWith(".safetensors") && !name.endsWith(".st")) {
      throw new WeightFormatException(file + ": not a GGUF file, and not named .safetensors; cannot tell its format");
    }
    return Safetensors.read(file);
  }
}
