package org.pimllm.benchmarks.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.pimllm.runtime.RunReport;
import org.pimllm.runtime.Span;
import org.pimllm.runtime.TimeCategory;

/** Tables, speedups and exports of an end-to-end benchmark's results. */
public final class BenchReport {

    private final EndToEnd.Results results;

    public BenchReport(EndToEnd.Results results) {
        this.results = Objects.requireNonNull(results);
    }

    public List<BenchRecord> records() { return results.records(); }

    /** (seq, dpus) groups in run order. */
    private List<int[]> groups() {
        List<int[]> g = new ArrayList<>();
        for (int s : results.config().seqs()) for (int d : results.config().dpus()) g.add(new int[] {s, d});
        return g;
    }

    /** The record of a run, or null if it is not in the results. */
    public BenchRecord find(String model, int seq, int dpus, String variant) {
        for (BenchRecord r : results.records()) {
            if (r.model().equals(model) && r.seq() == seq && r.dpus() == dpus && r.variant().equals(variant)) return r;
        }
        return null;
    }

    /** Speedup of {@code variant} over {@code baseline} (baseline time / variant time), or NaN if either is missing. */
    public double speedup(String model, int seq, int dpus, String variant, String baseline) {
        BenchRecord v = find(model, seq, dpus, variant);
        BenchRecord b = find(model, seq, dpus, baseline);
        return v == null || b == null ? Double.NaN : b.totalMs() / v.totalMs();
    }

    /** Geometric mean over the models of the speedup of variant over baseline. */
    public double geomeanSpeedup(int seq, int dpus, String variant, String baseline) {
        double logSum = 0;
        int n = 0;
        for (String m : results.config().models()) {
            double s = speedup(m, seq, dpus, variant, baseline);
            if (Double.isNaN(s)) return Double.NaN;
            logSum += Math.log(s);
            n++;
        }
        return n == 0 ? Double.NaN : Math.exp(logSum / n);
    }

    /** Mean over models of a category's share of the variant's inference time. */
    public double meanShare(int seq, int dpus, String variant, String category) {
        double sum = 0;
        int n = 0;
        for (String m : results.config().models()) {
            BenchRecord r = find(m, seq, dpus, variant);
            if (r == null || r.totalMs() <= 0) continue;
            sum += r.ms(category) / r.totalMs();
            n++;
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Prints every table. */
    public void print(PrintWriter out) {
        BenchConfig cfg = results.config();
        List<String> vs = cfg.variants();
        for (int[] g : groups()) {
            int seq = g[0], dpus = g[1];
            out.printf(Locale.ROOT, "%n%s of one inference (ms): preset %s, batch 1, seq %d, %d DPUs, %s%n",
                    vs.contains(MeasuredCpu.VARIANT) ? "Time (simulated; cpu-measured: MEASURED ON THIS MACHINE, wall clock)"
                            : "Simulated time",
                    cfg.hw(), seq, dpus, cfg.functional() ? "FUNCTIONAL (checked against the reference executor)" : "TIMING_ONLY");
            header(out, vs);
            for (String m : cfg.models()) {
                out.printf(Locale.ROOT, "%-13s", m);
                for (String v : vs) {
                    BenchRecord r = find(m, seq, dpus, v);
                    out.printf(Locale.ROOT, " %11s", r == null ? "-" : fmt(r.totalMs()));
                }
                out.println();
            }
            if (cfg.functional()) {
                out.printf("%-13s", "check");
                for (String v : vs) {
                    boolean all = cfg.models().stream().map(m -> find(m, seq, dpus, v)).allMatch(r -> r != null && "exact".equals(r.check()));
                    boolean close = cfg.models().stream().map(m -> find(m, seq, dpus, v))
                            .allMatch(r -> r != null && ("exact".equals(r.check()) || "within 1e-3".equals(r.check())));
                    out.printf(" %11s", all ? "exact" : close ? "within 1e-3" : "MISMATCH");
                }
                out.println();
            }
            for (String base : List.of("base", "cpu", "cpu-peak")) {
                if (!vs.contains(base)) continue;
                out.printf(Locale.ROOT, "%nSpeedup over %s (%s time / variant time)%s%n", base, base,
                        base.equals("base") ? ", as the paper's Figure 13" : "");
                header(out, vs);
                for (String m : cfg.models()) {
                    out.printf(Locale.ROOT, "%-13s", m);
                    for (String v : vs) out.printf(Locale.ROOT, " %11s", ratio(speedup(m, seq, dpus, v, base)));
                    out.println();
                }
                out.printf(Locale.ROOT, "%-13s", "geomean");
                for (String v : vs) out.printf(Locale.ROOT, " %11s", ratio(geomeanSpeedup(seq, dpus, v, base)));
                out.println();
            }
            out.printf(Locale.ROOT, "%nWhere the time goes (mean share over the models, %%; one-time work in ms apart)%n");
            out.printf(Locale.ROOT, "%-11s", "variant");
            List<String> cats = EndToEnd.categoryKeys();
            for (String c : cats) out.printf(Locale.ROOT, " %9s", c);
            out.printf(Locale.ROOT, " %12s%n", "one-time ms");
            for (String v : vs) {
                if (v.equals(MeasuredCpu.VARIANT)) continue; // measured as a whole, not by category
                out.printf(Locale.ROOT, "%-11s", v);
                for (String c : cats) out.printf(Locale.ROOT, " %9s", pct(meanShare(seq, dpus, v, c)));
                double oneTime = cfg.models().stream().map(m -> find(m, seq, dpus, v)).filter(Objects::nonNull)
                        .mapToDouble(BenchRecord::oneTimeMs).average().orElse(Double.NaN);
                out.printf(Locale.ROOT, " %12s%n", fmt(oneTime));
            }
            if (vs.contains("naive")) {
                out.printf(Locale.ROOT, "%nnaive: unpooled DPU allocation takes %s of inference time on average (paper: 75%%),"
                                + " run-time weight transposition %s (paper: 27%%)%n",
                        pct(meanShare(seq, dpus, "naive", "alloc")) + "%", pct(meanShare(seq, dpus, "naive", "transpose")) + "%");
            }
        }
        printMeasured(out);
        out.flush();
    }

    /**
     * The cpu-measured runs next to the simulated CPU baselines of the same (model, seq): median wall-clock time on
     * this machine, its spread, and which kernels computed the GEMMs.
     */
    private void printMeasured(PrintWriter out) {
        List<BenchRecord> measured = results.records().stream().filter(BenchRecord::measured)
                .filter(r -> r.dpus() == results.config().dpus().getFirst()).toList();
        if (measured.isEmpty()) return;
        MeasuredCpu.Measurement first = measured.getFirst().measurement();
        boolean java = measured.stream().anyMatch(r -> r.measurement().hostGemms().contains("Vector API kernels ("));
        out.printf(Locale.ROOT, "%nMEASURED ON THIS MACHINE (cpu-measured): wall-clock time of one inference of the cpu pipeline,"
                + " GEMMs %s, other ops on the runtime's Vector API host kernels; median of %d after %d warmup;"
                + " next to the SIMULATED cpu / cpu-peak of preset %s (a different, modelled host)%n",
                java ? "on the Vector API kernels (oneDNN did not load: see below)" : "through oneDNN", first.reps(),
                first.warmup(), results.config().hw());
        out.println("machine: " + first.machine());
        out.printf(Locale.ROOT, "%-13s %5s %12s %21s %7s %16s %16s%n", "model", "seq", "measured ms", "min..max ms", "spread",
                "simulated cpu", "simulated cpu-peak");
        for (BenchRecord r : measured) {
            MeasuredCpu.Measurement m = r.measurement();
            BenchRecord cpu = find(r.model(), r.seq(), r.dpus(), "cpu");
            BenchRecord peak = find(r.model(), r.seq(), r.dpus(), "cpu-peak");
            out.printf(Locale.ROOT, "%-13s %5d %12s %21s %6.0f%% %16s %16s%n", r.model(), r.seq(), fmt(r.totalMs()),
                    fmt(m.minMs()) + ".." + fmt(m.maxMs()), m.spreadPct(r.totalMs()), cpu == null ? "-" : fmt(cpu.totalMs()),
                    peak == null ? "-" : fmt(peak.totalMs()));
        }
        for (BenchRecord r : measured) out.println("host GEMMs of " + r.model() + " seq " + r.seq() + ": " + r.measurement().hostGemms());
    }

    private static void header(PrintWriter out, List<String> vs) {
        out.printf(Locale.ROOT, "%-13s", "model");
        for (String v : vs) out.printf(Locale.ROOT, " %11s", v);
        out.println();
    }

    static String fmt(double ms) {
        if (Double.isNaN(ms)) return "-";
        if (ms >= 1000) return String.format(Locale.ROOT, "%.0f", ms);
        if (ms >= 10) return String.format(Locale.ROOT, "%.1f", ms);
        return String.format(Locale.ROOT, "%.3f", ms);
    }

    static String ratio(double x) {
        return Double.isNaN(x) ? "-" : String.format(Locale.ROOT, "%.2fx", x);
    }

    static String pct(double share) {
        return Double.isNaN(share) ? "-" : String.format(Locale.ROOT, "%.1f", share * 100);
    }

    // ---- exports ----

    /** JSON: one record per (model, seq, dpus, variant) with totalMs and the per-category times, plus the geomeans. */
    public void writeJson(Path file) throws IOException {
        ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = om.createObjectNode();
        root.put("hw", results.config().hw());
        root.put("mode", results.config().functional() ? "FUNCTIONAL" : "TIMING_ONLY");
        root.put("timing", results.records().stream().anyMatch(BenchRecord::measured)
                ? "simulated, except records whose timing is '" + BenchRecord.MEASURED + "' (cpu-measured: wall clock)"
                : BenchRecord.SIMULATED);
        root.set("records", om.valueToTree(results.records()));
        ArrayNode geo = root.putArray("geomeans");
        for (int[] g : groups()) {
            for (String base : List.of("base", "cpu", "cpu-peak")) {
                if (!results.config().variants().contains(base)) continue;
                for (String v : results.config().variants()) {
                    double s = geomeanSpeedup(g[0], g[1], v, base);
                    if (Double.isNaN(s)) continue;
                    ObjectNode n = geo.addObject();
                    n.put("seq", g[0]).put("dpus", g[1]).put("variant", v).put("over", base).put("speedup", s);
                }
            }
        }
        writeParent(file);
        om.writeValue(file.toFile(), root);
    }

    /** CSV: one line per run; categories as columns (ms). */
    public void writeCsv(Path file) throws IOException {
        List<String> cats = EndToEnd.categoryKeys();
        StringBuilder sb = new StringBuilder("model,seq,dpus,variant,total_ms,");
        for (String c : cats) sb.append(c).append("_ms,");
        sb.append("one_time_ms,pim_gemms,cpu_gemms,compile_s,measured_host_ms,check,timing,measured_min_ms,measured_max_ms,measured_reps\n");
        for (BenchRecord r : results.records()) {
            sb.append(r.model()).append(',').append(r.seq()).append(',').append(r.dpus()).append(',').append(r.variant())
                    .append(',').append(num(r.totalMs())).append(',');
            for (String c : cats) sb.append(num(r.ms(c))).append(',');
            sb.append(num(r.oneTimeMs())).append(',').append(r.pimGemms()).append(',').append(r.cpuGemms()).append(',')
                    .append(num(r.compileSeconds())).append(',')
                    .append(r.measuredHostMs() == null ? "" : num(r.measuredHostMs())).append(',')
                    .append(r.check() == null ? "" : r.check()).append(',').append(r.timing()).append(',');
            MeasuredCpu.Measurement m = r.measurement();
            sb.append(m == null ? "" : num(m.minMs())).append(',').append(m == null ? "" : num(m.maxMs())).append(',')
                    .append(m == null ? "" : String.valueOf(m.reps())).append('\n');
        }
        writeParent(file);
        Files.writeString(file, sb.toString());
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    /**
     * Chrome trace-event JSON (open in Perfetto or chrome://tracing) of one inference of the first model for
     * every variant: one process per variant, a host thread and a PIM thread, one complete event per span.
     */
    public void writeTrace(Path file) throws IOException {
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = om.createObjectNode();
        ArrayNode evs = root.putArray("traceEvents");
        int pid = 1;
        BenchConfig cfg = results.config();
        for (Map.Entry<String, RunReport> e : results.traced().entrySet()) {
            String proc = cfg.models().getFirst() + " seq " + cfg.seqs().getFirst() + " " + cfg.dpus().getFirst()
                    + " DPUs: " + e.getKey();
            evs.addObject().put("name", "process_name").put("ph", "M").put("pid", pid).putObject("args").put("name", proc);
            evs.addObject().put("name", "thread_name").put("ph", "M").put("pid", pid).put("tid", 1).putObject("args").put("name", "host CPU");
            evs.addObject().put("name", "thread_name").put("ph", "M").put("pid", pid).put("tid", 2).putObject("args").put("name", "PIM (DPUs + transfers)");
            for (Span s : e.getValue().timeline()) {
                ObjectNode n = evs.addObject();
                n.put("name", s.label()).put("cat", s.category().key()).put("ph", "X").put("pid", pid)
                        .put("tid", onHost(s.category()) ? 1 : 2).put("ts", s.startSeconds() * 1e6).put("dur", s.seconds() * 1e6);
                ObjectNode args = n.putObject("args");
                args.put("op", s.op());
                if (s.bytes() > 0) args.put("bytes", s.bytes());
            }
            pid++;
        }
        root.put("displayTimeUnit", "ms");
        writeParent(file);
        om.writeValue(file.toFile(), root);
    }

    /** Whether a span of this category runs on the host CPU (the trace's host thread) rather than on PIM. */
    public static boolean onHost(TimeCategory c) {
        return c == TimeCategory.HOST_OPS || c == TimeCategory.CPU_GEMM || c == TimeCategory.TRANSPOSE || c == TimeCategory.REDUCE
                || c == TimeCategory.ZERO_POINT;
    }

    /**
     * A bar chart (PNG) of the speedup over base per model and variant, for the first (seq, dpus): log axis from 1x
     * (a slowdown hangs below the 1x line), every bar labelled (Charts.logBars).
     */
    public void writePlot(Path file) throws IOException {
        BenchConfig cfg = results.config();
        int seq = cfg.seqs().getFirst(), dpus = cfg.dpus().getFirst();
        String base = cfg.variants().contains("base") ? "base" : cfg.variants().getFirst();
        Map<String, Map<String, Double>> values = new java.util.LinkedHashMap<>();
        for (String v : cfg.variants()) {
            if (v.equals(MeasuredCpu.VARIANT)) continue; // the chart is of simulated speedups
            Map<String, Double> row = new java.util.LinkedHashMap<>();
            for (String m : cfg.models()) row.put(m, speedup(m, seq, dpus, v, base));
            if (cfg.models().size() > 1) row.put("geomean", geomeanSpeedup(seq, dpus, v, base));
            values.put(v, row);
        }
        var chart = Charts.logBars("Speedup over " + base + " (seq " + seq + ", " + dpus + " DPUs, " + cfg.hw()
                        + "; simulated by pimllm bench)", "model", "speedup over " + base + " (log scale)", values, 1.0, "x",
                Map.of("1x = " + base, 1.0));
        int bars = cfg.variants().size() * (cfg.models().size() + 1);
        Charts.savePng(chart, file, Math.max(1000, Math.min(2400, 300 + bars * 28)), 720);
    }

    private static void writeParent(Path file) throws IOException {
        Path p = file.toAbsolutePath().getParent();
        if (p != null) Files.createDirectories(p);
    }
}
