package org.pimllm.passes;

import java.util.List;
import org.pimllm.ir.TypeInference;

/** Re-derives and checks every type of the module (TVM's InferType); unchanged modules come back identical. */
public final class InferType {

    public static final String NAME = "InferType";

    private InferType() {
    }

    public static Pass pass() {
        return Pass.module(NAME, 0, List.of(), (m, ctx) -> TypeInference.infer(m));
    }
}
