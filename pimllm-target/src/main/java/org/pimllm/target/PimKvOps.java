package org.pimllm.target;

import org.pimllm.ir.DType;
import org.pimllm.ir.Op;
import org.pimllm.ir.OpPattern;
import org.pimllm.ir.Rel;
import org.pimllm.ir.TensorType;
import org.pimllm.ir.Type;

/**
 * {@code pim.kv_gemm(a, rows)}: one attention GEMV of a decode step over a KV cache that lives in the DPUs' MRAM.
 * {@code rows} (heads, 1, head_dim) are this step's new K or V rows, already in the cache's dtype; the runtime
 * appends them to the cache named by {@link PimKvGemmAttrs#cache} (a small push to the DPUs of each head) and
 * computes C = A x cache on the DPUs with the cache as a resident B (only A moves in and C out). The cache is not an
 * argument: it is state the runtime keeps across steps, so the op has no host semantics of its own.
 */
public final class PimKvOps {

    private PimKvOps() {
    }

    public static final Op KV_GEMM = Op.define("pim.kv_gemm").args("a", "rows").attrs(PimKvGemmAttrs.class, null)
            .relation(PimKvOps::relation).pattern(OpPattern.OPAQUE)
            .describe("C = A x (KV cache in MRAM with rows appended) on the DPUs; attrs: cache (the cache's name), plan"
                    + " (the GEMM after the append, batch-only partition), b_layout (col_major: K cache, row_major: V"
                    + " cache), capacity (rows reserved), estimated_seconds")
            .compute((call, args, kernels) -> {
                throw new IllegalStateException("pim.kv_gemm reads the KV cache kept in MRAM by the runtime; run the"
                        + " module through CompiledModule with a KvCache");
            }).register();

    static Type relation(Rel r, PimKvGemmAttrs attrs) {
        TensorType a = r.tensor(0);
        TensorType rows = r.tensor(1);
        DType in = GemmGeometry.irType(attrs.plan().dtype());
        if (a.dtype() != in || rows.dtype() != in) {
            throw r.fail("the plan multiplies " + attrs.plan().dtype().cliName() + " but A and the rows are " + a + " and " + rows);
        }
        if (rows.rank() != 3 || rows.dim(1) != 1) {
            throw r.fail("the new cache rows must be (heads, 1, head_dim), got " + rows);
        }
        GemmGeometry g;
        try {
            g = GemmGeometry.of(a, PimKvGemmAttrs.cacheType(rows, attrs.length()), attrs.bLayout());
        } catch (IllegalArgumentException e) {
            throw r.fail(e.getMessage());
        }
        if (!g.shape().equals(attrs.plan().shape())) {
            throw r.fail("the plan is for GEMM " + attrs.plan().shape() + " but A " + a + " over a cache of "
                    + attrs.length() + " rows of " + rows + " gives " + g.shape());
        }
        return new TensorType(g.outShape(), GemmGeometry.irType(attrs.plan().dtype().outputType()));
    }
}
