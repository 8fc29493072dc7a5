package org.pimllm.models.weights;

/** A weight file that cannot be read: wrong format, truncated, inconsistent or unsupported. */
public final class WeightFormatException extends IllegalArgumentException {
  public WeightFormatException(String message) {
    super(message);
  }

  public WeightFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
