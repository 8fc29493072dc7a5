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
 * the first time it is multiplied and reused by every later call, of this module and of any other module holding
 * the same array (constants are shared across modules by the runtime's ConstantCache, e.g. the decode step compiled
 * per cache length): the native copies are kept process-wide, keyed by the array's identity and held weakly, so a
 * copy lives exactly as long as its Java array (JavaCPP frees the native memory once the copy is collected). Any
 * other operand (a GEMM of two activations) is copied for that call only. Which path each call took is counted
 * ({@link #paths()}).
 */
public final class OneDnnKernels implements HostKernels, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OneDnnKernels.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    /** Labels of the paths that are not oneDNN's own ({@link NativeInt8Weights.Path#label()}). */
    public static final String FP32_ONEDNN = "oneDNN fp32 (sgemm)";
    public static final String FP32_VECTOR = "Vector API fp32";

    /** Where in its array a weight matrix starts, and its shape. */
    private record Slice(int offset, int n, int k) {}

    /**
     * Native copies by Java array: a WeakHashMap compares arrays with their own equals and hashCode, i.e. identity,
     * and drops an entry once its array is collected.
     */
    private static final Map<Object, Map<Slice, AutoCloseable>> NATIVE = new java.util.WeakHashMap<>();

    private final HostKernels rest = VectorKernels.INSTANCE;
    private final boolean fp32;
    private final Set<Object> weights;
    /** The native copies this module used (for its report). */
    private final Set<Object> used = identitySet();
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

    /**
     * The transposed rows of a constant matmul B (GPT-2's Conv1D weights are (K, N)), made once per constant and
     * registered as a weight themselves, so later calls reuse them and their native copy instead of transposing
     * and copying across JNI every call. Keyed by the constant's array (identity, dropped with it).
     */
    private final Map<Object, org.pimllm.ir.Tensor> rowsOfConstant = new java.util.WeakHashMap<>();

    @Override
    public synchronized org.pimllm.ir.Tensor weightRows(org.pimllm.ir.Tensor b,
                                                        java.util.function.UnaryOperator<org.pimllm.ir.Tensor> transpose) {
        Object array = b.storage();
        if (!weights.contains(array)) return transpose.apply(b);
        org.pimllm.ir.Tensor rows = rowsOfConstant.get(array);
        if (rows == null || !java.util.Arrays.equals(rows.shape(), new int[] {b.dim(0), b.dim(2), b.dim(1)})) {
            rows = transpose.apply(b);
            rowsOfConstant.put(array, rows);
            weights.add(rows.storage());
        }
        return rows;
    }

    @Override
    public void gemmInt8(byte[] a, int aOff, byte[] w, int wOff, int[] c, int cOff, int m, int k, int n) {
        if (m == 0 || k == 0 || n == 0) { // nothing to multiply (oneDNN rejects empty shapes)
            rest.gemmInt8(a, aOff, w, wOff, c, cOff, m, k, n);
            return;
        }
        NativeInt8Weights.Path p;
        if (weights.contains(w)) {
            NativeInt8Weights nw = shared(w, new Slice(wOff, n, k), () -> new NativeInt8Weights(w, wOff, n, k));
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
        if (!fp32 || m == 0 || k == 0 || n == 0) {
            rest.gemmFp32(a, aOff, w, wOff, c, cOff, m, k, n);
            count(FP32_VECTOR);
            return;
        }
        if (weights.contains(w)) {
            shared(w, new Slice(wOff, n, k), () -> new NativeFp32Weights(w, wOff, n, k)).multiply(a, aOff, m, c, cOff);
        } else {
            try (NativeFp32Weights once = new NativeFp32Weights(w, wOff, n, k)) {
                once.multiply(a, aOff, m, c, cOff);
            }
        }
        count(FP32_ONEDNN);
    }

    /** The process-wide native copy of this slice of {@code array}, made on first use. */
    @SuppressWarnings("unchecked")
    private <T extends AutoCloseable> T shared(Object array, Slice slice, java.util.function.Supplier<T> copy) {
        T nw;
        synchronized (NATIVE) {
            nw = (T) NATIVE.computeIfAbsent(array, x -> new java.util.HashMap<>()).computeIfAbsent(slice, x -> copy.get());
        }
        synchronized (this) {
            if (used.add(nw)) {
                nativeBytes += nw instanceof NativeInt8Weights i ? i.nativeBytes() : ((NativeFp32Weights) nw).nativeBytes();
            }
        }
        return nw;
    }

    private synchronized void count(String path) {
        paths.merge(path, 1L, Long::sum);
    }

    /** GEMM calls so far by path label, in first-use order. */
    public synchronized Map<String, Long> paths() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(paths));
    }

    /** Native copies kept for {@code array} (one per slice multiplied), for tests. */
    static int nativeCopiesOf(Object array) {
        synchronized (NATIVE) {
            Map<Slice, AutoCloseable> m = NATIVE.get(array);
            return m == null ? 0 : m.size();
        }
    }

    /** Bytes of the native weight copies this module used. */
    public synchronized long nativeWeightBytes() { return nativeBytes; }

    /** Weight matrices in native memory this module used. */
    public synchronized int nativeWeightMatrices() { return used.size(); }

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

    /**
     * Forgets this module's bookkeeping. The native copies stay with their arrays (other modules may share them) and
     * are freed when the arrays are collected.
     */
    @Override
    public synchronized void close() {
        used.clear();
        nativeBytes = 0;
    }
}
