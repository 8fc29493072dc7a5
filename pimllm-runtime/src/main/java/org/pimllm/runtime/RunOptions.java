package org.pimllm.runtime;

import java.util.Objects;
import org.pimllm.sim.Mode;

/**
 * How a compiled module runs.
 *
 * @param variant     the name of the pipeline the module was compiled with (a label for reports)
 * @param mode        FUNCTIONAL computes real data; TIMING_ONLY only simulated time (no weights materialized)
 * @param measureHost also time the host kernels on this machine (wall clock), next to the host model
 * @param hostGemm    which library computes host-placed GEMMs in FUNCTIONAL runs ({@link HostGemm#AUTO} by default)
 */
public record RunOptions(String variant, Mode mode, boolean measureHost, HostGemm hostGemm) {
    public RunOptions {
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(hostGemm, "hostGemm");
    }

    /** With the default host GEMMs ({@link HostGemm#AUTO}). */
    public RunOptions(String variant, Mode mode, boolean measureHost) {
        this(variant, mode, measureHost, HostGemm.AUTO);
    }

    public RunOptions withHostGemm(HostGemm g) {
        return new RunOptions(variant, mode, measureHost, g);
    }
}
