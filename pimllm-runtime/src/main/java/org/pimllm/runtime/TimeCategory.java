package org.pimllm.runtime;

import java.util.Locale;
import org.pimllm.sim.Category;
import org.pimllm.sim.Event;

/** Where simulated time of an inference goes. */
public enum TimeCategory {
    /** Non-GEMM ops on the host CPU (norms, softmax, activations, quantization, data movement). */
    HOST_OPS,
    /** GEMMs left on the host CPU. */
    CPU_GEMM,
    /** dpu_alloc and dpu_free (per GEMM when unpooled; once when pooled). */
    ALLOC,
    /** dpu_load. */
    LOAD,
    /** Host to DPU transfers (A, B, arguments). */
    H2D,
    /** DPU kernels. */
    KERNEL,
    /** DPU to host transfers (C). */
    D2H,
    /** Launch overhead. */
    LAUNCH,
    /** Run-time host transposition of a row-major B (PGEMMlib). */
    TRANSPOSE,
    /** Host sum of K-tiled partial results (PGEMMlib). */
    REDUCE,
    /**
     * Host zero-point correction of uint8 x int8 GEMMs (PGEMMlib's gemmU8S8: flip and row sums of A, correction of
     * C; column sums of B when B is not resident).
     */
    ZERO_POINT;

    /** Lower-case name for tables and JSON ("host_ops", "kernel", ...). */
    public String key() { return name().toLowerCase(Locale.ROOT); }

    /** The category of a simulator event (PGEMMlib's HOST events are split by what they do). */
    static TimeCategory of(Event e) {
        Category c = e.category();
        return switch (c) {
            case ALLOC, FREE -> ALLOC;
            case LOAD -> LOAD;
            case H2D -> H2D;
            case KERNEL -> KERNEL;
            case D2H -> D2H;
            case LAUNCH -> LAUNCH;
            case HOST -> e.label().contains("transpose") ? TRANSPOSE : e.label().contains("zero-point") ? ZERO_POINT : REDUCE;
        };
    }
}
