package org.pimllm.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.Int4Weights;
import org.pimllm.pgemm.ReferenceGemm;
import org.pimllm.pgemm.GemmResult;
import org.pimllm.pgemm.GemmShape;
import org.pimllm.pgemm.KernelStats;
import org.pimllm.pgemm.Layout;
import org.pimllm.pgemm.Matrix;
import org.pimllm.pgemm.PgemmLib;
import org.pimllm.pgemm.ResidentB;
import org.pimllm.pgemm.ResultCheck;
import org.pimllm.pgemm.Strategy;
import org.pimllm.tileselector.CallOptions;
import org.pimllm.tileselector.Restriction;
import org.pimllm.tileselector.TileSelector;
import org.pimllm.pgemm.TilingPlan;
import org.pimllm.sim.Category;
import org.pimllm.sim.DpuSet;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.sim.Mode;
import org.pimllm.sim.PimSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code pimllm gemm}: runs one GEMM through PGEMMlib on the simulated machine and prints the plan, the
 * simulated time by category, the bytes moved and the kernel's efficiency; with {@code --functional} it
 * multiplies real (seeded random) data and checks C against the CPU reference.
 */
@Command(name = "gemm", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Run one GEMM C[b][M][N] = A[b][M][K] x B[b][K][N] with PGEMMlib on the simulated PIM machine.",
        "Prints the plan, simulated time by category (the DPU set is allocated and the kernel loaded beforehand,"
            + " as with pooling; those one-time costs are listed apart), bytes moved and kernel efficiency."})
public final class GemmCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--b", defaultValue = "1", description = "Batch count (default ${DEFAULT-VALUE}).")
  int b;
  @Option(names = "--m", required = true, description = "Rows of A and C.")
  int m;
  @Option(names = "--k", required = true, description = "Columns of A, rows of B.")
  int k;
  @Option(names = "--n", required = true, description = "Columns of B and C.")
  int n;
  @Option(names = {"--precision", "--dtype"}, defaultValue = "int8", paramLabel = "int8|int16|int32|fp32|int4", description = "Element type:"
      + " int8 (int32 accumulation, as every command's default), int16, int32, fp32, or int4 (int8 x int4 weights with a"
      + " multiplier per group of 128 K elements; int4_g64, int4_g32) (default ${DEFAULT-VALUE}; --dtype is the old name).")
  String dtype;
  @Option(names = "--dpus", defaultValue = "2048", description = "DPUs the machine offers (the plan uses at most this many; default ${DEFAULT-VALUE}).")
  int dpus;
  @Option(names = "--hw", defaultValue = "upmem-2560-450", description = "Hardware preset name or JSON file (default ${DEFAULT-VALUE}).")
  String hw;
  @Option(names = "--strategy", defaultValue = "base", description = "base, ntile, ktile, mixed, batched or auto (any);"
      + " the Tile-Selector picks the best plan of that strategy, keeping the factors and kernel parameters given (default ${DEFAULT-VALUE}).")
  String strategy;
  @Option(names = "--fb", description = "Batch partition factor (batched; default: chosen by the Tile-Selector).")
  Integer fB;
  @Option(names = "--fm", description = "M partition factor (default: chosen by the Tile-Selector).")
  Integer fM;
  @Option(names = "--fk", description = "K partition factor (ktile, mixed, batched; default: chosen by the Tile-Selector).")
  Integer fK;
  @Option(names = "--fn", description = "N partition factor (ntile, mixed, batched; default: chosen by the Tile-Selector).")
  Integer fN;
  @Option(names = "--tile-k", description = "Tile_K in elements (Tile_K x element size >= 64 B); default: chosen per plan.")
  Integer tileK;
  @Option(names = "--tasklets", description = "NR_TASKLETS of the kernel; default: chosen per plan.")
  Integer tasklets;
  @Option(names = "--block", description = "Work-item block ROWSxCOLS (e.g. 2x2; COLS even); default: chosen per plan.")
  String block;
  @Option(names = "--b-layout", defaultValue = "col", description = "Layout B arrives in: col (column-major, as PGEMMlib wants) or row (transposed on the host, charged as HOST time).")
  String bLayout;
  @Option(names = "--resident-b", description = "Place B in MRAM once (one-time cost reported apart), then run the GEMM moving only A and C.")
  boolean residentB;
  @Option(names = "--functional", description = "Run on real random data (seeded) and check C against the CPU reference.")
  boolean functional;
  @Option(names = "--seed", defaultValue = "42", description = "Seed of the random A and B with --functional (default ${DEFAULT-VALUE}).")
  long seed;
  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    HardwareConfig cfg = HardwareConfig.presetOrFile(hw).withDpus(dpus);
    GemmShape shape = GemmShape.of(b, m, k, n);
    GemmDType type = GemmDType.parse(dtype);
    checkFits(shape, type, cfg, dpus);
    TilingPlan plan = plan(cfg, shape, type);
    Layout layout = parseLayout(bLayout);
    if (functional) {
      checkFunctionalMemory(FunctionalMemory.of(plan, layout), Runtime.getRuntime().maxMemory());
    }

    PimSystem sys = new PimSystem(cfg, functional ? Mode.FUNCTIONAL : Mode.TIMING_ONLY);
    PgemmLib lib = new PgemmLib(sys);
    Matrix a = functional ? Matrix.random(type.aType(), b, m, k, Layout.ROW_MAJOR, seed) : null;
    Matrix bm = functional && !type.isInt4() ? Matrix.random(type, b, k, n, layout, seed + 1) : null;
    Int4Weights w4 = functional && type.isInt4() ? Int4Weights.random(type, b, k, n, layout, seed + 1) : null;

    Map<String, Object> out = new LinkedHashMap<>();
    double allocS;
    double loadS;
    GemmResult r;
    ResidentB resident = null;
    long mark = sys.timeline().mark();
    long freeMark;
    try (DpuSet set = sys.allocate(plan.dpus())) {
      allocS = sys.timeline().totalSince(mark, Category.ALLOC);
      PgemmLib.load(set, plan);
      loadS = sys.timeline().totalSince(mark, Category.LOAD);
      if (residentB) {
        resident = type.isInt4() ? lib.prepareResidentInt4(set, plan, w4) : lib.prepareResident(set, plan, bm, layout);
        r = lib.gemm(resident, m, a);
      } else {
        r = type.isInt4() ? lib.gemmInt4(set, plan, a, w4) : lib.gemm(set, plan, a, bm, layout);
      }
      freeMark = sys.timeline().mark();
    }
    double freeS = sys.timeline().totalSince(freeMark, Category.FREE);

    Boolean verified = null;
    String verifyDetail = null;
    if (functional && type.isInt4()) {
      verified = java.util.Arrays.equals(ReferenceGemm.multiplyInt4(a, w4).data(), r.c().data());
      verifyDetail = verified ? "bit-identical to the CPU reference (int8 x int4 with group multipliers)" : "differs from the CPU reference";
    } else if (functional) {
      ResultCheck.Outcome o = ResultCheck.check(plan, a, bm, r.c());
      verified = o.ok();
      verifyDetail = o.detail();
    }
    report(out, cfg, plan, r, resident, allocS, loadS, freeS, verified, verifyDetail, layout);
    PrintWriter pw = spec.commandLine().getOut();
    if (json) {
      pw.println(HwCommand.JSON.writeValueAsString(out));
    } else {
      printText(pw, cfg, plan, r, resident, allocS, loadS, freeS, verified, verifyDetail);
    }
    pw.flush();
    return verified == null || verified ? 0 : 1;
  }

  /**
   * The Tile-Selector's plan within what the options fix: the strategy (auto = any), the partition factors and
   * kernel parameters given; everything not given is chosen (pooled calls: this command reports alloc/load/free
   * apart from the GEMM's own time).
   */
  /** Largest --m, --k or --n: padded slice sizes and element offsets stay within int arithmetic. */
  static final int MAX_DIM = 1 << 30;

  /**
   * A GEMM whose A, B and C together exceed the MRAM of every DPU of the budget cannot fit any plan: say so with the
   * sizes (computed in long, overflow named) before any plan is built, instead of messages with wrapped-around numbers.
   */
  static void checkFits(GemmShape s, GemmDType type, HardwareConfig cfg, int dpus) {
    String[] names = {"--b", "--m", "--k", "--n"};
    int[] dims = {s.b(), s.m(), s.k(), s.n()};
    for (int i = 0; i < 4; i++) {
      if (dims[i] > MAX_DIM) {
        throw new IllegalArgumentException(names[i] + " " + dims[i] + " is too big: at most " + MAX_DIM + " (2^30)");
      }
    }
    long total;
    try {
      long a = Math.multiplyExact(Math.multiplyExact((long) s.b() * s.m(), (long) s.k()), (long) type.bytes());
      long bb = Math.multiplyExact(Math.multiplyExact((long) s.b() * s.k(), (long) s.n()), (long) type.bytes());
      long c = Math.multiplyExact(Math.multiplyExact((long) s.b() * s.m(), (long) s.n()), (long) type.accumulatorBytes());
      total = Math.addExact(Math.addExact(a, bb), c);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("GEMM " + s + " is too big: its A, B and C bytes exceed 2^63");
    }
    long mram = (long) dpus * cfg.mramBytes();
    if (total > mram) {
      throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "GEMM %s %s is too big for %d DPUs:"
          + " A, B and C take %.2f GiB, more than their %.2f GiB of MRAM (%d x %d MiB)", s, type.name().toLowerCase(
          java.util.Locale.ROOT), dpus, total / 1073741824.0, mram / 1073741824.0, dpus, cfg.mramBytes() >> 20));
    }
  }

  /**
   * What --functional holds in the Java heap at once: the simulated MRAM every DPU of the plan writes (its B, A and
   * C slices, replicas included, in 4 KiB pages), and the host's A, B and C with the packed slices pushed from them,
   * the gathered C blocks and the CPU reference C of the check (a row-major B adds its column-major copy).
   */
  record FunctionalMemory(long mramBytes, long hostBytes, long largestArray) {
    static final long PAGE = 4096; // Mram's page: a slice occupies whole pages

    static FunctionalMemory of(TilingPlan plan, Layout bLayout) {
      TilingPlan.DpuSlice s = plan.slice();
      long perDpu = Math.ceilDiv(s.mramBytes(), PAGE) * PAGE;
      long mram = Math.multiplyExact(perDpu, (long) plan.dpus());
      GemmShape sh = plan.shape();
      long a = (long) sh.b() * sh.m() * sh.k() * plan.dtype().bytes();
      long b = (long) sh.b() * sh.k() * sh.n() * plan.dtype().bytes();
      long c = (long) sh.b() * sh.m() * sh.n() * plan.dtype().accumulatorBytes();
      var f = plan.partition();
      long packedA = (long) f.aSlices() * s.aBytes();
      long packedB = (long) f.bSlices() * s.bBytes();
      long gatheredC = (long) plan.dpus() * s.cBytes();
      long host = a + b + (bLayout == Layout.ROW_MAJOR ? b : 0) + packedA + packedB + gatheredC + 2 * c;
      return new FunctionalMemory(mram, host, Math.max(Math.max(a, b), c));
    }

    long totalBytes() {
      return mramBytes + hostBytes;
    }
  }

  /** Java arrays hold at most this many bytes (A, B and C are each one byte[]). */
  static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;

  /**
   * --functional keeps every simulated MRAM byte and the host matrices in the Java heap: say up front when they do
   * not fit maxHeapBytes (Runtime.maxMemory()) rather than failing with OutOfMemoryError after minutes.
   */
  static void checkFunctionalMemory(FunctionalMemory need, long maxHeapBytes) {
    if (need.largestArray() > MAX_ARRAY_BYTES) {
      throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "--functional holds A, B and C each in one"
          + " Java array of at most 2 GiB, but this GEMM's largest is %.2f GiB; use smaller --m/--k/--n, or drop"
          + " --functional (TIMING_ONLY simulates the same time without data)", gib(need.largestArray())));
    }
    if (need.totalBytes() > maxHeapBytes) {
      throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "--functional needs about %.2f GiB of Java"
          + " heap (simulated MRAM written by the plan's DPUs: %.2f GiB; host A, B, C, packed slices and the reference C:"
          + " %.2f GiB) but this JVM may use at most %.2f GiB; use smaller --m/--k/--n, drop --functional (TIMING_ONLY"
          + " simulates the same time without data), or raise the heap, e.g. PIMLLM_JAVA_OPTS=-Xmx%dg ./pimllm ...",
          gib(need.totalBytes()), gib(need.mramBytes()), gib(need.hostBytes()), gib(maxHeapBytes),
          (long) Math.ceil(gib(need.totalBytes()) * 1.25) + 1));
    }
  }

  private static double gib(long bytes) {
    return bytes / 1073741824.0;
  }

  private TilingPlan plan(HardwareConfig cfg, GemmShape shape, GemmDType type) {
    Restriction r = strategy.trim().equalsIgnoreCase("auto") ? Restriction.NONE : Restriction.to(Strategy.parse(strategy));
    int[] blk = block == null ? new int[] {0, 0} : parseBlock(block);
    r = r.withFactors(fB, fM, fK, fN).withKernel(tileK, tasklets, block == null ? null : blk[0], block == null ? null : blk[1]);
    CallOptions opts = new CallOptions(true, parseLayout(bLayout), residentB, false);
    return new TileSelector(cfg).select(shape, type, dpus, opts, r).plan();
  }

  private static int[] parseBlock(String s) {
    String[] parts = s.toLowerCase().split("x");
    try {
      if (parts.length == 2) {
        return new int[] {Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())};
      }
    } catch (NumberFormatException e) {
      // fall through to the error below
    }
    throw new IllegalArgumentException("--block must be ROWSxCOLS, e.g. 2x2, got '" + s + "'");
  }

  private static Layout parseLayout(String s) {
    return switch (s.trim().toLowerCase()) {
      case "col", "column", "col-major", "column-major" -> Layout.COL_MAJOR;
      case "row", "row-major" -> Layout.ROW_MAJOR;
      default -> throw new IllegalArgumentException("--b-layout must be col or row, got '" + s + "'");
    };
  }

  private static double ms(double s) {
    return s * 1e3;
  }

  private static void report(Map<String, Object> out, HardwareConfig cfg, TilingPlan plan, GemmResult r,
      ResidentB resident, double allocS, double loadS, double freeS, Boolean verified, String verifyDetail, Layout bLayout) {
    GemmShape s = plan.shape();
    out.put("shape", ordered("b", s.b(), "m", s.m(), "k", s.k(), "n", s.n()));
    out.put("dtype", plan.dtype().cliName());
    out.put("hw", cfg.name());
    out.put("dpusAvailable", cfg.totalDpus());
    out.put("mode", verified == null ? "timing-only" : "functional");
    out.put("bLayout", bLayout == Layout.ROW_MAJOR ? "row" : "col");
    Map<String, Object> p = planJson(plan);
    TilingPlan.DpuSlice sl = plan.slice();
    p.put("slice", ordered("bLoc", sl.bLoc(), "mLoc", sl.mLoc(), "kLoc", sl.kLoc(), "nLoc", sl.nLoc(),
        "mramBytes", sl.mramBytes()));
    out.put("plan", p);
    out.put("totalMs", ms(r.totalSeconds()));
    out.put("h2dMs", ms(r.h2dSeconds()));
    out.put("launchMs", ms(r.launchSeconds()));
    out.put("kernelMs", ms(r.kernelSeconds()));
    out.put("d2hMs", ms(r.d2hSeconds()));
    out.put("hostMs", ms(r.hostSeconds()));
    out.put("allocMs", ms(allocS));
    out.put("loadMs", ms(loadS));
    out.put("freeMs", ms(freeS));
    out.put("bytesToDpus", r.bytesToDpus());
    out.put("bytesFromDpus", r.bytesFromDpus());
    out.put("dpusUsed", r.dpusUsed());
    KernelStats ks = r.kernel();
    out.put("kernelCycles", ks.cycles());
    out.put("macsPerDpu", ks.macsPerDpu());
    out.put("macsPerSecondPerDpu", ks.macsPerSecondPerDpu());
    out.put("bound", ks.bound().name());
    out.put("boundMacsPerSecondPerDpu", ks.boundMacsPerSecondPerDpu());
    out.put("kernelEfficiency", ks.efficiency());
    out.put("residentB", resident != null);
    if (resident != null) {
      out.put("residentPrepareMs", ms(resident.prepareTotalSeconds()));
      out.put("residentPrepareH2dMs", ms(resident.prepareSeconds().getOrDefault(Category.H2D, 0.0)));
      out.put("residentPrepareHostMs", ms(resident.prepareSeconds().getOrDefault(Category.HOST, 0.0)));
      out.put("residentBytesToDpus", resident.bytesToDpus());
    }
    if (verified != null) {
      out.put("verified", verified);
      out.put("verifyDetail", verifyDetail);
    }
  }

  /** A plan's partition factors and kernel parameters as JSON fields (pimllm tune adds kSplit). */
  static Map<String, Object> planJson(TilingPlan p) {
    return ordered("strategy", p.strategy().cliName(), "fB", p.partition().fB(), "fM", p.partition().fM(),
        "fK", p.partition().fK(), "fN", p.partition().fN(), "dpus", p.dpus(), "tasklets", p.kernel().tasklets(),
        "tileK", p.kernel().tileK(), "blockRows", p.kernel().blockRows(), "blockCols", p.kernel().blockCols());
  }

  /** A map keeping the key order given (JSON readers see fields in a stable order). */
  private static Map<String, Object> ordered(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private static void printText(PrintWriter pw, HardwareConfig cfg, TilingPlan plan, GemmResult r, ResidentB resident,
      double allocS, double loadS, double freeS, Boolean verified, String verifyDetail) {
    TilingPlan.DpuSlice sl = plan.slice();
    pw.printf("plan: %s%n", plan);
    pw.printf("machine: %s, %d DPUs usable, %s%n", cfg.name(), cfg.totalDpus(),
        verified == null ? "TIMING_ONLY (no data)" : "FUNCTIONAL (real data)");
    pw.printf("per DPU: %d batch x A %d x %d, B %d x %d (column-major), C %d x %d; %,d B of MRAM%n", sl.bLoc(), sl.mLoc(),
        sl.kLoc(), sl.kLoc(), sl.nLoc(), sl.mLoc(), sl.nLoc(), sl.mramBytes());
    pw.println("simulated time of the GEMM call:");
    pw.printf("  H2D     %12.3f ms%n", ms(r.h2dSeconds()));
    pw.printf("  launch  %12.3f ms%n", ms(r.launchSeconds()));
    pw.printf("  kernel  %12.3f ms%n", ms(r.kernelSeconds()));
    pw.printf("  D2H     %12.3f ms%n", ms(r.d2hSeconds()));
    pw.printf("  host    %12.3f ms  (B transposition, K-partial reduction)%n", ms(r.hostSeconds()));
    pw.printf("  total   %12.3f ms%n", ms(r.totalSeconds()));
    pw.printf("one-time: alloc %.3f ms, load %.3f ms, free %.3f ms%n", ms(allocS), ms(loadS), ms(freeS));
    if (resident != null) {
      pw.printf("resident B: prepared once in %.3f ms (%,d B to the DPUs); the call above moved only A and C%n",
          ms(resident.prepareTotalSeconds()), resident.bytesToDpus());
    }
    pw.printf("bytes: %,d to the DPUs, %,d from the DPUs, %d DPUs used%n", r.bytesToDpus(), r.bytesFromDpus(), r.dpusUsed());
    KernelStats ks = r.kernel();
    pw.printf("kernel: %,d cycles per DPU, %.1f MMAC/s per DPU; bound %s at %.1f MMAC/s; efficiency %.3f%n", ks.cycles(),
        ks.macsPerSecondPerDpu() / 1e6, ks.bound(), ks.boundMacsPerSecondPerDpu() / 1e6, ks.efficiency());
    if (verified != null) {
      pw.printf("verified: %s (%s)%n", verified, verifyDetail);
    }
  }
}
