package org.pimllm.target;

import java.util.Objects;
import org.pimllm.sim.HardwareConfig;

/**
 * The machine to compile for and run on: a hardware preset, the DPU budget any one GEMM may use, and the
 * profile of the host-CPU model that times work left on the CPU.
 *
 * @param hw   the hardware preset (its hostCpu section is the host model's parameters)
 * @param dpus DPUs available to the module, 1 .. the preset's total
 * @param host the host-CPU model's profile: TVM_CPU (the paper's baseline) or PEAK (a tuned int8 path)
 */
public record Target(HardwareConfig hw, int dpus, HostCpuModel.Profile host) {

    public Target {
        Objects.requireNonNull(hw, "hw");
        Objects.requireNonNull(host, "host");
        if (dpus < 1 || dpus > hw.totalDpus()) {
            throw new IllegalArgumentException(dpus + " DPUs requested but preset " + hw.name() + " has "
                    + hw.totalDpus() + "; choose 1.." + hw.totalDpus() + " DPUs or another preset (pimllm hw list)");
        }
    }

    /** A target whose host is the paper's TVM-CPU baseline. */
    public Target(HardwareConfig hw, int dpus) {
        this(hw, dpus, HostCpuModel.Profile.TVM_CPU);
    }

    /** A preset by name (or a JSON file path) with a DPU budget; host: the paper's TVM-CPU baseline. */
    public static Target of(String preset, int dpus) {
        return new Target(HardwareConfig.presetOrFile(preset), dpus);
    }

    /** The same machine with another host-CPU profile. */
    public Target withHost(HostCpuModel.Profile profile) {
        return new Target(hw, dpus, profile);
    }

    /** Bytes of MRAM of one DPU (what resident weights and a call's slices share). */
    public long mramBytesPerDpu() {
        return hw.mramBytes();
    }

    /** The host-CPU model of this preset and profile. */
    public HostCpuModel hostModel() {
        return HostCpuModel.of(hw, host);
    }

    @Override
    public String toString() {
        return hw.name() + " with " + dpus + " DPUs, host " + host;
    }
}
