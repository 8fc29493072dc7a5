package org.pimllm.sim.microbench;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.pimllm.sim.DType;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.sim.HostTransferModel.Direction;
import org.pimllm.sim.HostTransferModel.Kind;
import org.pimllm.sim.OpClass;

/**
 * Every published PrIM figure of {@code UPMEM-FACTS.md} (plus raw cycle counts from PrIM's repository)
 * next to what the simulator produces by running the corresponding microbenchmark.
 *
 * <p>Each row says how its preset parameter relates to the figure: INPUT (the figure is a preset value, so
 * the row checks the plumbing), FITTED (a preset value was derived from the figure, so the row checks the
 * fit through a full program run), PREDICTED (nothing was fitted to it).
 */
public final class Calibration {
  private Calibration() {}

  public enum Basis { INPUT, FITTED, PREDICTED }

  public record Row(String figure, String source, double published, double simulated, String unit, Basis basis) {
    /** Relative error of the simulated value, (sim - published) / published. */
    public double error() {
      return (simulated - published) / published;
    }
  }

  /** Bytes per DPU of the transfer rows ("large buffers"). */
  static final long XFER_BYTES = 32L << 20;
  /** Elements PrIM's Arithmetic-Throughput profiles used. */
  static final double PRIM_PROFILE_ELEMENTS = 1 << 20;

  /** Runs the microbenchmarks on the preset (PrIM's figures are for 350 MHz: use upmem-2556-350). */
  public static List<Row> rows(HardwareConfig cfg) {
    List<Row> rows = new ArrayList<>();
    String facts = "UPMEM-FACTS (PrIM)";
    for (MramBench.Direction d : MramBench.Direction.values()) {
      boolean read = d == MramBench.Direction.READ;
      MramBench.Result small = MramBench.run(cfg, d, 8, 1);
      MramBench.Result big = MramBench.run(cfg, d, 2048, 1);
      double beta = (big.latencyCycles() - small.latencyCycles()) / (2048 - 8);
      double alpha = small.latencyCycles() - beta * 8;
      String op = read ? "mram_read" : "mram_write";
      rows.add(new Row(op + " latency alpha (fit of 8 B and 2,048 B latencies, 1 tasklet)", facts,
          read ? 77 : 61, alpha, "cycles", Basis.INPUT));
      rows.add(new Row(op + " latency beta (same fit)", facts, 0.5, beta, "cycles/B", Basis.INPUT));
      rows.add(new Row(op + " sustained bandwidth, 2,048 B transfers, 1 tasklet", facts,
          read ? 628 : 633, big.mbps(), "MB/s", Basis.PREDICTED));
    }
    // Peak: the bandwidth the latency model approaches for ever larger transfers, bytes / (beta * bytes).
    rows.add(new Row("MRAM peak bandwidth (1 / beta at the clock)", facts, 700,
        cfg.clockHz() / cfg.dma().betaCyclesPerByte() / 1e6, "MB/s", Basis.INPUT));

    double[][] mops = {
        {58, 50, 4.9, 3.3}, // add
        {58, 50, 4.6, 3.1}, // sub
        {10, 2.6, 1.9, 0.5}, // mul
        {11, 1.4, 0.34, 0.16}, // div
    };
    OpClass[] ops = {OpClass.ADD, OpClass.SUB, OpClass.MUL, OpClass.DIV};
    DType[] types = {DType.INT32, DType.INT64, DType.FLOAT, DType.DOUBLE};
    Map<DType, ArithBench.Result> add16 = new EnumMap<>(DType.class);
    for (int o = 0; o < ops.length; o++) {
      for (int t = 0; t < types.length; t++) {
        ArithBench.Result r = ArithBench.run(cfg, ops[o], types[t], 16);
        if (ops[o] == OpClass.ADD) {
          add16.put(types[t], r);
        }
        boolean native32 = types[t] == DType.INT32 && (ops[o] == OpClass.ADD || ops[o] == OpClass.SUB);
        rows.add(new Row(ops[o].name().toLowerCase() + " " + types[t].name().toLowerCase() + ", 16 tasklets", facts,
            mops[o][t], r.mops(), "MOPS", native32 ? Basis.PREDICTED : Basis.FITTED));
      }
    }
    // Raw perfcounter cycles of PrIM's own runs (1,048,576 elements), for the tasklet scaling.
    String profile = "PrIM repo, Microbenchmarks/Arithmetic-Throughput/profile/";
    // The 16-tasklet runs are the add rows' runs above.
    addProfile(rows, profile + "ADD_INT32_tl1.txt", ArithBench.run(cfg, OpClass.ADD, DType.INT32, 1), 6.92941e7,
        Basis.PREDICTED);
    addProfile(rows, profile + "ADD_INT32_tl16.txt", add16.get(DType.INT32), 6.28186e6, Basis.PREDICTED);
    addProfile(rows, profile + "ADD_INT64_tl16.txt", add16.get(DType.INT64), 7.31051e6, Basis.FITTED);
    addProfile(rows, profile + "ADD_FLOAT_tl16.txt", add16.get(DType.FLOAT), 7.45888e7, Basis.FITTED);
    addProfile(rows, profile + "ADD_DOUBLE_tl16.txt", add16.get(DType.DOUBLE), 1.10299e8, Basis.FITTED);

    rows.add(xfer(cfg, "serial CPU->DPU, 1 DPU", Kind.SERIAL, Direction.H2D, 1, 0.33, facts));
    rows.add(xfer(cfg, "serial DPU->CPU, 1 DPU", Kind.SERIAL, Direction.D2H, 1, 0.12, facts));
    rows.add(xfer(cfg, "parallel CPU->DPU, 1 rank (64 DPUs)", Kind.PARALLEL, Direction.H2D, 64, 6.68, facts));
    rows.add(xfer(cfg, "parallel DPU->CPU, 1 rank (64 DPUs)", Kind.PARALLEL, Direction.D2H, 64, 4.74, facts));
    rows.add(xfer(cfg, "broadcast CPU->DPU, 1 rank (64 DPUs)", Kind.BROADCAST, Direction.H2D, 64, 16.88, facts));
    return rows;
  }

  private static void addProfile(List<Row> rows, String source, ArithBench.Result r, double primCycles, Basis basis) {
    // Scale to PrIM's element count (our run rounds the count down to whole rounds of blocks).
    double simCycles = r.timedCycles() * PRIM_PROFILE_ELEMENTS / r.elements();
    rows.add(new Row("add " + r.dtype().name().toLowerCase() + ", " + r.tasklets() + " tasklet(s): timed cycles for 2^20 elements",
        source, primCycles, simCycles, "cycles", basis));
  }

  private static Row xfer(HardwareConfig cfg, String what, Kind kind, Direction dir, int dpus, double gbps,
      String source) {
    XferBench.Result r = XferBench.run(cfg, kind, dir, dpus, XFER_BYTES);
    return new Row(what + ", 32 MiB per DPU", source, gbps, r.gbps(), "GB/s", Basis.INPUT);
  }

  /** The rows as a Markdown table. */
  public static String markdown(List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append("| figure | published | simulated | error | basis | source |\n");
    sb.append("|---|---:|---:|---:|---|---|\n");
    for (Row r : rows) {
      sb.append("| ").append(r.figure())
          .append(" | ").append(fmt(r.published())).append(' ').append(r.unit())
          .append(" | ").append(fmt(r.simulated())).append(' ').append(r.unit())
          .append(" | ").append(String.format("%+.1f%%", 100 * r.error()))
          .append(" | ").append(r.basis().name().toLowerCase())
          .append(" | ").append(r.source()).append(" |\n");
    }
    return sb.toString();
  }

  static String fmt(double v) {
    double a = Math.abs(v);
    if (a >= 1e6) {
      return String.format("%.4g", v);
    }
    if (a >= 100) {
      return String.format("%.0f", v);
    }
    if (a >= 10) {
      return String.format("%.1f", v);
    }
    return String.format("%.3g", v);
  }
}
