package org.pimllm.hostblas;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Measurements of this machine: oneDNN's int8 and fp32 GEMMs at given shapes, and a STREAM-like memory bandwidth
 * (copy and triad over arrays much larger than the caches, on every core). Every figure is a wall-clock
 * measurement on the machine running it.
 */
public final class HostBench {
  private HostBench() {}

  /** A GEMM shape C(M x N) = A(M x K) x W(N x K)^T, named after the model layer it comes from. */
  public record Shape(String name, int m, int k, int n) {
    public Shape {
      if (m <= 0 || k <= 0 || n <= 0) {
        throw new IllegalArgumentException("shape " + name + " needs positive sizes, got " + m + "x" + k + "x" + n);
      }
    }

    /** Multiply-adds counted as two operations. */
    public double ops() {
      return 2.0 * m * k * n;
    }
  }

  /** int8 (u8 x s8 -> s32) or fp32. */
  public enum Precision { INT8, FP32 }

  /**
   * One GEMM measurement.
   *
   * @param gops achieved operations per second at the median time, in 10^9 (2 ops per multiply-add)
   * @param fractionOfPeak gops over the CPU's peak for this precision ({@link HostCpu})
   */
  public record GemmResult(Shape shape, Precision precision, Timing timing, double gops, double fractionOfPeak) {}

  /**
   * One bandwidth measurement (STREAM's byte counts: copy 16 B and triad 24 B per double element, no
   * write-allocate traffic).
   */
  public record StreamResult(String kernel, long elements, int threads, Timing timing, double gbPerSecond) {}

  /** The layers of the zoo models whose weight shapes the host bench measures (K = in features, N = out). */
  public static List<Shape> zooShapes(int... ms) {
    int[][] kn = {{768, 3072}, {4096, 11008}};
    String[] names = {"bert-base ffn1 768x3072", "llama-7b ffn 4096x11008"};
    List<Shape> out = new ArrayList<>();
    for (int i = 0; i < kn.length; i++) {
      for (int m : ms) out.add(new Shape(names[i] + " M=" + m, m, kn[i][0], kn[i][1]));
    }
    return out;
  }

  /** Times oneDNN on native buffers filled with seeded random data (activations 0..127, weights -128..127). */
  public static GemmResult gemm(Shape s, Precision p, HostCpu cpu, int warmup, int reps) {
    SplittableRandom r = new SplittableRandom(42);
    Timing t;
    if (p == Precision.INT8) {
      try (OneDnn.Int8Gemm g = new OneDnn.Int8Gemm(s.m(), s.k(), s.n())) {
        g.a().put(randomBytes(r, (long) s.m() * s.k(), 0, 128));
        g.w().put(randomBytes(r, (long) s.n() * s.k(), -128, 128));
        t = Timing.measure(g::run, warmup, reps);
      }
    } else {
      try (OneDnn.Fp32Gemm g = new OneDnn.Fp32Gemm(s.m(), s.k(), s.n())) {
        g.a().put(randomFloats(r, (long) s.m() * s.k()));
        g.w().put(randomFloats(r, (long) s.n() * s.k()));
        t = Timing.measure(g::run, warmup, reps);
      }
    }
    double gops = s.ops() / t.medianSeconds() / 1e9;
    double peak = p == Precision.INT8 ? cpu.int8PeakGops() : cpu.fp32PeakGflops();
    return new GemmResult(s, p, t, gops, peak > 0 ? gops / peak : Double.NaN);
  }

  private static byte[] randomBytes(SplittableRandom r, long n, int lo, int hi) {
    byte[] b = new byte[Math.toIntExact(n)];
    for (int i = 0; i < b.length; i++) b[i] = (byte) r.nextInt(lo, hi);
    return b;
  }

  private static float[] randomFloats(SplittableRandom r, long n) {
    float[] f = new float[Math.toIntExact(n)];
    for (int i = 0; i < f.length; i++) f[i] = (float) r.nextDouble(-1, 1);
    return f;
  }

  /**
   * STREAM copy (c = a) and triad (a = b + q*c) over three double arrays of {@code elements} each, split into one
   * contiguous chunk per thread. The plain Java loops are what the JIT vectorizes; a reference implementation, not
   * a tuned one, so the figures are a lower bound on the machine's bandwidth.
   */
  public static List<StreamResult> stream(long elements, int threads, int warmup, int reps) {
    if (elements < threads || threads < 1) {
      throw new IllegalArgumentException("STREAM needs at least one element per thread, got " + elements
          + " elements for " + threads + " threads");
    }
    int n = Math.toIntExact(elements);
    double[] a = new double[n];
    double[] b = new double[n];
    double[] c = new double[n];
    java.util.Arrays.fill(a, 1.0);
    java.util.Arrays.fill(b, 2.0);
    java.util.Arrays.fill(c, 0.5);
    double q = 3.0;
    Timing copy = Timing.measure(() -> chunks(n, threads, (lo, hi) -> {
      for (int i = lo; i < hi; i++) c[i] = a[i];
    }), warmup, reps);
    Timing triad = Timing.measure(() -> chunks(n, threads, (lo, hi) -> {
      for (int i = lo; i < hi; i++) a[i] = b[i] + q * c[i];
    }), warmup, reps);
    return List.of(
        new StreamResult("copy", elements, threads, copy, 16.0 * elements / copy.medianSeconds() / 1e9),
        new StreamResult("triad", elements, threads, triad, 24.0 * elements / triad.medianSeconds() / 1e9));
  }

  private interface Range {
    void run(int lo, int hi);
  }

  private static void chunks(int n, int threads, Range body) {
    IntStream.range(0, threads).parallel().forEach(t -> {
      int lo = (int) ((long) n * t / threads);
      int hi = (int) ((long) n * (t + 1) / threads);
      body.run(lo, hi);
    });
  }
}
