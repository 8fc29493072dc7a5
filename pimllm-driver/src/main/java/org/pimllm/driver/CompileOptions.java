package org.pimllm.driver;

import java.util.Objects;
import java.util.Set;
import org.pimllm.passes.FloatGemms;
import org.pimllm.runtime.RunOptions;
import org.pimllm.sim.Mode;

/**
 * How to compile and run a module.
 *
 * @param variant        the pipeline configuration: cpu, cpu-peak, naive, base, ts, ts+adj, ts+adj+qkv, pimllm
 *                       ({@link Pipelines#VARIANTS})
 * @param precision      INT8 quantizes the fp32 graph's GEMMs with static activation ranges (the paper's setting);
 *                       INT8_DYNAMIC with activation ranges taken from each inference at run time (uint8 activations
 *                       with a zero point, like ONNX Runtime's dynamic quantization); AS_BUILT leaves the graph's
 *                       dtypes alone (an fp32 graph then runs fp32 GEMMs, software-emulated on the DPUs)
 * @param activationAbsMax activation range used by static int8 quantization (INT8)
 * @param mode           FUNCTIONAL computes real data; TIMING_ONLY only simulated time (no weights materialized)
 * @param disabledPasses passes of the variant's list to switch off by name (a user override, e.g. --disable-pass)
 * @param optLevel       the pass context's opt level
 * @param measureHost    also time the host kernels on this machine (wall clock), next to the host model
 * @param floatGemms     where fp32 GEMMs may run: PIM (software floating point on the DPUs, the variants'
 *                       default) or HOST (only integer GEMMs are lowered to PIM)
 */
public record CompileOptions(String variant, Precision precision, double activationAbsMax, Mode mode,
                             Set<String> disabledPasses, int optLevel, boolean measureHost, FloatGemms floatGemms) {

    public enum Precision { INT8, INT8_DYNAMIC, AS_BUILT }

    public CompileOptions {
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(precision, "precision");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(floatGemms, "floatGemms");
        disabledPasses = Set.copyOf(disabledPasses);
        if (!Pipelines.VARIANTS.contains(variant) && !Pipelines.DECODE_ABLATION.contains(variant)) {
            throw new IllegalArgumentException("unknown variant '" + variant + "'; known variants: "
                    + String.join(", ", Pipelines.VARIANTS) + " (decode ablation: " + String.join(", ", Pipelines.DECODE_ABLATION) + ")");
        }
        if (!(activationAbsMax > 0) || Double.isInfinite(activationAbsMax)) {
            throw new IllegalArgumentException("activationAbsMax must be positive and finite, got " + activationAbsMax);
        }
    }

    /** How the compiled module runs: the mode and whether host kernels are also timed on this machine. */
    public RunOptions runOptions() {
        return new RunOptions(variant, mode, measureHost);
    }

    /** The full system (pimllm), int8, TIMING_ONLY. */
    public static CompileOptions defaults() { return variant("pimllm"); }

    /** A variant with int8 precision in TIMING_ONLY mode. */
    public static CompileOptions variant(String variant) {
        return new CompileOptions(variant, Precision.INT8, 8.0, Mode.TIMING_ONLY, Set.of(), 3, false, FloatGemms.PIM);
    }

    public CompileOptions withMode(Mode m) {
        return new CompileOptions(variant, precision, activationAbsMax, m, disabledPasses, optLevel, measureHost, floatGemms);
    }

    public CompileOptions withPrecision(Precision p) {
        return new CompileOptions(variant, p, activationAbsMax, mode, disabledPasses, optLevel, measureHost, floatGemms);
    }

    public CompileOptions withMeasureHost(boolean on) {
        return new CompileOptions(variant, precision, activationAbsMax, mode, disabledPasses, optLevel, on, floatGemms);
    }

    public CompileOptions withActivationAbsMax(double absMax) {
        return new CompileOptions(variant, precision, absMax, mode, disabledPasses, optLevel, measureHost, floatGemms);
    }

    public CompileOptions withFloatGemms(FloatGemms where) {
        return new CompileOptions(variant, precision, activationAbsMax, mode, disabledPasses, optLevel, measureHost, where);
    }

    public CompileOptions withOptLevel(int level) {
        return new CompileOptions(variant, precision, activationAbsMax, mode, disabledPasses, level, measureHost, floatGemms);
    }

    public CompileOptions disable(String... passes) {
        Set<String> s = new java.util.LinkedHashSet<>(disabledPasses);
        s.addAll(java.util.List.of(passes));
        return new CompileOptions(variant, precision, activationAbsMax, mode, s, optLevel, measureHost, floatGemms);
    }
}
