package org.pimllm.models.weights;

/**
 * How a tensor's elements are stored in a checkpoint file. Block-quantized types (Q8_0) store
 * {@link #blockSize()} elements in {@link #blockBytes()} bytes.
 */
public enum StoredType {
  F32(1, 4),
  F16(1, 2),
  BF16(1, 2),
  F64(1, 8),
  I8(1, 1),
  U8(1, 1),
  I16(1, 2),
  I32(1, 4),
  I64(1, 8),
  BOOL(1, 1),
  /** GGML Q8_0: blocks of 32 int8 values sharing one fp16 scale (2 + 32 bytes). */
  Q8_0(32, 34);

  private final int blockSize;
  private final int blockBytes;

  StoredType(int blockSize, int blockBytes) {
    this.blockSize = blockSize;
    this.blockBytes = blockBytes;
  }

  public int blockSize() {
    return blockSize;
  }

  public int blockBytes() {
    return blockBytes;
  }

  /** Bytes needed for {@code elements} values; a count that does not fill whole blocks is an error. */
  public long bytesFor(long elements, String tensor) {
    if (elements % blockSize != 0) {
      throw new WeightFormatException("tensor '" + tensor + "' has " + elements + " elements, not a multiple of the "
          + name() + " block size " + blockSize);
    }
    try {
      return Math.multiplyExact(elements / blockSize, (long) blockBytes);
    } catch (ArithmeticException e) {
      throw new WeightFormatException("tensor '" + tensor + "' has an impossibly large shape (" + elements + " elements)");
    }
  }
}
