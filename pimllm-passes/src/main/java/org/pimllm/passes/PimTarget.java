package org.pimllm.passes;

import org.pimllm.tileselector.Restriction;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.GemmShape;
import org.pimllm.pgemm.Layout;
import org.pimllm.pgemm.PgemmLib;
import org.pimllm.pgemm.Strategy;
import org.pimllm.pgemm.TilingPlan;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.pgemm.ResidentB;
import org.pimllm.pgemm.ResidentU8S8;
import org.pimllm.pgemm.ZeroPoints;
import org.pimllm.sim.DpuSet;
import org.pimllm.sim.Mode;
import org.pimllm.sim.PimSystem;
import org.pimllm.tileselector.CallOptions;
import org.pimllm.tileselector.HostCpuModel;
import org.pimllm.tileselector.Selection;
import org.pimllm.tileselector.TileSelector;

/**
 * The machine the passes compile for: a hardware preset, the DPU budget GEMMs may use, and the
 * host-CPU model that estimates GEMMs left on the CPU. Cost questions the passes ask go through
 * here, so every estimate comes from the Tile-Selector's models of the same preset.
 *
 * @param hw   hardware preset
 * @param dpus DPUs any one GEMM may use (1 .. hw.totalDpus())
 * @param host host-CPU time model (TVM_CPU profile: the paper's baseline; PEAK: a tuned int8 path)
 */
public record PimTarget(HardwareConfig hw, int dpus, HostCpuModel host) {

    private static final Map<HardwareConfig, TileSelector> SELECTORS = new ConcurrentHashMap<>();

    public PimTarget {
        Objects.requireNonNull(hw, "hw");
        Objects.requireNonNull(host, "host");
        if (dpus < 1 || dpus > hw.totalDpus()) {
            throw new IllegalArgumentException("the DPU budget must be between 1 and the " + hw.totalDpus()
                    + " DPUs of preset " + hw.name() + ", got " + dpus);
        }
    }

    /** A target whose host is the paper's TVM-CPU baseline. */
    public static PimTarget of(HardwareConfig hw, int dpus) {
        return new PimTarget(hw, dpus, HostCpuModel.of(hw, HostCpuModel.Profile.TVM_CPU));
    }

    /** The Tile-Selector of this preset (one per preset: it may profile and cache). */
    public TileSelector tileSelector() {
        return SELECTORS.computeIfAbsent(hw, TileSelector::new);
    }

    /**
     * The default BaseGEMM plan for the DPU budget: the Tile-Selector restricted to BaseGEMM, pooled calls
     * (throws IllegalArgumentException if no BaseGEMM plan fits).
     */
    public TilingPlan basePlan(GemmShape shape, GemmDType dtype) {
        return tileSelector().select(shape, dtype, dpus, CallOptions.POOLED, Restriction.to(Strategy.BASE)).plan();
    }

    /** The Tile-Selector's choice for calls made as {@code opts} says (pooled or not, B's layout). */
    public Selection select(GemmShape shape, GemmDType dtype, CallOptions opts) {
        return tileSelector().select(shape, dtype, dpus, opts);
    }

    /**
     * Estimated seconds of one pim.gemm call made as {@code opts} says (pooled or not: allocation and load around
     * the call), B pushed with the call: the Tile-Selector's analytical model of the plan, including the host
     * transposition of a row-major B.
     */
    public double pimSeconds(TilingPlan plan, CallOptions opts) {
        return tileSelector().cost(plan, opts).totalSeconds();
    }

    /**
     * Seconds of one call whose constant B is already resident in MRAM (pooled DPUs): only A and C
     * move. The Tile-Selector's model has no resident-B case, so this runs the call on the simulator
     * in TIMING_ONLY mode (B placed first, then one call timed on its own).
     */
    public double residentSeconds(TilingPlan plan, Layout bLayout) {
        return residentSeconds(plan, bLayout, false);
    }

    /**
     * {@link #residentSeconds(TilingPlan, Layout)} for a GEMM with or without zero points; with them the call is
     * PGEMMlib's uint8 x int8 one ({@code gemmU8S8} on a resident B), host zero-point correction included.
     */
    public double residentSeconds(TilingPlan plan, Layout bLayout, boolean zeroPoints) {
        PimSystem sys = new PimSystem(hw, Mode.TIMING_ONLY);
        PgemmLib lib = new PgemmLib(sys);
        try (DpuSet set = sys.allocate(plan.dpus())) {
            PgemmLib.load(set, plan);
            if (zeroPoints) {
                // the zero points' values do not change the time; B's column sums are part of placing it
                ResidentU8S8 b = lib.prepareResidentU8S8(set, plan, null, ZeroPoints.of(0, 0));
                return lib.gemmU8S8(b, plan.shape().m()).totalSeconds();
            }
            ResidentB b = lib.prepareResident(set, plan, null, bLayout);
            return lib.gemm(b, plan.shape().m(), null).totalSeconds();
        }
    }

    /** HOST seconds of PGEMMlib's zero-point correction for one uint8 x int8 call (B's column sums unless resident). */
    public double zeroPointSeconds(GemmShape shape, boolean residentB) {
        return PgemmLib.zeroPointHostSeconds(shape, hw, residentB);
    }

    /** Estimated seconds of the GEMM on the host CPU. */
    public double cpuSeconds(GemmShape shape, GemmDType dtype) {
        return host.gemmSeconds(shape, dtype);
    }

    @Override
    public String toString() {
        return hw.name() + " with " + dpus + " DPUs, host " + host.profile();
    }
}
