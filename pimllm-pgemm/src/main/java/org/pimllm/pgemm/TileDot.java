package org.pimllm.pgemm;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The arithmetic of one kernel tile in FUNCTIONAL mode: dot products over little-endian WRAM bytes. Integer
 * sums wrap in int32 (as the DPU's 32-bit add does, so the order does not matter); the fp32 sum continues
 * the accumulator in K order with one rounding per multiply and per add, as the software routines do.
 */
final class TileDot {
  private TileDot() {}

  private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

  /** Whether the Vector API is present (the JVM was started with --add-modules=jdk.incubator.vector). */
  static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

  /** The int8 dot the kernel uses: the Vector API version when available, else the scalar reference. */
  static int int8Fast(byte[] a, int aOff, byte[] b, int bOff, int n) {
    return VECTOR ? TileDotVector.int8(a, aOff, b, bOff, n) : int8(a, aOff, b, bOff, n);
  }

  /** The scalar reference of the int8 dot product. */
  static int int8(byte[] a, int aOff, byte[] b, int bOff, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
      s += a[aOff + i] * b[bOff + i];
    }
    return s;
  }

  static int int16(byte[] a, int aOff, byte[] b, int bOff, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
      s += (short) SHORT.get(a, aOff + 2 * i) * (short) SHORT.get(b, bOff + 2 * i);
    }
    return s;
  }

  static int int32(byte[] a, int aOff, byte[] b, int bOff, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
      s += (int) INT.get(a, aOff + 4 * i) * (int) INT.get(b, bOff + 4 * i);
    }
    return s;
  }

  /**
   * One int4 tile record against an int8 A tile, as the kernel's sequence computes it (KernelCost.INT4_STEP):
   * per group, the products of A with the weights shifted into the top nibble of a byte (16 x w as a signed
   * byte) summed, the sum divided by 16 (exact), times the group's unsigned multiplier, added modulo 2^32.
   */
  static int int4(byte[] a, int aOff, byte[] rec, int recOff, int tileK, int group) {
    int acc = 0;
    for (int g0 = 0; g0 < tileK; g0 += group) {
      int p = 0;
      for (int s = g0; s < g0 + group; s += 8) {
        for (int j = 0; j < 4; j++) {
          int packed = rec[recOff + s / 2 + j];
          byte lo = (byte) (packed << 4);      // (lsl 4) and 0xF0: 16 x w[s + j]
          byte hi = (byte) (packed & 0xF0);    // and 0xF0: 16 x w[s + j + 4]
          p += a[aOff + s + j] * lo + a[aOff + s + j + 4] * hi;
        }
      }
      int m = rec[recOff + tileK / 2 + g0 / group] & 0xFF;
      acc += (p >> 4) * m;
    }
    return acc;
  }

  static float fp32(float acc, byte[] a, int aOff, byte[] b, int bOff, int n) {
    float s = acc;
    for (int i = 0; i < n; i++) {
      float p = (float) FLOAT.get(a, aOff + 4 * i) * (float) FLOAT.get(b, bOff + 4 * i);
      s = s + p;
    }
    return s;
  }
}
