package org.pimllm.ir;

/** How an op's outputs depend on its inputs (TVM's TOpPattern), for fusion and placement decisions. */
public enum OpPattern {
    /** Output element i depends only on input element i. */
    ELEMWISE,
    /** Elementwise after numpy broadcasting. */
    BROADCAST,
    /** Each output element reads some input elements (reshape, transpose, take, ...). */
    INJECTIVE,
    /** Reduction (sum, mean, softmax, norms). */
    COMM_REDUCE,
    /** GEMM-like: elementwise ops after it can be fused into its output. */
    OUT_ELEMWISE_FUSABLE,
    /** Anything else. */
    OPAQUE
}
