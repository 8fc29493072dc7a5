package org.pimllm.runtime.kernels;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.pimllm.hostblas.NativeFp32Weights;
import org.pimllm.hostblas.NativeInt8Weights;
import org.pimllm.hostblas.OneDnn;
import org.pimllm.ir.eval.HostKernels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Host kernels whose GEMMs go through oneDNN ({@code pimllm-hostblas}); every other kernel is {@link VectorKernels}'.
 *
 * <p>int8 GEMMs are exact on every ISA ({@link NativeInt8Weights} picks one of its exact formulations per call), so
 * they equal {@link VectorKernels#gemmInt8} and the scalar reference bit for bit. fp32 GEMMs go to oneDNN only when
 * asked ({@code fp32}): oneDNN's FMA and summation order round differently from the fixed eight-lane order.
 *
 * <p>Weights: an operand array registered in {@code weights} (the module's constants) is copied into native memory
 * the first time it is multiplied and reused by every later call; any other operand (a GEMM of two activations) is
 * copied for that call only. Which path each call took is counted ({@link #paths()}).
 */
public final class OneDnnKernels implements HostKernels, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OneDnnKernels.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    /** Labels of the paths that are not oneDNN's own ({@link NativeInt8Weights.Path#label()}). */
    public static final String FP32_ONEDNN = "oneDNN fp32 (sgemm)";
    public static final String FP32_VECTOR = "Vector API fp32";

    /** A record compares its array component with the array's equals and hashCode: identity, as wanted. */
    private record Key(Object array, int offset, int n, int k) {}

    private final HostKernels rest = VectorKernels.INSTANCE;
    private final boolean fp32;
    private final Set<Object> weights;
    private final Map<Key, NativeInt8Weights> int8 = new java.util.HashMap<>();
    private final Map<Key, NativeFp32Weights> float32 = new java.util.HashMap<>();
    private final Map<String, Long> paths = new LinkedHashMap<>();
    private long nativeBytes;

    private OneDnnKernels(boolean fp32, Set<Object> weights) {
        this.fp32 = fp32;
        this.weights = weights;
    }

    /**
     * oneDNN's kernels, or {@link VectorKernels} when oneDNN cannot load (then one warning line per process says
     * why and that the Java kernels run instead).
     *
     * @param fp32    also route fp32 GEMMs to oneDNN (not bit-identical to the reference)
     * @param weights identity set of the arrays that hold constants (kept in native memory once multiplied)
     */
    public static HostKernels create(boolean fp32, Set<Object> weights) {
        OneDnn.Availability a = OneDnn.availability();
        if (!a.loaded()) {
            if (WARNED.compareAndSet(false, true)) LOG.warn("{}; host GEMMs run on the Vector API kernels", a.reason());
            return VectorKernels.INSTANCE;
        }
        return new OneDnnKernels(fp32, weights);
    }

    /** An identity set for {@link #create}'s weights. */
    public static Set<Object> identitySet() {
        return Collections.newSetFromMap(new IdentityHashMap<>());
    }

    @Override
    public String name() { return fp32 ? "onednn" : "onednn-int8"; }

    @Override
    public void gemmInt8(byte[] a, int aOff, byte[] w, int wOff, int[] c, int cOff, int m, int k, int n) {
        NativeInt8Weights.Path p;
        if (weights.contains(w)) {
            NativeInt8Weights nw = int8.computeIfAbsent(new Key(w, wOff, n, k), key -> keep(new NativeInt8Weights(w, wOff, n, k)));
            p = nw.multiply(a, aOff, m, c, cOff);
        } else {
            try (NativeInt8Weights once = new NativeInt8Weights(w, wOff, n, k)) {
                p = once.multiply(a, aOff, m, c, cOff);
            }
        }
        count(p.label());
    }

    @Override
    public void gemmFp32(float[] a, int aOff, float[] w, int wOff, float[] c, int cOff, int m, int k, int n) {
        if (!fp32) {
            rest.gemmFp32(a, aOff, w, wOff, c, cOff, m, k, n);
            count(FP32_VECTOR);
            return;
        }
        if (weights.contains(w)) {
            float32.computeIfAbsent(new Key(w, wOff, n, k), key -> keep(new NativeFp32Weights(w, wOff, n, k)))
                    .multiply(a, aOff, m, c, cOff);
        } else {
            try (NativeFp32Weights once = new NativeFp32Weights(w, wOff, n, k)) {
                once.multiply(a, aOff, m, c, cOff);
            }
        }
        count(FP32_ONEDNN);
    }

    private <T> T keep(T nw) {
        nativeBytes += nw instanceof NativeInt8Weights i ? i.nativeBytes() : ((NativeFp32Weights) nw).nativeBytes();
        return nw;
    }

    private synchronized void count(String path) {
        paths.merge(path, 1L, Long::sum);
    }

    /** GEMM calls so far by path label, in first-use order. */
    public synchronized Map<String, Long> paths() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(paths));
    }

    /** Bytes of weights held in native memory. */
    public long nativeWeightBytes() { return nativeBytes; }

    /** Weight matrices held in native memory. */
    public int nativeWeightMatrices() { return int8.size() + float32.size(); }

    @Override
    public float dotFloat(float[] x, int xOff, float[] y, int yOff, int n) { return rest.dotFloat(x, xOff, y, yOff, n); }

    @Override
    public float sumFloat(float[] x, int off, int n) { return rest.sumFloat(x, off, n); }

    @Override
    public void softmaxRows(float[] x, float[] y, int rows, int n) { rest.softmaxRows(x, y, rows, n); }

    @Override
    public void layerNormRows(float[] x, float[] y, int rows, int n, float[] gamma, float[] beta, float eps) {
        rest.layerNormRows(x, y, rows, n, gamma, beta, eps);
    }

    @Override
    public void rmsNormRows(float[] x, float[] y, int rows, int n, float[] gamma, float eps) {
        rest.rmsNormRows(x, y, rows, n, gamma, eps);
    }

    /** Frees the native weights. */
    @Override
    public void close() {
        int8.values().forEach(NativeInt8Weights::close);
        float32.values().forEach(NativeFp32Weights::close);
        int8.clear();
        float32.clear();
        nativeBytes = 0;
    }
}
