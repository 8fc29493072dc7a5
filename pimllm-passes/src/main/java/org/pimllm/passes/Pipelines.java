package org.pimllm.passes;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.pimllm.ir.IRModule;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.tileselector.HostCpuModel;

/**
 * The standard pass pipeline and the configurations of the PIM-LLM paper's ablation. Each variant
 * is the same pass list with some passes switched off by name:
 *
 * <table>
 *   <caption>variants</caption>
 *   <tr><th>variant</th><th>what runs</th></tr>
 *   <tr><td>naive</td><td>every GEMM on PIM with BaseGEMM; no pooling (a DPU set is allocated around each
 *       GEMM and B pushed every call), no layout pass, no fusion, no partitioning</td></tr>
 *   <tr><td>base</td><td>naive + PoolPimResources (one DPU pool): the all-BaseGEMM baseline</td></tr>
 *   <tr><td>ts</td><td>base + TileSelect</td></tr>
 *   <tr><td>ts+adj</td><td>ts + AdjustLayout</td></tr>
 *   <tr><td>ts+adj+qkv</td><td>ts+adj + FuseSiblingGemms</td></tr>
 *   <tr><td>pimllm</td><td>ts+adj+qkv + PartitionCpuPim: the paper's full PIM-LLM</td></tr>
 *   <tr><td>pimllm+res</td><td>pimllm + ResidentWeights (constant weights stay in MRAM; beyond the paper)</td></tr>
 *   <tr><td>cpu, cpu-peak</td><td>nothing lowered to PIM, no fusion or layout change (the model's graph as a CPU compiler gets it); the host model is the paper's
 *       TVM-CPU baseline or a tuned int8 path (PEAK)</td></tr>
 * </table>
 *
 * Every paper variant sends each weight with every call (ResidentWeights off), as the paper's PGEMMlib does.
 * The generic graph passes (InferType, FoldConstant, DeadCodeElimination, CommonSubexpressionElimination)
 * run in every variant.
 */
public final class Pipelines {

    /** The variant names, in ablation order. */
    public static final List<String> VARIANTS = List.of("naive", "base", "ts", "ts+adj", "ts+adj+qkv", "pimllm", "pimllm+res", "cpu",
            "cpu-peak");

    private Pipelines() {
    }

    /** The standard pipeline: every pass of the module in order (QuantizeInt8 excluded; see {@link Pipeline#withQuantization}). */
    public static Sequential standard() {
        List<Pass> ps = new ArrayList<>();
        for (String n : Passes.names()) {
            if (!n.equals(QuantizeInt8.NAME)) ps.add(Passes.byName(n));
        }
        return new Sequential("Standard", ps);
    }

    /**
     * A pipeline configuration.
     *
     * @param variant     the variant name
     * @param passes      the pass list
     * @param disabled    passes switched off for this variant
     * @param hostProfile the host-CPU model's profile (TVM_CPU except for cpu-peak)
     */
    public record Pipeline(String variant, Sequential passes, Set<String> disabled, HostCpuModel.Profile hostProfile) {
        public Pipeline {
            disabled = Set.copyOf(disabled);
        }

        /** True if GEMMs may be lowered to PIM in this variant. */
        public boolean lowersToPim() { return !disabled.contains(LowerToPgemm.NAME); }

        /** The target for a preset and DPU budget, with this variant's host profile. */
        public PimTarget target(HardwareConfig hw, int dpus) {
            return new PimTarget(hw, dpus, HostCpuModel.of(hw, hostProfile));
        }

        /** A context builder for this variant (its passes disabled, its target); add options or instruments, then build. */
        public PassContext.Builder context(HardwareConfig hw, int dpus) {
            return PassContext.builder().disable(disabled).target(target(hw, dpus));
        }

        /** Runs the pipeline with this variant's context. */
        public IRModule run(IRModule module, HardwareConfig hw, int dpus) {
            return passes.run(module, context(hw, dpus).build());
        }

        /** The same variant with QuantizeInt8 run first after InferType (the fp32 model becomes int8). */
        public Pipeline withQuantization(QuantizeInt8.Config config) {
            List<Pass> ps = new ArrayList<>(passes.passes());
            ps.add(1, QuantizeInt8.pass(config));
            return new Pipeline(variant, new Sequential(passes.info().name(), ps), disabled, hostProfile);
        }
    }

    /** The configuration of one of {@link #VARIANTS}; unknown names are an error listing them. */
    public static Pipeline forVariant(String variant) {
        Set<String> off = new LinkedHashSet<>();
        HostCpuModel.Profile profile = HostCpuModel.Profile.TVM_CPU;
        if (!variant.equals("pimllm+res")) off.add(ResidentWeights.NAME);
        switch (variant) {
            case "naive" -> off.addAll(List.of(TileSelect.NAME, AdjustLayout.NAME, FuseSiblingGemms.NAME,
                    PartitionCpuPim.NAME, PoolPimResources.NAME));
            case "base" -> off.addAll(List.of(TileSelect.NAME, AdjustLayout.NAME, FuseSiblingGemms.NAME, PartitionCpuPim.NAME));
            case "ts" -> off.addAll(List.of(AdjustLayout.NAME, FuseSiblingGemms.NAME, PartitionCpuPim.NAME));
            case "ts+adj" -> off.addAll(List.of(FuseSiblingGemms.NAME, PartitionCpuPim.NAME));
            case "ts+adj+qkv" -> off.add(PartitionCpuPim.NAME);
            case "pimllm", "pimllm+res" -> { }
            case "cpu", "cpu-peak" -> {
                off.addAll(List.of(FuseSiblingGemms.NAME, AdjustLayout.NAME, LowerToPgemm.NAME, TileSelect.NAME,
                        PartitionCpuPim.NAME, PoolPimResources.NAME));
                if (variant.equals("cpu-peak")) profile = HostCpuModel.Profile.PEAK;
            }
            default -> throw new IllegalArgumentException("unknown variant '" + variant + "'; known variants: "
                    + String.join(", ", VARIANTS));
        }
        return new Pipeline(variant, standard(), off, profile);
    }
}
