package org.pimllm.runtime;

import org.pimllm.ir.IRModule;
import org.pimllm.passes.LowerToPgemm;
import org.pimllm.passes.PassContext;
import org.pimllm.passes.Pipelines;
import org.pimllm.passes.QuantizeInt8;
import org.pimllm.tileselector.HostCpuModel;

/**
 * The entry point: compile a model graph for a PIM target, then run it.
 *
 * <pre>{@code
 * IRModule model = ModelZoo.build(ModelZoo.get("bert-base"), 128);
 * try (CompiledModule m = PimLlm.compile(model, Target.of("upmem-2560-450", 2048), CompileOptions.variant("pimllm"))) {
 *     RunReport r = m.simulate();
 *     System.out.printf("%.3f ms%n", r.totalSeconds() * 1e3);
 * }
 * }</pre>
 */
public final class PimLlm {

    private PimLlm() {
    }

    /** Runs the variant's pass pipeline (int8 quantization first, if asked) and prepares the module to run. */
    public static CompiledModule compile(IRModule module, Target target, CompileOptions options) {
        return new CompiledModule(lower(module, target, options), target, options, hostModel(target, options));
    }

    /** The module after the variant's passes, without preparing it to run (what {@code pimllm compile --print-ir} shows). */
    public static IRModule lower(IRModule module, Target target, CompileOptions options) {
        Pipelines.Pipeline p = pipeline(options);
        PassContext ctx = p.context(target.hw(), target.dpus()).disable(options.disabledPasses())
                .optLevel(options.optLevel())
                .option(LowerToPgemm.FLOAT_GEMMS, options.floatGemms().name().toLowerCase(java.util.Locale.ROOT)).build();
        return p.passes().run(module, ctx);
    }

    /**
     * The graph the reference executor checks compiled runs against: the model quantized exactly as
     * {@link #compile} quantizes it, with nothing lowered, fused or re-laid out (the {@code cpu} pipeline).
     */
    public static IRModule referenceGraph(IRModule module, Target target, CompileOptions options) {
        CompileOptions cpu = new CompileOptions("cpu", options.precision(), options.activationAbsMax(), options.mode(),
                java.util.Set.of(), options.optLevel(), false, options.floatGemms());
        return lower(module, target, cpu);
    }

    /** The host-CPU model of the variant (cpu-peak: the PEAK profile; every other variant: TVM_CPU). */
    public static HostCpuModel hostModel(Target target, CompileOptions options) {
        return HostCpuModel.of(target.hw(), Pipelines.forVariant(options.variant()).hostProfile());
    }

    private static Pipelines.Pipeline pipeline(CompileOptions options) {
        Pipelines.Pipeline p = Pipelines.forVariant(options.variant());
        return switch (options.precision()) {
            case INT8 -> p.withQuantization(QuantizeInt8.Config.ranges(options.activationAbsMax()));
            case INT8_DYNAMIC -> p.withQuantization(QuantizeInt8.Config.dynamic(QuantizeInt8.ActivationGemms.QUANTIZED));
            case AS_BUILT -> p;
        };
    }
}
