package org.pimllm.hostblas;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.dnnl.dnnl_version_t;
import org.bytedeco.dnnl.global.dnnl;

/**
 * oneDNN's BLAS-like GEMMs ({@code dnnl_gemm_u8s8s32}, {@code dnnl_sgemm}) through the JavaCPP presets, in the
 * layout of the project's host kernels: A is M x K row-major, the weights W are N x K row-major (B = W^T, i.e. B
 * column-major, nn.Linear's layout), C is M x N row-major.
 *
 * <p>{@link #availability()} loads the native library once and never throws: when it cannot load (no natives for
 * this platform, a JVM without native access), it says why in one line and every GEMM method throws
 * {@link IllegalStateException} with that line.
 *
 * <p>Exactness: oneDNN's int8 GEMM on CPUs without VNNI (AVX2, AVX-512 without VNNI) multiplies with
 * {@code vpmaddubsw}, which adds two u8 x s8 products into a saturating int16. Results are bit-exact int32 sums
 * only while every pair of adjacent products fits int16, e.g. activations 0..127 (7 bits) with any int8
 * weights; {@link Availability#int8SaturationFree()} tells which case this machine is.
 */
public final class OneDnn {
  private OneDnn() {}

  /**
   * Whether oneDNN loaded, and what it is.
   *
   * @param loaded true when the native library loaded and answered
   * @param reason one line: the version and ISA when loaded, else why not and what still works
   * @param version oneDNN's version (e.g. "3.11.0"), empty when not loaded
   * @param isa the ISA oneDNN dispatches to on this CPU (its cpu_isa name), empty when not loaded
   * @param int8SaturationFree true when the ISA has VNNI (int8 dot products into int32 without an int16 step)
   */
  public record Availability(boolean loaded, String reason, String version, String isa,
      boolean int8SaturationFree) {}

  private static volatile Availability availability;

  /** Loads oneDNN on first use; never throws. */
  public static Availability availability() {
    Availability a = availability;
    if (a == null) {
      synchronized (OneDnn.class) {
        a = availability;
        if (a == null) {
          a = load();
          availability = a;
        }
      }
    }
    return a;
  }

  /** True when oneDNN's native library loaded on this machine. */
  public static boolean available() {
    return availability().loaded();
  }

  private static Availability load() {
    try {
      dnnl_version_t v = dnnl.dnnl_version();
      String version = v.major() + "." + v.minor() + "." + v.patch();
      String isa = isaName(dnnl.dnnl_get_effective_cpu_isa());
      boolean vnni = isa.contains("vnni") || isa.contains("amx") || isa.contains("avx10");
      return new Availability(true, "oneDNN " + version + " loaded (ISA " + isa + ")", version, isa, vnni);
    } catch (Throwable t) { // UnsatisfiedLinkError, NoClassDefFoundError, a restricted-method error, ...
      String why = t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": "
          + t.getMessage().lines().findFirst().orElse("");
      return new Availability(false, "oneDNN cannot load on this machine (" + why + "); the Java host kernels"
          + " (Vector API and scalar) still work", "", "", false);
    }
  }

  private static String isaName(int value) {
    for (dnnl.cpu_isa c : dnnl.cpu_isa.values()) {
      if (c.value == value) {
        return c.name();
      }
    }
    return "isa#" + Integer.toHexString(value);
  }

  private static void requireLoaded() {
    Availability a = availability();
    if (!a.loaded()) {
      throw new IllegalStateException(a.reason());
    }
  }

  private static void checkStatus(int status, String what) {
    if (status != 0) { // dnnl_success
      throw new IllegalStateException(what + " failed with oneDNN status " + status);
    }
  }

  static void checkShape(int m, int k, int n, long aLen, long wLen, long cLen) {
    if (m <= 0 || k <= 0 || n <= 0) {
      throw new IllegalArgumentException("GEMM sizes must be positive, got M=" + m + " K=" + k + " N=" + n);
    }
    if (aLen < (long) m * k || wLen < (long) n * k || cLen < (long) m * n) {
      throw new IllegalArgumentException("GEMM M=" + m + " K=" + k + " N=" + n + " needs A >= " + (long) m * k
          + ", W >= " + (long) n * k + ", C >= " + (long) m * n + " elements, got " + aLen + ", " + wLen + ", " + cLen);
    }
  }

  /**
   * C[i][j] = sum_k (A[i][k] - aZero) * (W[j][k] - wZero) in int32: A's bytes read as uint8, W's as int8 (ONNX
   * MatMulInteger with one weight zero point). See the class comment for saturation on CPUs without VNNI.
   */
  public static void gemmU8S8S32(byte[] a, int aZero, byte[] w, int wZero, int[] c, int m, int k, int n) {
    requireLoaded();
    checkShape(m, k, n, a.length, w.length, c.length);
    checkZeros(aZero, wZero);
    int[] co = {0};
    // dnnl: C = alpha * (op(A) - ao) * (op(B) - bo) + beta * C + co; B = W^T ('T', ldb = K)
    checkStatus(dnnl.dnnl_gemm_u8s8s32((byte) 'N', (byte) 'T', (byte) 'F', m, n, k, 1f, a, k, (byte) aZero, w, k,
        (byte) wZero, 0f, c, n, co), "dnnl_gemm_u8s8s32");
  }

  /**
   * As {@link #gemmU8S8S32(byte[], int, byte[], int, int[], int, int, int)} with one weight zero point per output
   * column ({@code wZeros.length == n}) or one for all ({@code length 1}). oneDNN takes a single weight offset, so
   * per-column ones are applied on the host: sum_k (a - za)(w_j - zb_j) = sum_k (a - za) w_j - zb_j sum_k (a - za),
   * an identity in wrapping int32 arithmetic, so the result stays exact whenever oneDNN's part is.
   */
  public static void gemmU8S8S32(byte[] a, int aZero, byte[] w, int[] wZeros, int[] c, int m, int k, int n) {
    if (wZeros.length == 1) {
      gemmU8S8S32(a, aZero, w, wZeros[0], c, m, k, n);
      return;
    }
    if (wZeros.length != n) {
      throw new IllegalArgumentException("W has " + n + " rows (output columns) but " + wZeros.length
          + " weight zero points were given; give one, or one per output column");
    }
    for (int z : wZeros) checkZeros(aZero, z);
    gemmU8S8S32(a, aZero, w, 0, c, m, k, n);
    for (int i = 0; i < m; i++) {
      int rowSum = 0; // sum_k (a[i][k] - aZero)
      for (int p = 0; p < k; p++) rowSum += (a[i * k + p] & 0xFF) - aZero;
      for (int j = 0; j < n; j++) c[i * n + j] -= wZeros[j] * rowSum;
    }
  }

  /** C = A x W^T in fp32 (oneDNN's own summation order and FMA: not bit-identical to a scalar loop). */
  public static void gemmFp32(float[] a, float[] w, float[] c, int m, int k, int n) {
    requireLoaded();
    checkShape(m, k, n, a.length, w.length, c.length);
    checkStatus(dnnl.dnnl_sgemm((byte) 'N', (byte) 'T', m, n, k, 1f, a, k, w, k, 0f, c, n), "dnnl_sgemm");
  }

  private static void checkZeros(int aZero, int wZero) {
    if (aZero < 0 || aZero > 255) {
      throw new IllegalArgumentException("the activation zero point is uint8 (0..255), got " + aZero);
    }
    if (wZero < -128 || wZero > 127) {
      throw new IllegalArgumentException("the weight zero point is int8 (-128..127), got " + wZero);
    }
  }

  /**
   * An int8 GEMM whose operands live in native memory, for timing the library alone (the array methods copy
   * across JNI on each call). Fill {@link #a()} and {@link #w()}, call {@link #run()}, read {@link #c()}.
   */
  public static final class Int8Gemm implements AutoCloseable {
    private final int m;
    private final int k;
    private final int n;
    private final BytePointer a;
    private final BytePointer w;
    private final IntPointer c;
    private final IntPointer co = new IntPointer(1);

    public Int8Gemm(int m, int k, int n) {
      requireLoaded();
      checkShape(m, k, n, (long) m * k, (long) n * k, (long) m * n);
      this.m = m;
      this.k = k;
      this.n = n;
      a = new BytePointer((long) m * k);
      w = new BytePointer((long) n * k);
      c = new IntPointer((long) m * n);
      co.put(0);
    }

    public BytePointer a() { return a; }
    public BytePointer w() { return w; }
    public IntPointer c() { return c; }

    /** C = (A - 0) x (W - 0)^T, A uint8, W int8. */
    public void run() {
      checkStatus(dnnl.dnnl_gemm_u8s8s32((byte) 'N', (byte) 'T', (byte) 'F', m, n, k, 1f, a, k, (byte) 0, w, k,
          (byte) 0, 0f, c, n, co), "dnnl_gemm_u8s8s32");
    }

    @Override
    public void close() {
      a.close();
      w.close();
      c.close();
      co.close();
    }
  }

  /** The fp32 counterpart of {@link Int8Gemm}. */
  public static final class Fp32Gemm implements AutoCloseable {
    private final int m;
    private final int k;
    private final int n;
    private final FloatPointer a;
    private final FloatPointer w;
    private final FloatPointer c;

    public Fp32Gemm(int m, int k, int n) {
      requireLoaded();
      checkShape(m, k, n, (long) m * k, (long) n * k, (long) m * n);
      this.m = m;
      this.k = k;
      this.n = n;
      a = new FloatPointer((long) m * k);
      w = new FloatPointer((long) n * k);
      c = new FloatPointer((long) m * n);
    }

    public FloatPointer a() { return a; }
    public FloatPointer w() { return w; }
    public FloatPointer c() { return c; }

    public void run() {
      checkStatus(dnnl.dnnl_sgemm((byte) 'N', (byte) 'T', m, n, k, 1f, a, k, w, k, 0f, c, n), "dnnl_sgemm");
    }

    @Override
    public void close() {
      a.close();
      w.close();
      c.close();
    }
  }
}
