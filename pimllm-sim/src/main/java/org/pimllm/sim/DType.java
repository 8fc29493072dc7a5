package org.pimllm.sim;

/** Element types whose operation costs the preset gives. */
public enum DType {
  INT8(1), INT16(2), INT32(4), INT64(8), FLOAT(4), DOUBLE(8);

  private final int bytes;

  DType(int bytes) {
    this.bytes = bytes;
  }

  /** Size of one element in bytes. */
  public int bytes() {
    return bytes;
  }
}
