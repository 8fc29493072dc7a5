package org.pimllm.driver;

import org.pimllm.ir.IRModule;
import org.pimllm.passes.QuantizeInt8;
import org.pimllm.runtime.CompiledModule;
import org.pimllm.runtime.HostGemm;
import org.pimllm.target.HostCpuModel;
import org.pimllm.target.Target;

/**
 * The entry point: compile a model graph for a PIM target, then run it. The one place the pass pipeline is
 * built ({@link Pipelines}); {@code pimllm compile}, {@code run} and {@code bench} go through it too.
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
        return compile(module, target, options, pipeline(options));
    }

    /**
     * {@link #compile} with QuantizeInt8 configured by the caller (e.g. ranges calibrated on sample inputs, as
     * {@code pimllm run} does) instead of the options' precision, which must then be AS_BUILT.
     */
    public static CompiledModule compile(IRModule module, Target target, CompileOptions options, QuantizeInt8.Config quantization) {
        if (options.precision() != CompileOptions.Precision.AS_BUILT) {
            throw new IllegalArgumentException("a QuantizeInt8 configuration replaces the options' precision "
                    + options.precision() + ": compile with precision AS_BUILT");
        }
        return compile(module, target, options, Pipelines.forVariant(options.variant()).withQuantization(quantization));
    }

    /**
     * {@link #compile} with the host GEMMs of FUNCTIONAL runs computed by {@code hostGemm} instead of the default
     * ({@link HostGemm#AUTO}: int8 through oneDNN when it loads, fp32 on the Vector API kernels).
     */
    public static CompiledModule compile(IRModule module, Target target, CompileOptions options, HostGemm hostGemm) {
        return compile(module, target, options, pipeline(options), hostGemm);
    }

    /** Compiles with a given pipeline (the Generator adds its decode-only passes to the variant's). */
    static CompiledModule compile(IRModule module, Target target, CompileOptions options, Pipelines.Pipeline p) {
        return compile(module, target, options, p, HostGemm.AUTO);
    }

    private static CompiledModule compile(IRModule module, Target target, CompileOptions options, Pipelines.Pipeline p,
                                          HostGemm hostGemm) {
        Target t = target(target, options);
        return new CompiledModule(p.run(module, target, options), t, options.runOptions().withHostGemm(hostGemm), t.hostModel());
    }

    /** The module after the variant's passes, without preparing it to run (what {@code pimllm compile --print-ir} shows). */
    public static IRModule lower(IRModule module, Target target, CompileOptions options) {
        return pipeline(options).run(module, target, options);
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

    /** The target as the variant runs it: the variant's host-CPU profile (cpu-peak: PEAK; every other: TVM_CPU). */
    public static Target target(Target target, CompileOptions options) {
        return target.withHost(Pipelines.forVariant(options.variant()).hostProfile());
    }

    /** The host-CPU model of the variant (cpu-peak: the PEAK profile; every other variant: TVM_CPU). */
    public static HostCpuModel hostModel(Target target, CompileOptions options) {
        return target(target, options).hostModel();
    }

    /** The variant's pipeline, with int8 quantization first if the options ask for it. */
    public static Pipelines.Pipeline pipeline(CompileOptions options) {
        Pipelines.Pipeline p = Pipelines.forVariant(options.variant());
        return switch (options.precision()) {
            case INT8 -> p.withQuantization(QuantizeInt8.Config.ranges(options.activationAbsMax()));
            case INT8_DYNAMIC -> p.withQuantization(QuantizeInt8.Config.dynamic(QuantizeInt8.ActivationGemms.QUANTIZED));
            case AS_BUILT -> p;
            case INT4, INT4_G64, INT4_G32 -> p.withQuantization(QuantizeInt8.Config.ranges(options.activationAbsMax())
                    .withInt4Weights(options.precision().int4Group()));
        };
    }
}
