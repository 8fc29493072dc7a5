package org.pimllm.runtime;

import java.util.Objects;
import org.pimllm.sim.HardwareConfig;

/**
 * The machine to compile for: a hardware preset and the DPU budget any one GEMM may use.
 *
 * @param hw   the hardware preset (its hostCpu section is the host model's parameters)
 * @param dpus DPUs available to the module, 1 .. the preset's total
 */
public record Target(HardwareConfig hw, int dpus) {

    public Target {
        Objects.requireNonNull(hw, "hw");
        if (dpus < 1 || dpus > hw.totalDpus()) {
            throw new IllegalArgumentException(dpus + " DPUs requested but preset " + hw.name() + " has "
                    + hw.totalDpus() + "; choose 1.." + hw.totalDpus() + " DPUs or another preset (pimllm hw list)");
        }
    }

    /** A preset by name (or a JSON file path) with a DPU budget. */
    public static Target of(String preset, int dpus) {
        return new Target(HardwareConfig.presetOrFile(preset), dpus);
    }
}
