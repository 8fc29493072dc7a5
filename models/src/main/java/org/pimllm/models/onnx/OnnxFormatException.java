package org.pimllm.models.onnx;

/** An ONNX file that cannot be read: truncated, corrupted, or using a feature we do not support. */
public final class OnnxFormatException extends IllegalArgumentException {
  public OnnxFormatException(String message) {
    super(message);
  }

  public OnnxFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
