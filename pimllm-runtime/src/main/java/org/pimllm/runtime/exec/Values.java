package org.pimllm.runtime.exec;

import java.util.List;
import org.pimllm.ir.Tensor;

/** Run-time values: a {@link Tensor}, or a {@code List} of values for a tuple. */
public final class Values {

    private Values() {
    }

    public static Tensor tensor(Object v, String what) {
        if (v instanceof Tensor t) return t;
        throw new IllegalStateException(what + " is a tuple, expected a tensor");
    }

    @SuppressWarnings("unchecked")
    public static List<Object> tuple(Object v, String what) {
        if (v instanceof List<?> l) return (List<Object>) l;
        throw new IllegalStateException(what + " is a tensor, expected a tuple");
    }
}
