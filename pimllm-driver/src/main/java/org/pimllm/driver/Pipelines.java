package org.pimllm.driver;

import java.util.ArrayList;
import java.util.List;
import org.pimllm.ir.IRModule;
import org.pimllm.passes.AdjustLayout;
import org.pimllm.passes.AsyncRankCalls;
import org.pimllm.passes.CommonSubexpressionElimination;
import org.pimllm.passes.DeadCodeElimination;
import org.pimllm.passes.FoldConstant;
import org.pimllm.passes.FuseSiblingGemms;
import org.pimllm.passes.InferType;
import org.pimllm.passes.LowerToPgemm;
import org.pimllm.passes.PartitionCpuPim;
import org.pimllm.passes.Pass;
import org.pimllm.passes.PassContext;
import org.pimllm.passes.PassInstrument;
import org.pimllm.passes.Passes;
import org.pimllm.passes.PimOptions;
import org.pimllm.passes.PoolPimResources;
import org.pimllm.passes.QuantizeInt8;
import org.pimllm.passes.ResidentWeights;
import org.pimllm.passes.Sequential;
import org.pimllm.passes.TileSelect;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.target.HostCpuModel;
import org.pimllm.target.PimCostModel;
import org.pimllm.target.Target;
import org.pimllm.tileselector.TileSelectorCostModel;

/**
 * The configurations of the PIM-LLM paper's ablation, each an explicit pass list (the generic graph passes
 * InferType, FoldConstant, DeadCodeElimination and CommonSubexpressionElimination first in every one):
 *
 * <table>
 *   <caption>variants</caption>
 *   <tr><th>variant</th><th>passes after the generic ones</th><th>meaning</th></tr>
 *   <tr><td>naive</td><td>LowerToPgemm</td><td>every GEMM on PIM with BaseGEMM; no pooling (a DPU set is allocated
 *       around each GEMM and B pushed every call), no layout pass, no fusion, no partitioning</td></tr>
 *   <tr><td>base</td><td>LowerToPgemm, PoolPimResources</td><td>naive + one DPU pool: the all-BaseGEMM baseline</td></tr>
 *   <tr><td>ts</td><td>LowerToPgemm, TileSelect, PoolPimResources</td><td>base + the Tile-Selector's plans</td></tr>
 *   <tr><td>ts+adj</td><td>AdjustLayout, LowerToPgemm, TileSelect, PoolPimResources</td><td>ts + build-time layout</td></tr>
 *   <tr><td>ts+adj+qkv</td><td>FuseSiblingGemms, AdjustLayout, LowerToPgemm, TileSelect, PoolPimResources</td>
 *       <td>ts+adj + QKV fusion</td></tr>
 *   <tr><td>pimllm</td><td>FuseSiblingGemms, AdjustLayout, LowerToPgemm, TileSelect, PartitionCpuPim,
 *       PoolPimResources</td><td>the paper's full PIM-LLM</td></tr>
 *   <tr><td>pimllm+res</td><td>pimllm's + ResidentWeights</td><td>constant weights stay in MRAM (beyond the paper)</td></tr>
 *   <tr><td>cpu, cpu-peak</td><td>none</td><td>nothing lowered to PIM, no fusion or layout change (the model's graph as
 *       a CPU compiler gets it); the host model is the paper's TVM-CPU baseline or a tuned int8 path (PEAK)</td></tr>
 * </table>
 *
 * Every paper variant sends each weight with every call (no ResidentWeights), as the paper's PGEMMlib does. How
 * the compiled program will make its calls (pooled, weights resident) is set in the context from the list
 * ({@link PimOptions}), so passes estimating costs never ask which later passes run.
 */
public final class Pipelines {

    /** The variant names, in ablation order. */
    public static final List<String> VARIANTS = List.of("naive", "base", "ts", "ts+adj", "ts+adj+qkv", "pimllm", "pimllm+res", "cpu",
            "cpu-peak");

    /**
     * The decode ablation's steps, each adding one thing to the one before (docs/decode.md): the paper's pimllm
     * without sibling fusion, weights sent with every call ({@code pim-percall}); constant weights resident in MRAM
     * ({@code +resident}); calls queued rank by rank, asynchronous ({@code +async}); FuseSiblingGemms, one GEMM for
     * QKV and one for gate+up ({@code +fusion}); the host's ops, and the GEMMs left on the CPU, at the tuned host
     * profile cpu-peak is credited with ({@code +host}: the full system that {@code pimllm generate}'s pimllm decodes as).
     */
    public static final List<String> DECODE_ABLATION = List.of("pim-percall", "+resident", "+async", "+fusion", "+host");

    private Pipelines() {
    }

    /**
     * A pipeline configuration.
     *
     * @param variant     the variant name
     * @param passes      the passes, in order
     * @param hostProfile the host-CPU model's profile (TVM_CPU except for cpu-peak)
     */
    public record Pipeline(String variant, Sequential passes, HostCpuModel.Profile hostProfile) {

        /** The names of the passes, in order. */
        public List<String> passNames() {
            return passes.passes().stream().map(Pass::name).toList();
        }

        /** True if GEMMs may be lowered to PIM in this variant. */
        public boolean lowersToPim() { return passNames().contains(LowerToPgemm.NAME); }

        /** The target for a preset and DPU budget, with this variant's host profile. */
        public Target target(HardwareConfig hw, int dpus) {
            return new Target(hw, dpus, hostProfile);
        }

        /** The cost model the passes ask on {@code target}, with this variant's host profile. */
        public PimCostModel costModel(Target target) {
            return new TileSelectorCostModel(target.withHost(hostProfile));
        }

        /**
         * The context this pipeline runs in on {@code target}: the options' opt level, the passes they switch off
         * (a user override of this list), where fp32 GEMMs go, and how the compiled program will make its calls,
         * from the passes of this list that run under those settings ({@link PimOptions}).
         */
        public PassContext context(Target target, CompileOptions options, PassInstrument... instruments) {
            PassContext.Builder b = PassContext.builder().optLevel(options.optLevel()).disable(options.disabledPasses())
                    .costModel(costModel(target)).set(LowerToPgemm.FLOAT_GEMMS, options.floatGemms());
            for (PassInstrument i : instruments) b.instrument(i);
            PassContext settings = b.build();
            return b.set(PimOptions.POOLED_CALLS, runs(PoolPimResources.NAME, settings))
                    .set(PimOptions.RESIDENT_WEIGHTS, runs(ResidentWeights.NAME, settings))
                    .set(PimOptions.ASYNC_RANKS, runs(PoolPimResources.NAME, settings) && runs(AsyncRankCalls.NAME, settings))
                    .build();
        }

        /** True if {@code pass} is in this list and runs under {@code settings} (not switched off, opt level reached). */
        private boolean runs(String pass, PassContext settings) {
            return passNames().contains(pass) && settings.skipReason(Passes.byName(pass).info()).isEmpty();
        }

        /** Runs the pipeline on {@code target} in {@link #context}. */
        public IRModule run(IRModule module, Target target, CompileOptions options, PassInstrument... instruments) {
            return passes.run(module, context(target, options, instruments));
        }

        /** Runs the pipeline on a preset and DPU budget with the default options. */
        public IRModule run(IRModule module, HardwareConfig hw, int dpus) {
            return run(module, target(hw, dpus), CompileOptions.variant(variant));
        }

        /** The same variant with QuantizeInt8 run first after InferType (the fp32 model becomes int8). */
        public Pipeline withQuantization(QuantizeInt8.Config config) {
            List<Pass> ps = new ArrayList<>(passes.passes());
            ps.add(1, QuantizeInt8.pass(config));
            return new Pipeline(variant, new Sequential(passes.info().name(), ps), hostProfile);
        }
    }

    /** The configuration of one of {@link #VARIANTS}; unknown names are an error listing them. */
    public static Pipeline forVariant(String variant) {
        List<Pass> ps = new ArrayList<>(List.of(InferType.pass(), FoldConstant.pass(), DeadCodeElimination.pass(),
                CommonSubexpressionElimination.pass()));
        HostCpuModel.Profile profile = HostCpuModel.Profile.TVM_CPU;
        switch (variant) {
            case "naive" -> ps.add(LowerToPgemm.pass());
            case "base" -> ps.addAll(List.of(LowerToPgemm.pass(), PoolPimResources.pass()));
            case "ts" -> ps.addAll(List.of(LowerToPgemm.pass(), TileSelect.pass(), PoolPimResources.pass()));
            case "ts+adj" -> ps.addAll(List.of(AdjustLayout.pass(), LowerToPgemm.pass(), TileSelect.pass(),
                    PoolPimResources.pass()));
            case "ts+adj+qkv" -> ps.addAll(List.of(FuseSiblingGemms.pass(), AdjustLayout.pass(), LowerToPgemm.pass(),
                    TileSelect.pass(), PoolPimResources.pass()));
            case "pimllm" -> ps.addAll(pimllm());
            case "pimllm+res" -> {
                ps.addAll(pimllm());
                ps.add(ResidentWeights.pass());
            }
            case "pim-percall" -> ps.addAll(decodeSteps(false, false, false));
            case "+resident" -> ps.addAll(decodeSteps(true, false, false));
            case "+async" -> ps.addAll(decodeSteps(true, true, false));
            case "+fusion" -> ps.addAll(decodeSteps(true, true, true));
            case "+host" -> {
                ps.addAll(decodeSteps(true, true, true));
                profile = HostCpuModel.Profile.PEAK;
            }
            case "cpu" -> { }
            case "cpu-peak" -> profile = HostCpuModel.Profile.PEAK;
            default -> throw new IllegalArgumentException("unknown variant '" + variant + "'; known variants: "
                    + String.join(", ", VARIANTS) + " (decode ablation: " + String.join(", ", DECODE_ABLATION) + ")");
        }
        return new Pipeline(variant, new Sequential("Standard", ps), profile);
    }

    /** pimllm's passes with sibling fusion, resident weights and asynchronous calls each on or off. */
    private static List<Pass> decodeSteps(boolean resident, boolean async, boolean fusion) {
        List<Pass> ps = new ArrayList<>();
        if (fusion) ps.add(FuseSiblingGemms.pass());
        ps.addAll(List.of(AdjustLayout.pass(), LowerToPgemm.pass(), TileSelect.pass(), PartitionCpuPim.pass(),
                PoolPimResources.pass()));
        if (resident) ps.add(ResidentWeights.pass());
        if (async) ps.add(AsyncRankCalls.pass());
        return ps;
    }

    private static List<Pass> pimllm() {
        return List.of(FuseSiblingGemms.pass(), AdjustLayout.pass(), LowerToPgemm.pass(), TileSelect.pass(),
                PartitionCpuPim.pass(), PoolPimResources.pass());
    }

}
