package org.pimllm.benchmarks;

import java.io.PrintStream;
import java.util.Locale;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.GemmResult;
import org.pimllm.pgemm.GemmShape;
import org.pimllm.pgemm.Layout;
import org.pimllm.pgemm.PgemmLib;
import org.pimllm.pgemm.PlanValidator;
import org.pimllm.pgemm.ResidentB;
import org.pimllm.pgemm.Strategy;
import org.pimllm.pgemm.TilingPlan;
import org.pimllm.sim.Category;
import org.pimllm.sim.DpuSet;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.sim.Mode;
import org.pimllm.sim.PimSystem;
import org.pimllm.tileselector.CallOptions;
import org.pimllm.tileselector.Restriction;
import org.pimllm.tileselector.TileSelector;

/**
 * Prints, as Markdown tables, the PGEMMlib figures docs/pgemm.md quotes: kernel efficiency on large int8
 * shapes, the paper's observations (NtileGEMM vs BaseGEMM, KtileGEMM over fK), dtypes, resident weights and
 * a row-major B. Every number is this simulator's TIMING_ONLY output for the named preset.
 *
 * <p>Run: {@code java --add-modules=jdk.incubator.vector -cp "pimllm-cli/target/pimllm.jar:$(cat pimllm-cli/target/classpath.txt)" org.pimllm.benchmarks.PgemmStudy [preset]}.
 */
public final class PgemmStudy {
  private PgemmStudy() {}

  public static void main(String[] args) {
    HardwareConfig hw = HardwareConfig.preset(args.length > 0 ? args[0] : "upmem-2560-450").withDpus(2048);
    PrintStream out = System.out;
    out.println("preset " + hw.name() + ", 2,048 DPUs usable, TIMING_ONLY; times in ms\n");

    out.println("### Kernel efficiency, int8\n");
    out.println("| shape (b, M, K, N) | plan | kernel ms | MMAC/s per DPU | bound | efficiency |");
    out.println("|---|---|---:|---:|---|---:|");
    efficiency(out, hw, Strategy.NTILE, GemmShape.of(1, 1, 4096, 4096), 64, null, 64);
    efficiency(out, hw, Strategy.NTILE, GemmShape.of(1, 1, 4096, 11008), 2048, null, 1376);
    efficiency(out, hw, Strategy.BASE, GemmShape.of(1, 64, 4096, 4096), 64, null, null);
    efficiency(out, hw, Strategy.NTILE, GemmShape.of(1, 128, 4096, 4096), 2048, null, 64);
    efficiency(out, hw, Strategy.NTILE, GemmShape.of(1, 128, 4096, 11008), 2048, null, 128);
    efficiency(out, hw, Strategy.BASE, GemmShape.of(1, 8192, 3072, 768), 2048, null, null);
    efficiency(out, hw, Strategy.MIXED, GemmShape.of(1, 128, 11008, 4096), 2048, 4, 32);

    GemmShape paper = GemmShape.of(1, 8192, 3072, 768);
    out.println("\n### NtileGEMM vs BaseGEMM on " + paper + ", int8, 2,048 DPUs\n");
    header(out);
    GemmResult base = row(out, hw, Strategy.BASE, paper, 2048, null, null, null);
    for (int fn : new int[] {2, 8, 32, 128, 256, 768}) {
      GemmResult r = row(out, hw, Strategy.NTILE, paper, 2048, null, null, fn);
      if (fn == 128) {
        out.printf(Locale.ROOT, "%n(NtileGEMM fN = 128 / BaseGEMM = %.2f; the paper measured 0.17)%n%n",
            r.totalSeconds() / base.totalSeconds());
        header(out);
      }
    }

    out.println("\n### KtileGEMM over fK on " + paper + ", int8, 2,048 DPUs\n");
    header(out);
    for (int fk = 2; fk <= 256; fk *= 2) {
      row(out, hw, Strategy.KTILE, paper, 2048, null, fk, null);
    }
    GemmShape gemv = GemmShape.of(1, 1, 4096, 11008);
    out.println("\n### Splitting K of a GEMV " + gemv + " (LLaMA-7B FFN up-projection, decode), int8, fN = 172\n");
    header(out);
    for (int fk = 1; fk <= 8; fk *= 2) {
      row(out, hw, fk == 1 ? Strategy.NTILE : Strategy.MIXED, gemv, 2048, null, fk, 172);
    }

    GemmShape dt = GemmShape.of(1, 128, 4096, 4096);
    out.println("\n### Element types on " + dt + ", NtileGEMM fN = 64, 2,048 DPUs\n");
    out.println("| dtype | plan | kernel ms | total ms | MMAC/s per DPU | efficiency |");
    out.println("|---|---|---:|---:|---:|---:|");
    for (GemmDType t : GemmDType.values()) {
      TilingPlan p = plan(hw, Strategy.NTILE, dt, t, 2048, null, null, 64);
      GemmResult r = PgemmLib.simulate(p, hw);
      out.printf(Locale.ROOT, "| %s | %s | %.3f | %.3f | %.1f | %.3f |%n", t.cliName(), brief(p), ms(r.kernelSeconds()),
          ms(r.totalSeconds()), r.kernel().macsPerSecondPerDpu() / 1e6, r.kernel().efficiency());
    }

    out.println("\n### Resident B and a row-major B on " + dt + ", int8, NtileGEMM fN = 64\n");
    TilingPlan p = plan(hw, Strategy.NTILE, dt, GemmDType.INT8, 2048, null, null, 64);
    GemmResult col = PgemmLib.simulate(p, hw, Layout.COL_MAJOR);
    GemmResult rowMajor = PgemmLib.simulate(p, hw, Layout.ROW_MAJOR);
    PimSystem sys = new PimSystem(hw, Mode.TIMING_ONLY);
    PgemmLib lib = new PgemmLib(sys);
    try (DpuSet set = sys.allocate(p.dpus())) {
      PgemmLib.load(set, p);
      ResidentB res = lib.prepareResident(set, p, null);
      GemmResult call = lib.gemm(res, dt.m(), null);
      out.println("| case | H2D ms | host ms | total ms |");
      out.println("|---|---:|---:|---:|");
      out.printf(Locale.ROOT, "| B column-major, sent every call | %.3f | %.3f | %.3f |%n", ms(col.h2dSeconds()),
          ms(col.hostSeconds()), ms(col.totalSeconds()));
      out.printf(Locale.ROOT, "| B row-major, transposed on the host every call | %.3f | %.3f | %.3f |%n",
          ms(rowMajor.h2dSeconds()), ms(rowMajor.hostSeconds()), ms(rowMajor.totalSeconds()));
      out.printf(Locale.ROOT, "| B resident: one-time preparation | %.3f | %.3f | %.3f |%n",
          ms(res.prepareSeconds().get(Category.H2D)), ms(res.prepareSeconds().get(Category.HOST)),
          ms(res.prepareTotalSeconds()));
      out.printf(Locale.ROOT, "| B resident: each call | %.3f | %.3f | %.3f |%n", ms(call.h2dSeconds()),
          ms(call.hostSeconds()), ms(call.totalSeconds()));
    }
  }

  private static void efficiency(PrintStream out, HardwareConfig hw, Strategy st, GemmShape s, int dpus, Integer fK,
      Integer fN) {
    TilingPlan p = plan(hw, st, s, GemmDType.INT8, dpus, null, fK, fN);
    GemmResult r = PgemmLib.simulate(p, hw);
    out.printf(Locale.ROOT, "| %s | %s | %.3f | %.1f | %s | %.3f |%n", s, brief(p), ms(r.kernelSeconds()),
        r.kernel().macsPerSecondPerDpu() / 1e6, r.kernel().bound(), r.kernel().efficiency());
  }

  private static void header(PrintStream out) {
    out.println("| plan | H2D | kernel | D2H | host | total |");
    out.println("|---|---:|---:|---:|---:|---:|");
  }

  private static GemmResult row(PrintStream out, HardwareConfig hw, Strategy st, GemmShape s, int dpus, Integer fM,
      Integer fK, Integer fN) {
    TilingPlan p = plan(hw, st, s, GemmDType.INT8, dpus, fM, fK, fN);
    GemmResult r = PgemmLib.simulate(p, hw);
    out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.3f | %.3f |%n", brief(p), ms(r.h2dSeconds()),
        ms(r.kernelSeconds()), ms(r.d2hSeconds()), ms(r.hostSeconds()), ms(r.totalSeconds()));
    return r;
  }

  /**
   * The plan a table row studies: the strategy and factors given, fM (when not given) as many row parts as the
   * remaining DPUs allow, so each row is the partition it names; the Tile-Selector picks the kernel parameters.
   */
  private static TilingPlan plan(HardwareConfig hw, Strategy st, GemmShape s, GemmDType t, int dpus, Integer fM,
      Integer fK, Integer fN) {
    int rows = fM != null ? fM : fill(s.m(), dpus / ((fK == null ? 1 : fK) * (fN == null ? 1 : fN)));
    return new TileSelector(hw).select(s, t, dpus, CallOptions.POOLED, Restriction.to(st).withFactors(null, rows, fK, fN))
        .plan();
  }

  /** The largest factor <= limit that leaves no DPU without data. */
  static int fill(int d, int limit) {
    for (int f = Math.min(d, limit); f > 1; f--) {
      if (PlanValidator.nonEmptyParts(d, f)) {
        return f;
      }
    }
    return 1;
  }

  private static String brief(TilingPlan p) {
    var f = p.partition();
    var k = p.kernel();
    return p.strategy().cliName() + " fM=" + f.fM() + " fK=" + f.fK() + " fN=" + f.fN() + " (" + p.dpus() + " DPUs; T="
        + k.tasklets() + ", Tile_K=" + k.tileK() + ", " + k.blockRows() + "x" + k.blockCols()
        + (k.kSplit() > 1 ? ", kSplit=" + k.kSplit() : "") + ")";
  }

  private static double ms(double s) {
    return s * 1e3;
  }
}
