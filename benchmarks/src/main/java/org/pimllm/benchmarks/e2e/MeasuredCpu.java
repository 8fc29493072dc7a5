package org.pimllm.benchmarks.e2e;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Map;
import org.pimllm.driver.CompileOptions;
import org.pimllm.driver.PimLlm;
import org.pimllm.hostblas.HostCpu;
import org.pimllm.hostblas.Timing;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Tensor;
import org.pimllm.models.zoo.ModelZoo;
import org.pimllm.runtime.CompiledModule;
import org.pimllm.runtime.HostGemm;
import org.pimllm.runtime.RunResult;
import org.pimllm.sim.Mode;
import org.pimllm.target.Target;

/**
 * The {@code cpu-measured} variant: the model's CPU path actually run on this machine and timed with the wall
 * clock. The {@code cpu} pipeline (every GEMM on the host) compiled in FUNCTIONAL mode, its GEMMs through oneDNN
 * ({@link HostGemm#ONEDNN}: int8 exact, fp32 within rounding), every other op on the runtime's Vector API host kernels;
 * a first inference that materializes the weights (and their native copies) and is never timed, {@code warmup}
 * more discarded, then {@code reps} timed: median, min and max.
 *
 * <p>A measured run needs every weight in memory: the int8 weights on the Java heap and a second copy in native
 * memory for oneDNN. {@link #checkFits} refuses, before any work, a model whose int8 weights exceed
 * {@link #HEAP_FRACTION} of the JVM's maximum heap (room for the fp32 original each weight is quantized from, and the
 * activations), or whose heap plus native copy exceed the machine's physical memory.
 */
public final class MeasuredCpu {

    /** The variant name. */
    public static final String VARIANT = "cpu-measured";
    /** Share of the maximum heap the int8 weights may take. */
    static final double HEAP_FRACTION = 0.4;

    private MeasuredCpu() {
    }

    /**
     * How measured runs are repeated.
     *
     * @param warmup inferences run and discarded after the first, untimed one that materializes the weights (JIT
     *               compilation, caches)
     * @param reps   inferences timed
     */
    public record Settings(int warmup, int reps) {
        public static final Settings DEFAULT = new Settings(1, 5);

        public Settings {
            if (warmup < 0 || reps < 1) {
                throw new IllegalArgumentException("a measured run needs --measure-warmup >= 0 and --measure-reps >= 1, got "
                        + warmup + " and " + reps);
            }
        }
    }

    /**
     * What a measured record adds to a simulated one.
     *
     * @param minMs     the fastest timed inference
     * @param maxMs     the slowest timed inference
     * @param warmup    discarded inferences
     * @param reps      timed inferences (their median is the record's totalMs)
     * @param hostGemms which kernels computed the GEMMs ({@link CompiledModule#hostGemms()})
     * @param machine   the CPU it ran on ({@link HostCpu#peakNote()} and model name)
     */
    public record Measurement(double minMs, double maxMs, int warmup, int reps, String hostGemms, String machine) {

        /** (max - min) / median as a percentage of the record's median. */
        public double spreadPct(double medianMs) {
            return (maxMs - minMs) / medianMs * 100;
        }
    }

    /** One line naming this machine's CPU, for reports. */
    public static String machine() {
        HostCpu cpu = HostCpu.detect();
        return cpu.model() + ", " + cpu.peakNote();
    }

    /** Refuses a model whose weights cannot be materialized here (see the class comment), with sizes and the fix. */
    public static void checkFits(String model, IRModule graph) {
        long weights = ModelZoo.stats(graph).int8WeightBytes();
        long heap = Runtime.getRuntime().maxMemory();
        long physical = physicalMemory();
        String what = String.format(Locale.ROOT, "%s: %s runs the model on real data, so its %.2f GiB of int8 weights"
                + " are materialized on the Java heap and copied once more into native memory for oneDNN", VARIANT, model,
                weights / 1073741824.0);
        if (weights > HEAP_FRACTION * heap) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s; that needs a maximum heap of at least %.1f GiB"
                    + " (weights at most %.0f%% of it) but this JVM has %.1f GiB: give PIMLLM_JAVA_OPTS=-Xmx%dg if the machine"
                    + " has the memory (%.1f GiB physical here), or measure a smaller model", what,
                    weights / HEAP_FRACTION / 1073741824.0, HEAP_FRACTION * 100, heap / 1073741824.0,
                    (long) Math.ceil(weights / HEAP_FRACTION / 1073741824.0), physical / 1073741824.0));
        }
        if (physical > 0 && heap + weights > physical) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s; the maximum heap (%.1f GiB) plus the native"
                    + " copy (%.2f GiB) exceed this machine's %.1f GiB of physical memory: measure a smaller model", what,
                    heap / 1073741824.0, weights / 1073741824.0, physical / 1073741824.0));
        }
    }

    private static long physicalMemory() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getTotalMemorySize() : -1;
    }

    /**
     * Compiles {@code graph} with the cpu pipeline at {@code precision}, runs it {@code warmup + reps} times on
     * {@code inputs} and returns the record: totalMs is the median wall-clock time of one inference on this machine.
     *
     * @param expected the reference executor's output to check against, or null (not checked)
     */
    static BenchRecord measure(String model, int seq, int dpus, IRModule graph, Map<String, Tensor> inputs,
                               CompileOptions.Precision precision, Target target, Settings s, Tensor expected) {
        checkFits(model, graph);
        CompileOptions opts = CompileOptions.variant("cpu").withPrecision(precision).withMode(Mode.FUNCTIONAL);
        long t0 = System.nanoTime();
        try (CompiledModule m = PimLlm.compile(graph, target, opts, HostGemm.ONEDNN)) {
            double compileSeconds = (System.nanoTime() - t0) * 1e-9;
            RunResult[] last = {m.run(inputs)}; // materializes the weights and their native copies: never timed
            Timing t = Timing.measure(() -> last[0] = m.run(inputs), s.warmup(), s.reps());
            String check = expected == null ? null : check(expected, last[0].output());
            Measurement meas = new Measurement(t.minSeconds() * 1e3, t.maxSeconds() * 1e3, s.warmup(), s.reps(),
                    "GEMM calls of " + (1 + s.warmup() + s.reps()) + " inferences: " + m.hostGemms(), machine());
            return new BenchRecord(model, seq, dpus, VARIANT, t.medianSeconds() * 1e3, Map.of(), 0,
                    0, last[0].report().cpuGemms(), compileSeconds, null, check, BenchRecord.MEASURED, meas);
        }
    }

    /**
     * "exact" when the outputs are equal, "within 1e-3" when every element is within 1e-3 of the reference's largest
     * magnitude (fp32 GEMMs on oneDNN round differently), else "MISMATCH".
     */
    static String check(Tensor expected, Tensor got) {
        if (expected.contentEquals(got)) return "exact";
        if (!expected.type().equals(got.type()) || !expected.dtype().isFloat()) return "MISMATCH";
        float[] e = expected.floats();
        float[] g = got.floats();
        double scale = 0;
        for (float v : e) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < e.length; i++) if (!(Math.abs(e[i] - g[i]) <= 1e-3 * scale)) return "MISMATCH";
        return "within 1e-3";
    }
}
