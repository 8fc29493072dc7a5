package org.pimllm.passes;

/** Where the fp32 GEMMs of a graph may run (integer GEMMs are placed by the pipeline alone). */
public enum FloatGemms {
    /** Lowered like integer GEMMs (software floating point on the DPUs). */
    PIM,
    /** Kept on the host CPU: only integer GEMMs reach PIM. */
    HOST;

    /** {@code pim} or {@code host} (any case), as on the command line. */
    public static FloatGemms parse(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "pim" -> PIM;
            case "host" -> HOST;
            default -> throw new IllegalArgumentException("--fp32-gemms must be pim or host, got '" + s + "'");
        };
    }
}
