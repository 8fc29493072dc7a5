package org.pimllm.benchmarks.e2e;

import java.util.Map;

/**
 * One (model, seq, dpus, variant) run: simulated milliseconds of one inference in total and by category, the
 * one-time costs kept apart, and where the GEMMs ran.
 *
 * @param model           zoo model name
 * @param seq             sequence length
 * @param dpus            DPU budget
 * @param variant         compile variant
 * @param totalMs         simulated ms of one inference (one-time work excluded)
 * @param categoriesMs    simulated ms by category (host_ops, cpu_gemm, alloc, load, h2d, kernel, d2h, launch, transpose, reduce)
 * @param oneTimeMs       simulated ms of one-time work (pool allocation, program load, resident-weight placement)
 * @param pimGemms        GEMMs run on PIM
 * @param cpuGemms        GEMMs run on the host
 * @param compileSeconds  wall-clock seconds compiling on this machine
 * @param measuredHostMs  wall-clock ms of the host kernels on this machine (--measure-host), or null
 * @param check           FUNCTIONAL only: "exact" if the outputs equal the reference executor's, else "MISMATCH"
 *                        ("within 1e-3" for cpu-measured, whose fp32 GEMMs round differently); null when not checked
 * @param timing          {@link #SIMULATED} (simulator + host-CPU model) or {@link #MEASURED} (wall clock on this machine:
 *                        totalMs is then the median of {@code measurement.reps()} inferences, categoriesMs is empty)
 * @param measurement     the repetitions, kernels and machine of a measured record; null for a simulated one
 */
public record BenchRecord(String model, int seq, int dpus, String variant, double totalMs, Map<String, Double> categoriesMs,
                          double oneTimeMs, long pimGemms, long cpuGemms, double compileSeconds, Double measuredHostMs,
                          String check, String timing, MeasuredCpu.Measurement measurement) {

    public static final String SIMULATED = "simulated";
    public static final String MEASURED = "measured on this machine";

    public BenchRecord {
        categoriesMs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(categoriesMs));
        java.util.Objects.requireNonNull(timing, "timing");
    }

    /** A simulated record. */
    public BenchRecord(String model, int seq, int dpus, String variant, double totalMs, Map<String, Double> categoriesMs,
                       double oneTimeMs, long pimGemms, long cpuGemms, double compileSeconds, Double measuredHostMs, String check) {
        this(model, seq, dpus, variant, totalMs, categoriesMs, oneTimeMs, pimGemms, cpuGemms, compileSeconds, measuredHostMs,
                check, SIMULATED, null);
    }

    /** The same record under another DPU budget (a cpu-measured run uses no DPU). */
    public BenchRecord withDpus(int d) {
        return new BenchRecord(model, seq, d, variant, totalMs, categoriesMs, oneTimeMs, pimGemms, cpuGemms, compileSeconds,
                measuredHostMs, check, timing, measurement);
    }

    /** True for a wall-clock record of this machine (cpu-measured). */
    public boolean measured() {
        return measurement != null;
    }

    public double ms(String category) {
        return categoriesMs.getOrDefault(category, 0.0);
    }
}
