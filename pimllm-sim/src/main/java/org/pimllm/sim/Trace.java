package org.pimllm.sim;

import java.util.Arrays;

/**
 * What one tasklet did, as segments: a compute burst of n instructions, a DMA read or write of n bytes, or a
 * barrier. Consecutive compute charges merge into one segment. The timing model replays these traces.
 */
public final class Trace {
  public static final byte COMPUTE = 0;
  public static final byte DMA_READ = 1;
  public static final byte DMA_WRITE = 2;
  public static final byte BARRIER = 3;

  private byte[] kinds = new byte[16];
  private double[] values = new double[16];
  private int size;

  /** Adds n instructions (merged into the current compute burst). */
  public Trace compute(double n) {
    if (n < 0) {
      throw new IllegalArgumentException("cannot charge a negative instruction count: " + n);
    }
    if (n == 0) {
      return this;
    }
    if (size > 0 && kinds[size - 1] == COMPUTE) {
      values[size - 1] += n;
    } else {
      add(COMPUTE, n);
    }
    return this;
  }

  public Trace dmaRead(int bytes) {
    add(DMA_READ, bytes);
    return this;
  }

  public Trace dmaWrite(int bytes) {
    add(DMA_WRITE, bytes);
    return this;
  }

  public Trace barrier() {
    add(BARRIER, 0);
    return this;
  }

  private void add(byte kind, double value) {
    if (size == kinds.length) {
      kinds = Arrays.copyOf(kinds, size * 2);
      values = Arrays.copyOf(values, size * 2);
    }
    kinds[size] = kind;
    values[size] = value;
    size++;
  }

  public int size() {
    return size;
  }

  public byte kind(int i) {
    return kinds[i];
  }

  /** Instructions of a compute segment, bytes of a DMA, 0 for a barrier. */
  public double value(int i) {
    return values[i];
  }
}
