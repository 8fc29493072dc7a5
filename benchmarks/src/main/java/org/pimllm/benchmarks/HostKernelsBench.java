package org.pimllm.benchmarks;

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
import org.openjdk.jmh.annotations.Warmup;
import org.pimllm.ir.eval.HostKernels;
import org.pimllm.ir.eval.ScalarKernels;
import org.pimllm.runtime.kernels.VectorKernels;

/**
 * The runtime's host kernels, Vector API against the scalar reference, on BERT-base-sized operands at seq 128:
 * int8 GEMM (128 x 768 x 768), layer norm and softmax over 128 rows of 768 and 128. Before measuring, the setup
 * checks that both kernels give the same bits (a number that was not validated is not reported).
 * Run: {@code java --add-modules=jdk.incubator.vector -cp "pimllm-cli/target/pimllm.jar:$(cat pimllm-cli/target/classpath.txt)"
 * org.pimllm.benchmarks.JmhMain HostKernelsBench}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class HostKernelsBench {

    @Param({"vector", "scalar"})
    public String impl;

    private HostKernels k;
    private static final int M = 128, K = 768, N = 768;
    private byte[] a, w;
    private int[] c;
    private float[] x, y, gamma, beta, scores, probs;

    @Setup(Level.Trial)
    public void setUp() {
        k = impl.equals("vector") ? VectorKernels.INSTANCE : ScalarKernels.INSTANCE;
        SplittableRandom r = new SplittableRandom(1);
        a = new byte[M * K];
        w = new byte[N * K];
        for (int i = 0; i < a.length; i++) a[i] = (byte) r.nextInt();
        for (int i = 0; i < w.length; i++) w[i] = (byte) r.nextInt();
        c = new int[M * N];
        x = new float[M * K];
        y = new float[M * K];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        gamma = new float[K];
        beta = new float[K];
        for (int i = 0; i < K; i++) {
            gamma[i] = 1 + 0.1f * i / K;
            beta[i] = 0.01f * i / K;
        }
        scores = new float[M * M];
        probs = new float[M * M];
        for (int i = 0; i < scores.length; i++) scores[i] = (float) r.nextGaussian() * 3;
        validate();
    }

    /** Both implementations must agree bit for bit before anything is timed. */
    private void validate() {
        int[] c1 = new int[M * N], c2 = new int[M * N];
        ScalarKernels.INSTANCE.gemmInt8(a, 0, w, 0, c1, 0, M, K, N);
        k.gemmInt8(a, 0, w, 0, c2, 0, M, K, N);
        float[] y1 = new float[x.length], y2 = new float[x.length];
        ScalarKernels.INSTANCE.layerNormRows(x, y1, M, K, gamma, beta, 1e-12f);
        k.layerNormRows(x, y2, M, K, gamma, beta, 1e-12f);
        float[] p1 = new float[scores.length], p2 = new float[scores.length];
        ScalarKernels.INSTANCE.softmaxRows(scores, p1, M, M);
        k.softmaxRows(scores, p2, M, M);
        if (!java.util.Arrays.equals(c1, c2) || !java.util.Arrays.equals(y1, y2) || !java.util.Arrays.equals(p1, p2)) {
            throw new IllegalStateException(impl + " kernels disagree with the scalar reference; not benchmarking");
        }
    }

    @Benchmark
    public int[] int8Gemm() {
        k.gemmInt8(a, 0, w, 0, c, 0, M, K, N);
        return c;
    }

    @Benchmark
    public float[] layerNorm() {
        k.layerNormRows(x, y, M, K, gamma, beta, 1e-12f);
        return y;
    }

    @Benchmark
    public float[] softmax() {
        k.softmaxRows(scores, probs, M, M);
        return probs;
    }
}
