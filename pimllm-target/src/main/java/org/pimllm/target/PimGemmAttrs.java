package org.pimllm.target;

import java.util.Objects;
import org.pimllm.ir.Attrs;
import org.pimllm.pgemm.Layout;
import org.pimllm.pgemm.TilingPlan;

/**
 * Attributes of {@code pim.gemm}: everything the runtime needs to run the GEMM through PGEMMlib.
 * Printed and parsed by the IR's generic attribute codec, e.g.
 * {@code plan={strategy=ntile, shape={b=1, m=128, k=768, n=2304}, dtype=int8, partition={f_b=1,
 * f_m=16, f_k=1, f_n=128}, kernel={...}}, b_layout=col_major, resident=true, estimated_seconds=1.2E-4}.
 *
 * @param name             a label for reports (the weight's name, e.g. {@code layers.0.attn.qkv}); may be null
 * @param plan             the PGEMMlib plan (strategy, partition factors, kernel parameters) for this exact shape
 * @param bLayout          how the B operand is stored: COL_MAJOR = B^T row-major, a (..., N, K) tensor (PGEMMlib's
 *                         layout; nn.Linear weights, or weights AdjustLayout transposed at build time); ROW_MAJOR = a
 *                         (..., K, N) tensor that PGEMMlib transposes on the host at run time (HOST time)
 * @param resident         B is a constant the runtime places in the pooled DPUs' MRAM once (set by PoolPimResources)
 * @param estimatedSeconds the compiler's estimate of one call as the variant makes it: the Tile-Selector's model
 *                         on pooled DPUs (unpooled when the pipeline does not pool its calls: allocation and load
 *                         around the call), host transposition of a row-major B included; for resident weights,
 *                         the simulated time of a call that moves only A and C
 */
public record PimGemmAttrs(String name, TilingPlan plan, Layout bLayout, boolean resident, double estimatedSeconds)
        implements Attrs {

    public PimGemmAttrs {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(bLayout, "bLayout");
        if (!(estimatedSeconds >= 0)) {
            throw new IllegalArgumentException("estimated_seconds must be >= 0, got " + estimatedSeconds);
        }
    }

    public PimGemmAttrs withPlan(TilingPlan p, double seconds) {
        return new PimGemmAttrs(name, p, bLayout, resident, seconds);
    }

    public PimGemmAttrs withResident(boolean r) {
        return new PimGemmAttrs(name, plan, bLayout, r, estimatedSeconds);
    }
}
