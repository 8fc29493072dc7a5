package org.pimllm.target;

import java.util.Objects;
import org.pimllm.ir.Attrs;
import org.pimllm.ir.TensorType;
import org.pimllm.pgemm.GemmShape;
import org.pimllm.pgemm.Layout;
import org.pimllm.pgemm.TilingPlan;

/**
 * Attributes of {@code pim.kv_gemm}: an attention GEMV of a decode step whose B is a layer's KV cache kept in the
 * DPUs' MRAM across steps (set by the KvCachePlacement pass, run by the runtime against its {@code KvCache}).
 *
 * @param cache            the cache's name, the decode graph's input it replaces ({@code past_key_0}, {@code past_value_3})
 * @param plan             the PGEMMlib plan of the GEMM over the cache <em>after</em> this step's row is appended
 *                         (b = heads, M = 1); its partition cuts the heads (fB) and the cache positions (fN of a K
 *                         cache, fK of a V cache), nothing else. Positions are dealt to the position parts round-robin
 *                         (position p to part p mod f), so every part holds ceil or floor(len / f) rows at any length
 *                         and an appended row goes to the DPUs of one part; the DPUs' work is the plan's at this length
 * @param bLayout          COL_MAJOR: the cache is B^T (K: heads, len, hd is (b, N, K)); ROW_MAJOR: the cache is B
 *                         (V: heads, len, hd is (b, K, N))
 * @param capacity         cache rows reserved in MRAM (the longest cache of the generation run)
 * @param estimatedSeconds the compiler's estimate of one step's call: append the row, then a resident-B call
 */
public record PimKvGemmAttrs(String cache, TilingPlan plan, Layout bLayout, int capacity, double estimatedSeconds)
        implements Attrs {

    public PimKvGemmAttrs {
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(bLayout, "bLayout");
        if (capacity < length(plan.shape(), bLayout)) {
            throw new IllegalArgumentException("KV cache '" + cache + "': capacity " + capacity + " rows is below the "
                    + length(plan.shape(), bLayout) + " rows of the plan " + plan.shape());
        }
        if (!(estimatedSeconds >= 0)) {
            throw new IllegalArgumentException("estimated_seconds must be >= 0, got " + estimatedSeconds);
        }
    }

    /** Cache rows of a GEMM over the cache: N for a K cache (col-major B), K for a V cache (row-major B). */
    public static int length(GemmShape s, Layout bLayout) {
        return bLayout == Layout.COL_MAJOR ? s.n() : s.k();
    }

    /** Cache rows after this step's append. */
    public int length() {
        return length(plan.shape(), bLayout);
    }

    /** The same GEMM with the cache at {@code rows} rows. */
    public static GemmShape atLength(GemmShape s, Layout bLayout, int rows) {
        return bLayout == Layout.COL_MAJOR ? new GemmShape(s.b(), s.m(), s.k(), rows) : new GemmShape(s.b(), s.m(), rows, s.n());
    }

    /** The cache's type at {@code rows} rows from this step's new rows (heads, 1, hd). */
    public static TensorType cacheType(TensorType rows, int length) {
        return TensorType.of(rows.dtype(), rows.dim(0), length, rows.dim(2));
    }

    /** Parts the cache positions are dealt to: fN of a K cache, fK of a V cache. */
    public int positionParts() {
        return bLayout == Layout.COL_MAJOR ? plan.partition().fN() : plan.partition().fK();
    }

    /** DPUs that receive an appended row: those of one position part (every head). */
    public int appendDpus() {
        return plan.dpus() / positionParts();
    }

    /** Bytes of one appended row (the DPU's heads) on one receiving DPU, rounded to the 8-byte DMA granule. */
    public long appendBytesPerDpu() {
        int rowElems = bLayout == Layout.COL_MAJOR ? plan.shape().k() : plan.shape().n();
        long bytes = (long) plan.slice().bLoc() * rowElems * plan.dtype().bytes();
        return (bytes + 7) & ~7L;
    }

    /** MRAM bytes per DPU the cache reserves at its capacity (the plan's B slice with {@code capacity} rows). */
    public long reservedBytesPerDpu() {
        GemmShape full = atLength(plan.shape(), bLayout, capacity);
        long b = TilingPlan.DpuSlice.of(full, plan.dtype(), plan.partition(), plan.kernel().tileK()).bBytes();
        return (b + 7) & ~7L;
    }
}
