package org.pimllm.models.onnx;

/** An ONNX file that cannot be read: truncated, corrupted, or using a feature we do not support. */
public final class OnnxFormatException extends IllegalArgumentException {
  public OnnxFormatException(String message) {
    super(printable(message));
  }

  public OnnxFormatException(String message, Throwable cause) {
    super(printable(message), cause);
  }

  /**
   * The message with control characters escaped: names and op types come from the file, and a corrupted one may hold
   * a line break or a terminal control code, which would split the one-line error or reach the terminal raw.
   */
  static String printable(String message) {
    if (message == null || message.chars().noneMatch(Character::isISOControl)) {
      return message;
    }
    StringBuilder sb = new StringBuilder(message.length() + 16);
    message.chars().forEach(c -> {
      if (c == '\n') {
        sb.append("\\n");
      } else if (Character.isISOControl(c)) {
        sb.append(String.format("\\u%04x", c));
      } else {
        sb.append((char) c);
      }
    });
    return sb.toString();
  }
}
