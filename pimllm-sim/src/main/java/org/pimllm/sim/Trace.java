package org.pimllm.sim;

import java.util.Arrays;

/**
 * What one tasklet did, as segments: a compute burst of n instructions, a DMA read or write of n bytes, a
 * barrier, a mutex lock or unlock, or a handshake wait or notify. Consecutive compute charges merge into one segment. The timing model replays these traces.
 */
public final class Trace {
  public static final byte COMPUTE = 0;
  public static final byte DMA_READ = 1;
  public static final byte DMA_WRITE = 2;
  public static final byte BARRIER = 3;
  /** Zero-length markers of a perfcounter-style timer (PrIM's timer_start / timer_stop). */
  public static final byte TIMER_START = 4;
  public static final byte TIMER_STOP = 5;
  /** mutex_lock / mutex_unlock of the mutex whose id is the value. */
  public static final byte MUTEX_LOCK = 6;
  public static final byte MUTEX_UNLOCK = 7;
  /** handshake_wait_for(value): wait until tasklet {@code value} notifies. */
  public static final byte HANDSHAKE_WAIT = 8;
  /** handshake_notify(): wake the tasklet waiting for this one (or wait until one waits). */
  public static final byte HANDSHAKE_NOTIFY = 9;

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

  public Trace timerStart() {
    add(TIMER_START, 0);
    return this;
  }

  public Trace timerStop() {
    add(TIMER_STOP, 0);
    return this;
  }

  public Trace mutexLock(int id) {
    add(MUTEX_LOCK, id);
    return this;
  }

  public Trace mutexUnlock(int id) {
    add(MUTEX_UNLOCK, id);
    return this;
  }

  public Trace handshakeWaitFor(int tasklet) {
    add(HANDSHAKE_WAIT, tasklet);
    return this;
  }

  public Trace handshakeNotify() {
    add(HANDSHAKE_NOTIFY, 0);
    return this;
  }

  /** Whether the trace contains timer markers. */
  boolean hasTimer() {
    for (int i = 0; i < size; i++) {
      if (kinds[i] == TIMER_START) {
        return true;
      }
    }
    return false;
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

  /** Instructions of a compute segment, bytes of a DMA, the mutex id or awaited tasklet, else 0. */
  public double value(int i) {
    return values[i];
  }
}
