package org.pimllm.tileselector;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.GemmShape;
import org.pimllm.pgemm.Layout;
import org.pimllm.pgemm.PgemmLib;
import org.pimllm.pgemm.PlanEnumerator;
import org.pimllm.pgemm.ResidentB;
import org.pimllm.pgemm.ResidentU8S8;
import org.pimllm.pgemm.Strategy;
import org.pimllm.pgemm.TilingPlan;
import org.pimllm.pgemm.ZeroPoints;
import org.pimllm.sim.DpuSet;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.sim.Mode;
import org.pimllm.sim.PimSystem;
import org.pimllm.target.HostCpuModel;
import org.pimllm.target.PimCostModel;
import org.pimllm.target.Target;

/**
 * The passes' cost model of a {@link Target}: plans and PIM times from the Tile-Selector's models of the
 * target's preset, host times from its host-CPU model, so every estimate comes from the same preset.
 */
public final class TileSelectorCostModel implements PimCostModel {

    private static final Map<HardwareConfig, TileSelector> SELECTORS = new ConcurrentHashMap<>();

    private final Target target;
    private final HostCpuModel host;

    public TileSelectorCostModel(Target target) {
        this.target = Objects.requireNonNull(target, "target");
        this.host = target.hostModel();
    }

    @Override
    public Target target() { return target; }

    /** The Tile-Selector of this preset (one per preset: it may profile and cache). */
    public TileSelector tileSelector() {
        return SELECTORS.computeIfAbsent(target.hw(), TileSelector::new);
    }

    @Override
    public TilingPlan basePlan(GemmShape shape, GemmDType dtype) {
        HardwareConfig hw = target.hw();
        return PlanEnumerator.defaultPlan(Strategy.BASE, shape, dtype, target.dpus(), null, null, null, null,
                PgemmLib.limits(hw), PgemmLib.kernelModel(hw));
    }

    @Override
    public TilingPlan selectPlan(GemmShape shape, GemmDType dtype, GemmCall call) {
        return tileSelector().select(shape, dtype, target.dpus(), options(call)).plan();
    }

    /** The Tile-Selector's analytical model of the plan, called as {@code call} says. */
    @Override
    public double pimSeconds(TilingPlan plan, GemmCall call) {
        return tileSelector().cost(plan, options(call)).totalSeconds();
    }

    /**
     * The Tile-Selector's model has no resident-B case, so this runs the call on the simulator in TIMING_ONLY
     * mode (B placed first, then one call timed on its own).
     */
    @Override
    public double residentSeconds(TilingPlan plan, Layout bLayout, boolean zeroPoints) {
        PimSystem sys = new PimSystem(target.hw(), Mode.TIMING_ONLY);
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

    @Override
    public double zeroPointSeconds(GemmShape shape, boolean residentB) {
        return PgemmLib.zeroPointHostSeconds(shape, target.hw(), residentB);
    }

    @Override
    public double cpuSeconds(GemmShape shape, GemmDType dtype) {
        return host.gemmSeconds(shape, dtype);
    }

    private static CallOptions options(GemmCall call) {
        return new CallOptions(call.pooled(), call.bLayout());
    }

    @Override
    public String toString() {
        return "Tile-Selector costs of " + target;
    }
}
