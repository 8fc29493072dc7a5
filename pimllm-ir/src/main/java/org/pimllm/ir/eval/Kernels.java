package org.pimllm.ir.eval;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.pimllm.ir.Op;

/**
 * The reference kernel of each op. Built-in ops have one ({@link ReferenceKernels}); other
 * modules register theirs for their own ops (e.g. {@code pim.gemm}).
 */
public final class Kernels {

    private static final Map<String, Kernel> KERNELS = new ConcurrentHashMap<>();

    private Kernels() {
    }

    public static void register(Op op, Kernel kernel) {
        KERNELS.put(op.name(), kernel);
    }

    /** The kernel of {@code op}, or an error saying none is registered. */
    public static Kernel get(Op op) {
        ReferenceKernels.ensureRegistered();
        Kernel k = KERNELS.get(op.name());
        if (k == null) {
            throw new IllegalArgumentException("no reference kernel for op " + op.name()
                    + "; register one with Kernels.register");
        }
        return k;
    }

    public static boolean has(Op op) {
        ReferenceKernels.ensureRegistered();
        return KERNELS.containsKey(op.name());
    }
}
