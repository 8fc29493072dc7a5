package org.pimllm.runtime;

/**
 * Which library computes the host-placed GEMMs of a FUNCTIONAL run (every other host op always runs on the Vector
 * API kernels). Whatever is chosen, a run whose oneDNN cannot load falls back to the Vector API kernels and says so.
 */
public enum HostGemm {
    /** The Vector API kernels only: fp32 and int8 bit-identical to the reference executor. */
    JAVA,
    /**
     * int8 GEMMs through oneDNN when it loads (exact on every ISA: {@code NativeInt8Weights}), fp32 GEMMs on the Vector
     * API kernels, so outputs still equal the reference executor's bit for bit. The default.
     */
    AUTO,
    /**
     * int8 and fp32 GEMMs through oneDNN when it loads. fp32 then agrees with the reference within rounding only
     * (oneDNN's FMA and summation order); what {@code pimllm bench --variants cpu-measured} times.
     */
    ONEDNN
}
