package org.pimllm.passes.pim;

import java.util.List;
import org.pimllm.ir.Op;
import org.pimllm.ir.OpLibrary;

/** Makes the PIM ops known to the IR registry (and so to the parser) without loading the passes first. */
public final class PimOpLibrary implements OpLibrary {
    @Override
    public List<Op> ops() {
        return List.of(PimOps.GEMM);
    }
}
