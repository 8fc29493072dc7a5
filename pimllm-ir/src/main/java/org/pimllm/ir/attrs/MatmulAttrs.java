package org.pimllm.ir.attrs;

import org.pimllm.ir.Attrs;
import org.pimllm.ir.DType;

/**
 * {@code nn.matmul} (numpy semantics, default no transposes) and {@code nn.batch_matmul}
 * (Relay semantics: default {@code transpose_b=true}, i.e. y[b] = x[b] * w[b]^T).
 */
public record MatmulAttrs(boolean transposeA, boolean transposeB, DType outDtype) implements Attrs {
    public static final MatmulAttrs MATMUL_DEFAULT = new MatmulAttrs(false, false, null);
    public static final MatmulAttrs BATCH_MATMUL_DEFAULT = new MatmulAttrs(false, true, null);
}
