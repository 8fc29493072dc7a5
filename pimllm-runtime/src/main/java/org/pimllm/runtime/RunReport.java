package org.pimllm.runtime;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.pimllm.sim.Mode;

/**
 * What one inference cost on the simulated machine, and the module's one-time costs kept apart.
 *
 * @param variant              the compile variant (cpu, base, pimllm, ...)
 * @param mode                 FUNCTIONAL (real data) or TIMING_ONLY
 * @param dpus                 the DPU budget of the target
 * @param ops                  every op in evaluation order
 * @param timeline             the simulated timeline of this inference
 * @param oneTime              one-time work (pool allocation, program load, resident-weight placement)
 * @param measuredHostSeconds  wall-clock seconds of the host kernels on this machine, or NaN if not measured
 */
public record RunReport(String variant, Mode mode, int dpus, List<OpRecord> ops, List<Span> timeline, List<Span> oneTime,
                        double measuredHostSeconds) {

    public RunReport {
        ops = List.copyOf(ops);
        timeline = List.copyOf(timeline);
        oneTime = List.copyOf(oneTime);
    }

    /**
     * Simulated seconds of one inference (one-time costs excluded): the sum of its spans, or, when spans overlap
     * (asynchronous calls whose ranks ran at the same time), the end of the latest one.
     */
    public double totalSeconds() {
        return elapsed(timeline);
    }

    /** Seconds of the spans' sum that overlapped other spans (0 when every step ran after the previous one). */
    public double overlappedSeconds() {
        return Math.max(0, timeline.stream().mapToDouble(Span::seconds).sum() - totalSeconds());
    }

    /** Elapsed seconds of spans laid from 0: their sum when none starts before the previous ones end, else the latest end. */
    static double elapsed(List<Span> spans) {
        double latest = 0;
        boolean overlap = false;
        for (Span s : spans) {
            overlap |= s.startSeconds() < latest - 1e-12 * Math.max(1, latest);
            latest = Math.max(latest, s.startSeconds() + s.seconds());
        }
        return overlap ? latest : spans.stream().mapToDouble(Span::seconds).sum();
    }

    /** Simulated seconds of one inference by category (every category present). */
    public Map<TimeCategory, Double> byCategory() {
        return sum(timeline);
    }

    /** One-time seconds by category. */
    public Map<TimeCategory, Double> oneTimeByCategory() {
        return sum(oneTime);
    }

    public double oneTimeSeconds() {
        return oneTime.stream().mapToDouble(Span::seconds).sum();
    }

    /** Simulated seconds of host-side work (host ops + CPU GEMMs) of one inference, what --measure-host compares. */
    public double simulatedHostSeconds() {
        Map<TimeCategory, Double> m = byCategory();
        return m.get(TimeCategory.HOST_OPS) + m.get(TimeCategory.CPU_GEMM);
    }

    public long pimGemms() {
        return ops.stream().filter(o -> o.placement() == OpRecord.Placement.PIM).count();
    }

    public long cpuGemms() {
        return ops.stream().filter(o -> o.seconds().containsKey(TimeCategory.CPU_GEMM)).count();
    }

    private static Map<TimeCategory, Double> sum(List<Span> spans) {
        Map<TimeCategory, Double> m = new EnumMap<>(TimeCategory.class);
        for (TimeCategory c : TimeCategory.values()) m.put(c, 0.0);
        for (Span s : spans) m.merge(s.category(), s.seconds(), Double::sum);
        return m;
    }
}
