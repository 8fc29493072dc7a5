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
 *                       dtypes alone (an fp32 graph then runs fp32 GEMMs, software-emulated on the DPUs); INT4
 *                       (INT4_G64, INT4_G32) is INT8 with the constant weights of nn.dense GEMMs quantized to int4 with
 *                       an integer multiplier per group of 128 (64, 32) K elements (QuantizeInt8's int4 weights)
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

    public enum Precision {
        INT8, INT8_DYNAMIC, AS_BUILT,
        /** int4 weights of nn.dense GEMMs with a multiplier per group of 128 K elements, int8 static activations. */
        INT4,
        /** Like {@link #INT4} with groups of 64. */
        INT4_G64,
        /** Like {@link #INT4} with groups of 32. */
        INT4_G32;

        /** K elements per multiplier group of the int4 weights, or null for int8 / as-built weights. */
        public Integer int4Group() {
            return switch (this) {
                case INT4 -> 128;
                case INT4_G64 -> 64;
                case INT4_G32 -> 32;
                default -> null;
            };
        }

        /** The weight precision as the CLI and JSON name it: int8, int4 (group 128), int4-g64, int4-g32; fp32 as built. */
        public String weightsName() {
            return switch (this) {
                case INT8, INT8_DYNAMIC -> "int8";
                case AS_BUILT -> "as-built";
                case INT4 -> "int4";
                case INT4_G64 -> "int4-g64";
                case INT4_G32 -> "int4-g32";
            };
        }

        /** Parses --weights: int8, int4 (groups of 128), int4-g128, int4-g64, int4-g32. */
        public static Precision ofWeights(String text) {
            return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "int8" -> INT8;
                case "int4", "int4-g128" -> INT4;
                case "int4-g64" -> INT4_G64;
                case "int4-g32" -> INT4_G32;
                default -> throw new IllegalArgumentException("unknown weights '" + text
                        + "'; known: int8, int4 (groups of 128), int4-g64, int4-g32");
            };
        }
    }

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
