package org.pimllm.hostblas;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.dnnl.global.dnnl;

/**
 * An fp32 weight matrix W (N x K row-major) copied once into native memory and multiplied with oneDNN's sgemm:
 * {@code C = A x W^T}. oneDNN uses FMA and its own summation order, so results agree with a scalar loop within
 * rounding, not bit for bit.
 */
public final class NativeFp32Weights implements AutoCloseable {

  private final int n;
  private final int k;
  private final FloatPointer w;

  /** Copies {@code N x K} weights starting at {@code wOff} into native memory; needs oneDNN loaded. */
  public NativeFp32Weights(float[] weights, int wOff, int n, int k) {
    OneDnn.Availability a = OneDnn.availability();
    if (!a.loaded()) throw new IllegalStateException(a.reason());
    OneDnn.checkShape(1, k, n, k, weights.length - (long) wOff, n);
    this.n = n;
    this.k = k;
    this.w = new FloatPointer((long) n * k);
    w.put(weights, wOff, n * k);
  }

  public int n() { return n; }

  public int k() { return k; }

  /** Native bytes held (the weights). */
  public long nativeBytes() { return 4L * n * k; }

  /** C[cOff + i*N + j] = sum_p A[aOff + i*K + p] * W[j][p] for M rows of A. */
  public void multiply(float[] a, int aOff, int m, float[] c, int cOff) {
    OneDnn.checkShape(m, k, n, a.length - (long) aOff, (long) n * k, c.length - (long) cOff);
    try (FloatPointer ap = new FloatPointer((long) m * k); FloatPointer cp = new FloatPointer((long) m * n)) {
      ap.put(a, aOff, m * k);
      int status = dnnl.dnnl_sgemm((byte) 'N', (byte) 'T', m, n, k, 1f, ap, k, w, k, 0f, cp, n);
      if (status != 0) throw new IllegalStateException("dnnl_sgemm failed with oneDNN status " + status);
      cp.get(c, cOff, m * n);
    }
  }

  @Override
  public void close() {
    w.close();
  }
}
