package org.pimllm.hostblas;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.dnnl.global.dnnl;

/**
 * An int8 weight matrix W (N x K row-major, nn.dense's layout) copied once into native memory, multiplied by int8
 * activations with oneDNN so that the int32 result is exact on every ISA: {@code C[i][j] = sum_p A[i][p] * W[j][p]},
 * A and W signed, the same wrapping int32 sum as the host kernels' {@code gemmInt8}.
 *
 * <p>oneDNN multiplies uint8 by int8, so A is shifted: {@code u = a + 128} (0..255) and
 * {@code sum a*w = sum u*w - 128 * colSum(w_j)}, colSum computed once here. Without VNNI (AVX2, plain AVX-512) oneDNN adds
 * pairs of u8 x s8 products in a saturating int16, which is exact only for u <= 127 ({@link OneDnn}'s class
 * comment). So each call picks one of three exact paths ({@link Path}): one GEMM when the ISA has VNNI; one GEMM
 * when every u of this call is <= 127; otherwise u is split into its high bit and its low 7 bits,
 * {@code u = 128 * h + l}, and both halves go through one oneDNN call of 2M rows (rows 0..M-1 are l, M..2M-1 are h;
 * each is 7-bit, so exact), combined as {@code 128 * C_h + C_l} on the host: twice the multiply-adds, but W is still
 * read once per call, which is what a GEMV pays for. All host-side arithmetic wraps in int32, like the reference.
 */
public final class NativeInt8Weights implements AutoCloseable {

  /** Which exact formulation a call used. */
  public enum Path {
    /** One u8 x s8 GEMM: the ISA has VNNI, products go straight into int32. */
    VNNI("oneDNN int8, 1 GEMM (VNNI)"),
    /** One u8 x s8 GEMM: every shifted activation of the call was <= 127, so no int16 pair can saturate. */
    SEVEN_BIT("oneDNN int8, 1 GEMM (activations fit 7 bits)"),
    /** High bit and low 7 bits as one GEMM of 2M rows (no VNNI, full-range activations). */
    SPLIT("oneDNN int8, 2M-row split GEMM (no VNNI: 7-bit halves)");

    private final String label;

    Path(String label) { this.label = label; }

    /** For reports. */
    public String label() { return label; }
  }

  private final int n;
  private final int k;
  private final boolean vnni;
  private final BytePointer w;
  private final int[] colSum;
  private final IntPointer co = new IntPointer(1);

  /** Copies {@code N x K} weights starting at {@code wOff} into native memory; needs oneDNN loaded. */
  public NativeInt8Weights(byte[] weights, int wOff, int n, int k) {
    this(weights, wOff, n, k, true);
  }

  /**
   * As {@link #NativeInt8Weights(byte[], int, int, int)}; with {@code trustVnni} false the VNNI path is never taken,
   * as on a CPU without VNNI (so tests exercise the other two exact paths on any machine).
   */
  public NativeInt8Weights(byte[] weights, int wOff, int n, int k, boolean trustVnni) {
    OneDnn.Availability a = OneDnn.availability();
    if (!a.loaded()) throw new IllegalStateException(a.reason());
    OneDnn.checkShape(1, k, n, k, weights.length - (long) wOff, n);
    this.n = n;
    this.k = k;
    this.vnni = trustVnni && a.int8SaturationFree();
    this.w = new BytePointer((long) n * k);
    w.put(weights, wOff, n * k);
    this.colSum = new int[n];
    for (int j = 0; j < n; j++) {
      int s = 0;
      for (int p = 0; p < k; p++) s += weights[wOff + j * k + p];
      colSum[j] = s;
    }
    co.put(0);
  }

  public int n() { return n; }

  public int k() { return k; }

  /** Native bytes held (the weights). */
  public long nativeBytes() { return (long) n * k; }

  /**
   * C[cOff + i*N + j] = sum_p A[aOff + i*K + p] * W[j][p] for M rows of signed int8 A; returns the path it took.
   */
  public Path multiply(byte[] a, int aOff, int m, int[] c, int cOff) {
    OneDnn.checkShape(m, k, n, a.length - (long) aOff, (long) n * k, c.length - (long) cOff);
    int mk = Math.multiplyExact(m, k);
    byte[] u = new byte[mk];
    boolean sevenBit = true;
    for (int i = 0; i < mk; i++) {
      int v = a[aOff + i] + 128; // 0..255
      u[i] = (byte) v;
      if (v > 127) sevenBit = false;
    }
    Path path = vnni ? Path.VNNI : sevenBit ? Path.SEVEN_BIT : Path.SPLIT;
    int rows = path == Path.SPLIT ? 2 * m : m;
    byte[] packed = u;
    if (path == Path.SPLIT) {
      packed = new byte[2 * mk];
      for (int i = 0; i < mk; i++) {
        packed[i] = (byte) (u[i] & 0x7F);               // l: low 7 bits
        packed[mk + i] = (byte) ((u[i] & 0xFF) >>> 7);  // h: high bit
      }
    }
    int[] out = new int[rows * n];
    try (BytePointer ap = new BytePointer((long) rows * k); IntPointer cp = new IntPointer((long) rows * n)) {
      ap.put(packed, 0, rows * k);
      int status = dnnl.dnnl_gemm_u8s8s32((byte) 'N', (byte) 'T', (byte) 'F', rows, n, k, 1f, ap, k, (byte) 0, w, k,
          (byte) 0, 0f, cp, n, co);
      if (status != 0) throw new IllegalStateException("dnnl_gemm_u8s8s32 failed with oneDNN status " + status);
      cp.get(out, 0, rows * n);
    }
    int mn = m * n;
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        int uw = path == Path.SPLIT ? 128 * out[mn + i * n + j] + out[i * n + j] : out[i * n + j];
        c[cOff + i * n + j] = uw - 128 * colSum[j];
      }
    }
    return path;
  }

  @Override
  public void close() {
    w.close();
    co.close();
  }
}
