package org.pimllm.models.weights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One tensor read from a checkpoint: name, stored type, row-major shape (outermost dimension first)
 * and its bytes exactly as stored (little-endian).
 */
public record StoredTensor(String name, StoredType type, long[] shape, ByteBuffer data) {

  public StoredTensor {
    data = data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  public long elementCount() {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /** The values as fp32: F16/BF16 widened, Q8_0 dequantized (scale * int8), integers converted. */
  public float[] toFloats() {
    long count = elementCount();
    if (count > Integer.MAX_VALUE - 8) {
      throw new WeightFormatException("tensor '" + name + "' is too large to materialize (" + count + " elements)");
    }
    float[] out = new float[(int) count];
    ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    switch (type) {
      case F32 -> b.asFloatBuffer().get(out);
      case F16 -> {
        for (int i = 0; i < out.length; i++) {
          out[i] = Float.float16ToFloat(b.getShort(2 * i));
        }
      }
      case BF16 -> {
        for (int i = 0; i < out.length; i++) {
          out[i] = Float.intBitsToFloat((b.getShort(2 * i) & 0xFFFF) << 16);
        }
      }
      case F64 -> {
        for (int i = 0; i < out.length; i++) {
          out[i] = (float) b.getDouble(8 * i);
        }
      }
      case I8 -> {
        for (int i = 0; i < out.length; i++) {
          out[i] = b.get(i);
        }
      }
      case U8, BOOL -> {
        for (int i = 0; i < out.length; i++) {
          out[i] = b.get(i) & 0xFF;
        }
      }
      case I16 -> {
        for (int i = 0; i < out.length; i++) {
          out[i] = b.getShort(2 * i);
        }
      }
      case I32 -> {
        for (int i = 0; i < out.length; i++) {
          out[i] = b.getInt(4 * i);
        }
      }
      case I64 -> {
        for (int i = 0; i < out.length; i++) {
          out[i] = b.getLong(8 * i);
        }
      }
      case Q8_0 -> dequantizeQ8_0(b, out);
    }
    return out;
  }

  /** Q8_0: each 34-byte block is an fp16 scale d followed by 32 int8 q; value = d * q. */
  private static void dequantizeQ8_0(ByteBuffer b, float[] out) {
    int blocks = out.length / 32;
    for (int blk = 0; blk < blocks; blk++) {
      int base = blk * 34;
      float d = Float.float16ToFloat(b.getShort(base));
      for (int j = 0; j < 32; j++) {
        out[blk * 32 + j] = d * b.get(base + 2 + j);
      }
    }
  }

  @Override
  public String toString() {
    return name + " " + type + " " + Arrays.toString(shape);
  }
}
