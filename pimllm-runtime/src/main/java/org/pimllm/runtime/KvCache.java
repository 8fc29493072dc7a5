package org.pimllm.runtime;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.pimllm.ir.DType;
import org.pimllm.ir.Tensor;

/**
 * The KV caches of one generation run that live in the DPUs' MRAM, kept across decode steps (each step is its own
 * {@link CompiledModule}, since a decode graph is specific to its cache length).
 *
 * <p>Each cache starts as the prefill's K or V (seeded on the host, fp32 (heads, len, head_dim), or only its length in
 * TIMING_ONLY). The first step that multiplies against it (a {@code pim.kv_gemm}) places it in MRAM: the rows in the
 * step's dtype (int8: quantized with the step's own quantize op) are pushed once, a per-request cost recorded in
 * {@link #placementSeconds} (the caller adds it to the time to first token); every later step only appends its new
 * row. In FUNCTIONAL mode this object also keeps what the DPUs hold (the rows as placed and appended), which the
 * runtime multiplies on its functional machine with the step's plan.
 */
public final class KvCache {

    private static final class Entry {
        Tensor seed;
        Tensor stored;
        int length;
        boolean placed;
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private double placementSeconds;

    /** FUNCTIONAL: the prefill's K or V of one cache (heads, len, head_dim), still on the host. */
    public void seed(String name, Tensor rows) {
        if (rows.shape().length != 3) {
            throw new IllegalArgumentException("KV cache '" + name + "' must be (heads, len, head_dim), got " + rows.type());
        }
        Entry e = new Entry();
        e.seed = rows;
        e.length = rows.dim(1);
        entries.put(name, e);
    }

    /** TIMING_ONLY: a cache of {@code rows} rows, no data. */
    public void seedLength(String name, int rows) {
        Entry e = new Entry();
        e.length = rows;
        entries.put(name, e);
    }

    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    /** Rows the cache holds (after the appends so far). */
    public int length(String name) {
        return entry(name).length;
    }

    /** True once a step placed the cache in MRAM. */
    public boolean placed(String name) {
        return entry(name).placed;
    }

    /** Simulated seconds of placing the prompts' caches in MRAM (H2D, once per cache per request). */
    public double placementSeconds() {
        return placementSeconds;
    }

    Tensor seedTensor(String name) {
        return entry(name).seed;
    }

    Tensor stored(String name) {
        return entry(name).stored;
    }

    /** The cache is in MRAM now ({@code stored}: its rows in the step's dtype, FUNCTIONAL only), after {@code seconds} of H2D. */
    void markPlaced(String name, double seconds, Tensor stored) {
        Entry e = entry(name);
        e.placed = true;
        e.seed = null;
        e.stored = stored;
        placementSeconds += seconds;
    }

    /** Records one appended row (and, in FUNCTIONAL mode, the cache as the DPUs now hold it). */
    void appended(String name, Tensor stored) {
        Entry e = entry(name);
        e.stored = stored;
        e.length++;
    }

    private Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException("the decode step multiplies against KV cache '" + name + "' but the run has no"
                    + " such cache; seed it from the prefill's outputs first (caches: " + entries.keySet() + ")");
        }
        return e;
    }

    /** cache (heads, p, hd) with rows (heads, 1, hd) appended: (heads, p + 1, hd); int8 or fp32. */
    public static Tensor appendRow(Tensor cache, Tensor rows) {
        int heads = cache.dim(0);
        int p = cache.dim(1);
        int hd = cache.dim(2);
        if (rows.dim(0) != heads || rows.dim(1) != 1 || rows.dim(2) != hd || rows.dtype() != cache.dtype()) {
            throw new IllegalArgumentException("cannot append rows " + rows.type() + " to a KV cache " + cache.type());
        }
        if (cache.dtype() == DType.FP32) {
            float[] out = new float[heads * (p + 1) * hd];
            interleave(cache.floats(), rows.floats(), out, heads, p, hd);
            return Tensor.ofFloats(out, heads, p + 1, hd);
        }
        if (cache.dtype() == DType.INT8) {
            byte[] out = new byte[heads * (p + 1) * hd];
            interleave(cache.bytes(), rows.bytes(), out, heads, p, hd);
            return Tensor.ofBytes(DType.INT8, out, heads, p + 1, hd);
        }
        throw new IllegalArgumentException("KV caches are int8 or fp32, got " + cache.dtype());
    }

    /** Per head: its p cached rows of hd elements, then its new row (arrays of one element type). */
    private static void interleave(Object cache, Object rows, Object out, int heads, int p, int hd) {
        for (int h = 0; h < heads; h++) {
            System.arraycopy(cache, h * p * hd, out, h * (p + 1) * hd, p * hd);
            System.arraycopy(rows, h * hd, out, (h * (p + 1) + p) * hd, hd);
        }
    }
}
