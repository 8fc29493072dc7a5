package org.pimllm.runtime;

import java.util.Objects;
import org.pimllm.sim.Mode;

/**
 * How a compiled module runs.
 *
 * @param variant     the name of the pipeline the module was compiled with (a label for reports)
 * @param mode        FUNCTIONAL computes real data; TIMING_ONLY only simulated time (no weights materialized)
 * @param measureHost also time the host kernels on this machine (wall clock), next to the host model
 */
public record RunOptions(String variant, Mode mode, boolean measureHost) {
    public RunOptions {
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(mode, "mode");
    }
}
