package org.pimllm.sim;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A block of WRAM from {@link Tasklet#wramAlloc}. In FUNCTIONAL mode it is backed by a byte[] with
 * little-endian accessors (as the DPU is little-endian); in TIMING_ONLY it has a size but no bytes, and the
 * accessors throw.
 */
public final class WramBuffer {
  private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final int size;
  private final byte[] data;

  WramBuffer(int size, boolean functional) {
    this.size = size;
    this.data = functional ? new byte[size] : null;
  }

  public int size() {
    return size;
  }

  /** The backing bytes; null in TIMING_ONLY. */
  public byte[] array() {
    return data;
  }

  public byte get(int off) {
    return bytes()[off];
  }

  public void put(int off, byte v) {
    bytes()[off] = v;
  }

  public short getShort(int off) {
    return (short) SHORT.get(bytes(), off);
  }

  public void putShort(int off, short v) {
    SHORT.set(bytes(), off, v);
  }

  public int getInt(int off) {
    return (int) INT.get(bytes(), off);
  }

  public void putInt(int off, int v) {
    INT.set(bytes(), off, v);
  }

  public long getLong(int off) {
    return (long) LONG.get(bytes(), off);
  }

  public void putLong(int off, long v) {
    LONG.set(bytes(), off, v);
  }

  public float getFloat(int off) {
    return Float.intBitsToFloat(getInt(off));
  }

  public void putFloat(int off, float v) {
    putInt(off, Float.floatToRawIntBits(v));
  }

  public double getDouble(int off) {
    return Double.longBitsToDouble(getLong(off));
  }

  public void putDouble(int off, double v) {
    putLong(off, Double.doubleToRawLongBits(v));
  }

  private byte[] bytes() {
    if (data == null) {
      throw new IllegalStateException("WRAM buffers carry no data in TIMING_ONLY mode; guard data accesses with t.functional()");
    }
    return data;
  }
}
