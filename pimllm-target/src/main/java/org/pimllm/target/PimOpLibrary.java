package org.pimllm.target;

import java.util.List;
import org.pimllm.ir.ModuleAttr;
import org.pimllm.ir.Op;
import org.pimllm.ir.OpLibrary;

/**
 * Makes the pim dialect known to the IR registry (and so to the parser) without loading the passes first:
 * the {@code pim.gemm} op and the {@code pim.dpu_pool} module attribute.
 */
public final class PimOpLibrary implements OpLibrary {
    @Override
    public List<Op> ops() {
        return List.of(PimOps.GEMM, PimKvOps.KV_GEMM);
    }

    @Override
    public List<ModuleAttr<?>> moduleAttrs() {
        return List.of(PimModule.DPU_POOL);
    }
}
