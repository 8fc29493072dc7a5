package org.pimllm.benchmarks;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.pimllm.hostblas.OneDnn;
import org.pimllm.ir.eval.ScalarKernels;
import java.util.Set;
import org.pimllm.runtime.kernels.OneDnnKernels;
import org.pimllm.runtime.kernels.VectorKernels;

/**
 * int8 GEMM C(M x N, int32) = A(M x K) x W(N x K)^T on the host, three ways on the same operands: oneDNN's
 * {@code dnnl_gemm_u8s8s32} (from Java arrays, as a runtime would call it; and on native buffers, the library
 * alone; and through the runtime's {@link OneDnnKernels}, weights in native memory, activations shifted and, without
 * VNNI, split into two 7-bit halves so any int8 input is exact: the path FUNCTIONAL runs take), the runtime's Vector API kernel ({@link VectorKernels}) and the scalar reference ({@link ScalarKernels}).
 * Activations are 0..127, so they read the same as uint8 (oneDNN) and int8 (ours) and oneDNN's AVX2 path cannot
 * saturate; the setup checks every implementation against the scalar result bit for bit before measuring.
 * Shapes: BERT-base FFN (K 768, N 3072) and LLaMA-7B FFN (K 4096, N 11008) at M = 1 (GEMV) and prefill M.
 * Run: {@code java --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp
 * "pimllm-cli/target/pimllm.jar:$(cat pimllm-cli/target/classpath.txt)" org.pimllm.benchmarks.JmhMain OneDnnGemmBench}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class OneDnnGemmBench {

  @Param({"1x768x3072", "128x768x3072", "512x768x3072", "1x4096x11008", "128x4096x11008"})
  public String shape;

  @Param({"onednn", "onednn-native", "onednn-runtime", "vector", "scalar"})
  public String impl;

  private int m, k, n;
  private byte[] a, w;
  private int[] c;
  private OneDnn.Int8Gemm nativeGemm;
  private OneDnnKernels runtime;

  @Setup(Level.Trial)
  public void setUp() {
    String[] p = shape.split("x");
    m = Integer.parseInt(p[0]);
    k = Integer.parseInt(p[1]);
    n = Integer.parseInt(p[2]);
    if (impl.startsWith("onednn") && !OneDnn.available()) {
      throw new IllegalStateException(OneDnn.availability().reason());
    }
    SplittableRandom r = new SplittableRandom(7);
    a = new byte[m * k];
    w = new byte[n * k];
    for (int i = 0; i < a.length; i++) a[i] = (byte) r.nextInt(0, 128);
    for (int i = 0; i < w.length; i++) w[i] = (byte) r.nextInt(-128, 128);
    c = new int[m * n];
    if (impl.equals("onednn-native")) {
      nativeGemm = new OneDnn.Int8Gemm(m, k, n);
      nativeGemm.a().put(a);
      nativeGemm.w().put(w);
    }
    if (impl.equals("onednn-runtime")) {
      Set<Object> weights = OneDnnKernels.identitySet();
      weights.add(w);
      runtime = (OneDnnKernels) OneDnnKernels.create(false, weights);
    }
    int[] expected = new int[m * n];
    ScalarKernels.INSTANCE.gemmInt8(a, 0, w, 0, expected, 0, m, k, n);
    gemm();
    int[] got = c;
    if (nativeGemm != null) {
      got = new int[m * n];
      nativeGemm.c().get(got);
    }
    if (!Arrays.equals(expected, got)) {
      throw new IllegalStateException(impl + " differs from the scalar reference at " + shape);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (nativeGemm != null) nativeGemm.close();
    if (runtime != null) runtime.close();
  }

  @Benchmark
  public int[] gemm() {
    switch (impl) {
      case "onednn" -> OneDnn.gemmU8S8S32(a, 0, w, 0, c, m, k, n);
      case "onednn-native" -> nativeGemm.run();
      case "onednn-runtime" -> runtime.gemmInt8(a, 0, w, 0, c, 0, m, k, n);
      case "vector" -> VectorKernels.INSTANCE.gemmInt8(a, 0, w, 0, c, 0, m, k, n);
      case "scalar" -> ScalarKernels.INSTANCE.gemmInt8(a, 0, w, 0, c, 0, m, k, n);
      default -> throw new IllegalArgumentException("unknown impl " + impl + "; use onednn, onednn-native, onednn-runtime, vector or scalar");
    }
    return c;
  }
}
