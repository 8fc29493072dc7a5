package org.pimllm.tileselector;

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
import org.pimllm.sim.HostTransferModel;
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
        return tileSelector().select(shape, dtype, target.dpus(), CallOptions.POOLED, Restriction.to(Strategy.BASE)).plan();
    }

    @Override
    public TilingPlan selectPlan(GemmShape shape, GemmDType dtype, GemmCall call) {
        return tileSelector().select(shape, dtype, target.dpus(), options(call)).plan();
    }

    @Override
    public TilingPlan selectPlan(GemmShape shape, GemmDType dtype, GemmCall call, int tasklets, int kSplit) {
        return tileSelector().select(shape, dtype, target.dpus(), options(call), Restriction.NONE.withProgram(tasklets, kSplit))
                .plan();
    }

    @Override
    public TilingPlan selectPlan(GemmShape shape, GemmDType dtype, GemmCall call, PlanConstraint fixed) {
        Restriction r = Restriction.NONE.withFactors(fixed.fB(), fixed.fM(), fixed.fK(), fixed.fN())
                .withKernel(fixed.tileK(), null, null, null);
        if (fixed.tasklets() != null) r = r.withProgram(fixed.tasklets(), fixed.kSplit());
        return tileSelector().select(shape, dtype, target.dpus(), options(call), r).plan();
    }

    /** The simulator's own charge for the push ({@code HostTransferModel.parallelSeconds} over the DPUs' ranks). */
    @Override
    public double pushSeconds(int dpus, long bytesPerDpu) {
        HardwareConfig hw = target.hw();
        int ranks = Math.ceilDiv(dpus, hw.dpusPerRank());
        return new HostTransferModel(hw).parallelSeconds(HostTransferModel.Direction.H2D, dpus, ranks, bytesPerDpu);
    }

    /** The simulator's LOAD charge for the plan's DPUs ({@code HostTransferModel.loadSeconds} of their ranks). */
    @Override
    public double programLoadSeconds(TilingPlan plan) {
        return tileSelector().model().programLoadSeconds(plan);
    }

    /** The Tile-Selector's analytical model of the plan, called as {@code call} says. */
    @Override
    public double pimSeconds(TilingPlan plan, GemmCall call) {
        return tileSelector().cost(plan, options(call)).totalSeconds();
    }

    /**
     * The Tile-Selector's analytical model of a call whose B already lives in the pool's MRAM: only A and C move
     * (with PGEMMlib's host zero-point work for a uint8 x int8 call). No simulator runs during compilation.
     */
    @Override
    public double residentSeconds(TilingPlan plan, Layout bLayout, boolean zeroPoints) {
        return residentSeconds(plan, bLayout, zeroPoints, false);
    }

    /** The same, the call's ranks asynchronous when asyncRanks (the simulator's RankPipeline schedule of its steps). */
    @Override
    public double residentSeconds(TilingPlan plan, Layout bLayout, boolean zeroPoints, boolean asyncRanks) {
        return tileSelector().cost(plan, new CallOptions(true, bLayout, true, zeroPoints, asyncRanks)).totalSeconds();
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
        return new CallOptions(call.pooled(), call.bLayout(), false, false, call.pooled() && call.asyncRanks());
    }

    @Override
    public String toString() {
        return "Tile-Selector costs of " + target;
    }
}
