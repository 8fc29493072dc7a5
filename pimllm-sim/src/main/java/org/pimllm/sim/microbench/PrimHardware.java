package org.pimllm.sim.microbench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.sim.Mode;
import org.pimllm.sim.microbench.PrimSuite.Bench;
import org.pimllm.sim.microbench.PrimSuite.Times;

/**
 * The PrIM times measured on real UPMEM hardware (resource calibration/prim-real-hardware.csv, described in
 * the .md next to it) next to the simulator's, with the errors and their mean absolute percentage error.
 *
 * <p>Kernel error is the kernel column's. Transfer error is that of the row's transfer time: cpu_dpu + dpu_cpu +
 * inter_dpu summed (each column's own error is reported too); the sum is what a row's host spends moving data,
 * and it does not depend on how the CSV's authors split a benchmark's timers between columns (its caveats 3, 4).
 */
public final class PrimHardware {
  private PrimHardware() {}

  static final String RESOURCE = "/calibration/prim-real-hardware.csv";

  /** One measured row of the CSV. */
  public record Measured(String benchmark, int dpus, long param, double kernelMs, double cpuDpuMs, double dpuCpuMs,
      double interDpuMs) {
    public double transferMs() {
      return cpuDpuMs + dpuCpuMs + interDpuMs;
    }
  }

  /** A CSV row with the simulator's times and the signed relative errors (sim - hw) / hw. */
  public record Row(Measured hw, Times sim) {
    public double kernelError() {
      return error(sim.kernelMs(), hw.kernelMs());
    }

    public double transferError() {
      return error(sim.cpuDpuMs() + sim.dpuCpuMs() + sim.interDpuMs(), hw.transferMs());
    }

    public double cpuDpuError() {
      return error(sim.cpuDpuMs(), hw.cpuDpuMs());
    }

    public double dpuCpuError() {
      return error(sim.dpuCpuMs(), hw.dpuCpuMs());
    }
  }

  /** MAPE of kernel and transfer errors over a group of rows, and over both together. */
  public record Mape(String group, int rows, double kernel, double transfer, double all) {}

  public static double error(double simulated, double measured) {
    if (!(measured > 0)) {
      throw new IllegalArgumentException("a measured time must be positive to take a relative error, got " + measured);
    }
    return (simulated - measured) / measured;
  }

  /** Mean of |e| over the errors, as a fraction (0.1 = 10%). */
  public static double mape(List<Double> errors) {
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("MAPE of no errors is undefined");
    }
    double s = 0;
    for (double e : errors) {
      s += Math.abs(e);
    }
    return s / errors.size();
  }

  /** The CSV's rows, in file order. */
  public static List<Measured> measured() {
    try (InputStream in = PrimHardware.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + RESOURCE + " is missing from the classpath");
      }
      return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  static List<Measured> parse(BufferedReader r) throws IOException {
    String header = r.readLine();
    if (header == null || !header.startsWith("benchmark,dpus,param,workload,tasklets,dtype,kernel_ms")) {
      throw new IllegalStateException(RESOURCE + ": unexpected header " + header);
    }
    List<Measured> rows = new ArrayList<>();
    String line;
    while ((line = r.readLine()) != null) {
      if (line.isBlank()) {
        continue;
      }
      // Fields 1-3 lead; the last six (tasklets, dtype, four times) are taken from the end, around workload.
      String[] head = line.split(",", 4);
      String[] tail = head[3].split(",");
      int k = tail.length;
      rows.add(new Measured(head[0], Integer.parseInt(head[1]), Long.parseLong(head[2]),
          Double.parseDouble(tail[k - 4]), Double.parseDouble(tail[k - 3]), Double.parseDouble(tail[k - 2]),
          Double.parseDouble(tail[k - 1])));
    }
    return rows;
  }

  /** Runs every CSV row on the simulator (TIMING_ONLY). */
  public static List<Row> compare(HardwareConfig cfg) {
    List<Row> out = new ArrayList<>();
    for (Measured m : measured()) {
      out.add(new Row(m, PrimSuite.run(cfg, Bench.of(m.benchmark()), m.dpus(), m.param(), Mode.TIMING_ONLY)));
    }
    return out;
  }

  /** MAPE per benchmark (in CSV order), then "overall". */
  public static List<Mape> mapes(List<Row> rows) {
    Map<String, List<Row>> by = new LinkedHashMap<>();
    for (Row r : rows) {
      by.computeIfAbsent(r.hw().benchmark(), k -> new ArrayList<>()).add(r);
    }
    List<Mape> out = new ArrayList<>();
    by.forEach((name, rs) -> out.add(mape(name, rs)));
    out.add(mape("overall", rows));
    return out;
  }

  static Mape mape(String group, List<Row> rows) {
    List<Double> k = rows.stream().map(Row::kernelError).toList();
    List<Double> t = rows.stream().map(Row::transferError).toList();
    List<Double> all = new ArrayList<>(k);
    all.addAll(t);
    return new Mape(group, rows.size(), mape(k), mape(t), mape(all));
  }

  /** A Markdown table of every row, then the MAPE table. */
  public static String markdown(List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append("| benchmark | DPUs | param | kernel hw ms | kernel sim ms | kernel err | transfer hw ms | transfer sim ms"
        + " | transfer err | cpu-dpu err | dpu-cpu err |\n");
    sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      Measured m = r.hw();
      Times s = r.sim();
      sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %.3f | %.3f | %s | %.3f | %.3f | %s | %s | %s |%n",
          m.benchmark(), m.dpus(), m.param(), m.kernelMs(), s.kernelMs(), pct(r.kernelError()), m.transferMs(),
          s.cpuDpuMs() + s.dpuCpuMs() + s.interDpuMs(), pct(r.transferError()), pct(r.cpuDpuError()),
          pct(r.dpuCpuError())));
    }
    sb.append("\n| benchmark | rows | kernel MAPE | transfer MAPE | MAPE (both) |\n|---|---:|---:|---:|---:|\n");
    for (Mape p : mapes(rows)) {
      sb.append(String.format(Locale.ROOT, "| %s | %d | %.1f%% | %.1f%% | %.1f%% |%n", p.group(), p.rows(),
          100 * p.kernel(), 100 * p.transfer(), 100 * p.all()));
    }
    return sb.toString();
  }

  private static String pct(double e) {
    return String.format(Locale.ROOT, "%+.1f%%", 100 * e);
  }
}
