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

  static float fp32(float acc, byte[] a, int aOff, byte[] b, int bOff, int n) {
    float s = acc;
    for (int i = 0; i < n; i++) {
      float p = (float) FLOAT.get(a, aOff + 4 * i) * (float) FLOAT.get(b, bOff + 4 * i);
      s = s + p;
    }
    return s;
  }
}
