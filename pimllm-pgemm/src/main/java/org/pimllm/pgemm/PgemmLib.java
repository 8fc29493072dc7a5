package org.pimllm.pgemm;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.pimllm.sim.Category;
import org.pimllm.sim.DpuProgram;
import org.pimllm.sim.DpuSet;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.sim.LaunchResult;
import org.pimllm.sim.Mode;
import org.pimllm.sim.PimSystem;
import org.pimllm.sim.Timeline;

/**
 * PGEMMlib's host side, in the order UPMEM host code does it: validate the plan, load the kernel, pack and
 * push (or broadcast) B and A, push the arguments, launch, pull C, and reduce K-tiled partial sums on the host.
 *
 * <p>Entry points: {@link #gemm(DpuSet, TilingPlan, Matrix, Matrix)} on a pooled DPU set,
 * {@link #gemmStandalone} allocating and freeing a set around the call (the paper's unpooled PGEMMlib),
 * {@link #prepareResident} + {@link #gemm(ResidentB, Matrix)} for constant weights, and the static
 * {@link #simulate} (TIMING_ONLY, cheap) for the Tile-Selector's oracle. PGEMMlib runs the plan it is given;
 * plans are enumerated by {@link PlanEnumerator} and chosen by the Tile-Selector.
 */
public final class PgemmLib {
  private final PimSystem system;
  private final boolean asyncRanks;

  public PgemmLib(PimSystem system) {
    this(system, false);
  }

  /**
   * With asyncRanks, a call queues A, the arguments, the launch and the pull of C rank by rank
   * ({@link DpuSet#beginAsync}, the SDK's asynchronous transfers and launch) and syncs once: transfers of one rank
   * overlap kernels of another. Without, each step runs on the whole set and waits for it (the paper's PGEMMlib).
   */
  public PgemmLib(PimSystem system, boolean asyncRanks) {
    this.system = Objects.requireNonNull(system, "system");
    this.asyncRanks = asyncRanks;
  }

  public PimSystem system() {
    return system;
  }

  // ---- for the Tile-Selector ----

  /**
   * Runs a plan in TIMING_ONLY on a fresh machine with a DPU set allocated beforehand (as with pooling), so
   * the result holds the GEMM's own time: transfers, launch, kernel, host work. Cheap: no data moves and all
   * DPUs share one timing computation.
   */
  public static GemmResult simulate(TilingPlan plan, HardwareConfig hw) {
    return simulate(plan, hw, Layout.COL_MAJOR);
  }

  /** Like {@link #simulate(TilingPlan, HardwareConfig)} with B arriving in the given layout (row-major: transposed on the host). */
  public static GemmResult simulate(TilingPlan plan, HardwareConfig hw, Layout bLayout) {
    return simulate(plan, hw, bLayout, false);
  }

  /** Like {@link #simulate(TilingPlan, HardwareConfig, Layout)}, the call's ranks asynchronous or not. */
  public static GemmResult simulate(TilingPlan plan, HardwareConfig hw, Layout bLayout, boolean asyncRanks) {
    PimSystem sys = new PimSystem(hw, Mode.TIMING_ONLY);
    PgemmLib lib = new PgemmLib(sys, asyncRanks);
    try (DpuSet set = sys.allocate(plan.dpus())) {
      load(set, plan);
      return lib.gemm(set, plan, null, null, bLayout);
    }
  }

  /** The limits of a machine that plans are validated against. */
  public static DpuLimits limits(HardwareConfig hw) {
    return new DpuLimits(hw.totalDpus(), hw.mramBytes(), hw.wramBytes(), hw.iramInstructions(), hw.maxTasklets(),
        hw.dmaMinBytes(), hw.dmaMaxBytes(), hw.dmaAlignBytes());
  }

  // ---- running GEMMs ----

  /**
   * Allocates a DPU set for the plan, runs the GEMM, frees the set: what an unpooled PGEMMlib call costs.
   * ALLOC, LOAD and FREE are in the result next to the GEMM's own categories.
   */
  public GemmResult gemmStandalone(TilingPlan plan, Matrix a, Matrix b) {
    validate(plan);
    long mark = system.timeline().mark();
    GemmResult r;
    try (DpuSet set = system.allocate(plan.dpus())) {
      r = gemm(set, plan, a, b);
    }
    return result(r.plan(), r.c(), mark, r.bytesToDpus(), r.bytesFromDpus(), r.kernel());
  }

  /**
   * C = A x B on a DPU set of exactly plan.dpus() DPUs. In FUNCTIONAL mode A (row-major) and B (column-major,
   * or row-major: then transposed on the host and charged as HOST time) are required; in TIMING_ONLY they may
   * be null (then B is taken as column-major).
   */
  public GemmResult gemm(DpuSet dpus, TilingPlan plan, Matrix a, Matrix b) {
    return gemm(dpus, plan, a, b, b == null ? Layout.COL_MAJOR : b.layout());
  }

  /**
   * Like {@link #gemm(DpuSet, TilingPlan, Matrix, Matrix)}, stating B's layout, which matters when B is null
   * (TIMING_ONLY): a row-major B is transposed on the host, charged as HOST time.
   */
  public GemmResult gemm(DpuSet dpus, TilingPlan plan, Matrix a, Matrix b, Layout bLayout) {
    validate(plan);
    checkSet(dpus, plan);
    checkOperands(plan, a, b, true, true);
    checkLayout(b, bLayout);
    long mark = system.timeline().mark();
    ensureLoaded(dpus, GemmKernel.of(plan));
    long toDpus = pushB(dpus, plan, b, bLayout, asyncRanks);
    return runWithB(dpus, plan, a, mark, toDpus);
  }

  /** Places a constant B in the set's MRAM once; the returned handle serves any number of calls. */
  public ResidentB prepareResident(DpuSet dpus, TilingPlan plan, Matrix b) {
    return prepareResident(dpus, plan, b, b == null ? Layout.COL_MAJOR : b.layout());
  }

  /** Like {@link #prepareResident(DpuSet, TilingPlan, Matrix)}, stating B's layout (for a null B in TIMING_ONLY). */
  public ResidentB prepareResident(DpuSet dpus, TilingPlan plan, Matrix b, Layout bLayout) {
    validate(plan);
    checkSet(dpus, plan);
    checkOperands(plan, null, b, false, true);
    checkLayout(b, bLayout);
    long mark = system.timeline().mark();
    ensureLoaded(dpus, GemmKernel.of(plan));
    long toDpus = pushB(dpus, plan, b, bLayout, false);
    return new ResidentB(dpus, plan, since(mark), toDpus);
  }

  // ---- int8 activations x int4 weights ----

  /**
   * {@code C = sum_k A[k] * q[k] * m[k / G]} (int32, wrapping) for an int4 plan: A int8 row-major, B int4 weights
   * with group multipliers ({@link Int4Weights}), packed on the host into tile records and pushed like any B
   * (the packing, like every slice copy, is not charged). Bit-identical to {@link ReferenceGemm#multiplyInt4}.
   */
  public GemmResult gemmInt4(DpuSet dpus, TilingPlan plan, Matrix a, Int4Weights b) {
    validate(plan);
    checkSet(dpus, plan);
    checkInt4(plan, b);
    checkOperands(plan, a, null, true, false);
    long mark = system.timeline().mark();
    ensureLoaded(dpus, GemmKernel.of(plan));
    if (asyncRanks) {
      dpus.beginAsync(); // B's push is the first queued step, as in gemm
    }
    long toDpus = pushInt4(dpus, plan, b);
    return runWithB(dpus, plan, a, mark, toDpus);
  }

  /** Places constant int4 weights in the set's MRAM once; {@link #gemm(ResidentB, Matrix)} then moves A and C only. */
  public ResidentB prepareResidentInt4(DpuSet dpus, TilingPlan plan, Int4Weights b) {
    validate(plan);
    checkSet(dpus, plan);
    checkInt4(plan, b);
    long mark = system.timeline().mark();
    ensureLoaded(dpus, GemmKernel.of(plan));
    long toDpus = pushInt4(dpus, plan, b);
    return new ResidentB(dpus, plan, since(mark), toDpus);
  }

  private long pushInt4(DpuSet dpus, TilingPlan plan, Int4Weights b) {
    Partition f = plan.partition();
    TilingPlan.DpuSlice s = plan.slice();
    Int4Weights src = functional() ? b : null;
    return sendSlices(dpus, f, s.bOffset(), s.bBytes(), f.bSlices(), g -> (g[0] * f.fK() + g[2]) * f.fN() + g[3],
        src == null ? null : g -> Packing.packBInt4(src, plan, g[0], g[2], g[3]));
  }

  private void checkInt4(TilingPlan plan, Int4Weights b) {
    if (!plan.dtype().isInt4()) {
      throw new IllegalArgumentException("int4 weights need an int4 plan, got " + plan.dtype().cliName());
    }
    if (functional() && b == null) {
      throw new IllegalArgumentException("FUNCTIONAL mode needs the operand B; pass its data or use TIMING_ONLY");
    }
    GemmShape s = plan.shape();
    if (b != null && (b.dtype() != plan.dtype() || b.batch() != s.b() || b.k() != s.k() || b.n() != s.n())) {
      throw new IllegalArgumentException("B is " + b.dtype().cliName() + "[" + b.batch() + "][" + b.k() + "]["
          + b.n() + "] but the plan needs " + plan.dtype().cliName() + "[" + s.b() + "][" + s.k() + "][" + s.n() + "]");
    }
  }

  /** C = A x B with B resident: moves only A and C. A may have another M than the prepared plan. */
  public GemmResult gemm(ResidentB resident, Matrix a) {
    TilingPlan plan = resident.plan();
    if (a != null && a.rows() != plan.shape().m()) {
      plan = plan.withShape(plan.shape().withM(a.rows()));
    }
    return gemmResident(resident, plan, a);
  }

  /** Like {@link #gemm(ResidentB, Matrix)} for a given M without data (TIMING_ONLY). */
  public GemmResult gemm(ResidentB resident, int m, Matrix a) {
    return gemmResident(resident, resident.plan().withShape(resident.plan().shape().withM(m)), a);
  }

  private GemmResult gemmResident(ResidentB resident, TilingPlan plan, Matrix a) {
    PlanValidator.validateResidentCall(plan, limits(system.config()));
    checkSet(resident.dpus(), plan);
    checkOperands(plan, a, null, true, false);
    long mark = system.timeline().mark();
    ensureLoaded(resident.dpus(), GemmKernel.of(plan));
    return runWithB(resident.dpus(), plan, a, mark, 0);
  }

  // ---- uint8 activations x int8 weights with zero points (ONNX MatMulInteger) ----

  /**
   * {@code C = (A - zp.a) x (B - zp.b)} with A's bytes read as uint8 and B's as int8 (see
   * {@link ReferenceGemm#multiplyU8S8}). The plan is an ordinary {@link GemmDType#INT8} plan: the host flips A's
   * top bit (A - 128, now int8), the DPUs run the int8 kernel unchanged, and the host applies the zero-point
   * correction of {@link ZeroPointCorrection} to C. The host steps (flip + row sums of A, column sums of B,
   * correction of C) are charged as HOST time.
   */
  public GemmResult gemmU8S8(DpuSet dpus, TilingPlan plan, Matrix aU8, Matrix b, ZeroPoints zp) {
    requireInt8(plan, zp);
    long mark = system.timeline().mark();
    int[] colB = columnSums(plan, b);
    return correctedRun(plan, aU8, colB, zp, mark, a8 -> gemm(dpus, plan, a8, b));
  }

  /** Places a constant int8 B in MRAM once, with its column sums for the zero-point correction. */
  public ResidentU8S8 prepareResidentU8S8(DpuSet dpus, TilingPlan plan, Matrix b, ZeroPoints zp) {
    requireInt8(plan, zp);
    long mark = system.timeline().mark();
    ResidentB resident = prepareResident(dpus, plan, b);
    int[] colB = columnSums(plan, b);
    return new ResidentU8S8(resident, zp, colB, since(mark));
  }

  /** {@link #gemmU8S8} with B resident: moves only A and C. A may have another M than the prepared plan. */
  public GemmResult gemmU8S8(ResidentU8S8 resident, Matrix aU8) {
    TilingPlan plan = resident.b().plan();
    if (aU8 != null && aU8.rows() != plan.shape().m()) {
      plan = plan.withShape(plan.shape().withM(aU8.rows()));
    }
    long mark = system.timeline().mark();
    return correctedRun(plan, aU8, resident.columnSums(), resident.zeroPoints(), mark,
        a8 -> gemm(resident.b(), a8));
  }

  /**
   * {@link #gemmU8S8(ResidentU8S8, Matrix)} with this call's activation zero point instead of the prepared one:
   * dynamically quantized activations (ONNX DynamicQuantizeLinear) get a new zero point every run, while B and
   * its zero points stay resident. Only the host correction uses the activation zero point.
   */
  public GemmResult gemmU8S8(ResidentU8S8 resident, Matrix aU8, int aZeroPoint) {
    return gemmU8S8(resident.withActivationZeroPoint(aZeroPoint), aU8);
  }

  /** Like {@link #gemmU8S8(ResidentU8S8, Matrix)} for a given M without data (TIMING_ONLY). */
  public GemmResult gemmU8S8(ResidentU8S8 resident, int m) {
    TilingPlan plan = resident.b().plan().withShape(resident.b().plan().shape().withM(m));
    long mark = system.timeline().mark();
    return correctedRun(plan, null, resident.columnSums(), resident.zeroPoints(), mark,
        a8 -> gemm(resident.b(), m, null));
  }

  private GemmResult correctedRun(TilingPlan plan, Matrix aU8, int[] colB, ZeroPoints zp, long mark,
      Function<Matrix, GemmResult> int8Gemm) {
    GemmShape sh = plan.shape();
    zp.checkColumns(sh.n());
    boolean data = functional() && aU8 != null;
    Matrix a8 = data ? ZeroPointCorrection.toSigned(aU8) : null;
    int[] rowA = data ? ZeroPointCorrection.rowSums(a8) : null;
    GemmResult r = int8Gemm.apply(a8);
    system.timeline().charge(Category.HOST, "pgemm: uint8->int8 flip and row sums of A, zero-point correction of C",
        HostCosts.reduceSeconds(system.config(), ZeroPointCorrection.perCallBytes(sh)));
    if (r.c() != null && colB != null) {
      ZeroPointCorrection.correct(r.c(), sh.k(), rowA, colB, zp);
    }
    return result(r.plan(), r.c(), mark, r.bytesToDpus(), r.bytesFromDpus(), r.kernel());
  }

  /**
   * The HOST seconds {@link #gemmU8S8} adds to the int8 GEMM of a plan's shape, as it charges them: the flip and
   * row sums of A and the correction of C on every call, plus B's column sums unless B is resident (then they
   * were computed once by {@link #prepareResidentU8S8}). For cost models that do not run the simulator.
   */
  public static double zeroPointHostSeconds(GemmShape shape, HardwareConfig hw, boolean residentB) {
    double perCall = HostCosts.reduceSeconds(hw, ZeroPointCorrection.perCallBytes(shape));
    return residentB ? perCall : perCall + HostCosts.reduceSeconds(hw, ZeroPointCorrection.columnSumBytes(shape));
  }

  /** B's column sums (null without data), charged once as HOST time. */
  private int[] columnSums(TilingPlan plan, Matrix b) {
    system.timeline().charge(Category.HOST, "pgemm: column sums of B for the zero-point correction",
        HostCosts.reduceSeconds(system.config(), ZeroPointCorrection.columnSumBytes(plan.shape())));
    return functional() && b != null ? ZeroPointCorrection.colSums(b) : null;
  }

  private static void requireInt8(TilingPlan plan, ZeroPoints zp) {
    if (plan.dtype() != GemmDType.INT8) {
      throw new IllegalArgumentException("a uint8 x int8 GEMM with zero points runs an int8 plan, got "
          + plan.dtype().cliName());
    }
    zp.checkColumns(plan.shape().n());
  }

  // ---- the steps ----

  private GemmResult runWithB(DpuSet dpus, TilingPlan plan, Matrix a, long mark, long bytesSoFar) {
    if (asyncRanks && !dpus.queuing()) {
      dpus.beginAsync(); // (B,) A, arguments, launch and pull of C rank by rank; pullC syncs
    }
    long toDpus = bytesSoFar + pushA(dpus, plan, a);
    dpus.pushArgs(i -> GemmKernelArgs.of(plan));
    toDpus += (long) dpus.size() * KernelCost.ARGS_BYTES;
    LaunchResult launch = dpus.launch();
    Gathered g = pullC(dpus, plan);
    return result(plan, g.c(), mark, toDpus, g.bytes(), kernelStats(plan, launch));
  }

  /**
   * The call since the mark: its categories, and its elapsed time (their sum for a synchronous call, so the
   * figures stay exactly what they were; the timeline's elapsed time when ranks ran asynchronously).
   */
  private GemmResult result(TilingPlan plan, Matrix c, long mark, long toDpus, long fromDpus, KernelStats k) {
    Map<Category, Double> secs = since(mark);
    double sum = Category.sum(secs);
    double elapsed = asyncRanks ? Math.min(sum, system.timeline().totalSince(mark)) : sum;
    return new GemmResult(plan, c, secs, toDpus, fromDpus, plan.dpus(), k, elapsed);
  }

  /**
   * Transposes a row-major B on the host if needed (HOST time), then pushes or broadcasts its slices; with async,
   * queued rank by rank as the first step of an asynchronous call.
   */
  private long pushB(DpuSet dpus, TilingPlan plan, Matrix b, Layout bLayout, boolean async) {
    if (plan.dtype().isInt4()) {
      if (b != null) {
        throw new IllegalArgumentException("an int4 plan takes its B as Int4Weights (gemmInt4, prepareResidentInt4)");
      }
      if (async) {
        dpus.beginAsync();
      }
      return pushInt4(dpus, plan, null);
    }
    Partition f = plan.partition();
    TilingPlan.DpuSlice s = plan.slice();
    Matrix bCol = b;
    if (bLayout == Layout.ROW_MAJOR) {
      GemmShape sh = plan.shape();
      long bytes = HostCosts.bBytes(sh, plan.dtype());
      system.timeline().charge(Category.HOST, "pgemm: transpose B to column-major (" + bytes + " B)",
          HostCosts.transposeSeconds(system.config(), bytes));
      bCol = functional() && b != null ? b.toLayout(Layout.COL_MAJOR) : null;
    }
    if (async) {
      dpus.beginAsync();
    }
    Matrix src = functional() ? bCol : null;
    return sendSlices(dpus, f, s.bOffset(), s.bBytes(), f.bSlices(), g -> (g[0] * f.fK() + g[2]) * f.fN() + g[3],
        src == null ? null : g -> Packing.packB(src, plan, g[0], g[2], g[3]));
  }

  private long pushA(DpuSet dpus, TilingPlan plan, Matrix a) {
    Partition f = plan.partition();
    TilingPlan.DpuSlice s = plan.slice();
    Matrix src = functional() ? a : null;
    return sendSlices(dpus, f, s.aOffset(), s.aBytes(), f.aSlices(), g -> (g[0] * f.fM() + g[1]) * f.fK() + g[2],
        src == null ? null : g -> Packing.packA(src, plan, g[0], g[1], g[2]));
  }

  /**
   * Sends one operand's per-DPU slices and returns the bytes delivered: a broadcast when every DPU holds the
   * same slice, else a parallel push in which the DPUs of one slice (same key of their block (gb, gm, gk, gn))
   * share one packed buffer. pack is null without data (TIMING_ONLY).
   */
  private static long sendSlices(DpuSet dpus, Partition f, long offset, long bytes, int slices,
      ToIntFunction<int[]> keyOf, Function<int[], byte[]> pack) {
    int len = Math.toIntExact(bytes);
    if (slices == 1) {
      dpus.broadcast(offset, pack == null ? null : pack.apply(new int[4]), 0, len);
    } else {
      byte[][] cache = pack == null ? null : new byte[slices][];
      dpus.push(offset, len, pack == null ? null : d -> {
        int[] g = blockOf(f, d);
        int key = keyOf.applyAsInt(g);
        if (cache[key] == null) {
          cache[key] = pack.apply(g);
        }
        return cache[key];
      });
    }
    return (long) len * dpus.size();
  }

  private record Gathered(Matrix c, long bytes) {}

  /** Pulls every DPU's C block; with fK > 1 sums the K parts' partial blocks on the host (HOST time). */
  private Gathered pullC(DpuSet dpus, TilingPlan plan) {
    Partition f = plan.partition();
    TilingPlan.DpuSlice s = plan.slice();
    int len = Math.toIntExact(s.cBytes());
    GemmShape sh = plan.shape();
    byte[][] blocks = functional() ? new byte[dpus.size()][] : null;
    dpus.pull(s.cOffset(), len, blocks == null ? null : (bytes, d) -> blocks[d] = bytes);
    dpus.sync(); // the queued ranks (asynchronous call) finish before the host sums their partials
    if (f.fK() > 1) {
      long partialBytes = HostCosts.kPartialBytes(sh, plan.dtype(), f.fK());
      system.timeline().charge(Category.HOST, "pgemm: sum " + f.fK() + " K-partial C blocks (" + partialBytes + " B)",
          HostCosts.reduceSeconds(system.config(), partialBytes));
    }
    Matrix c = null;
    if (blocks != null) {
      c = Matrix.zeros(plan.dtype().outputType(), sh.b(), sh.m(), sh.n(), Layout.ROW_MAJOR);
      for (int gb = 0; gb < f.fB(); gb++) {
        for (int gm = 0; gm < f.fM(); gm++) {
          for (int gn = 0; gn < f.fN(); gn++) {
            for (int gk = 0; gk < f.fK(); gk++) {
              byte[] blk = blocks[f.dpuIndex(gb, gm, gk, gn)];
              Packing.unpackC(blk, plan, gb, gm, gn, c, gk > 0);
            }
          }
        }
      }
    }
    return new Gathered(c, (long) len * dpus.size());
  }

  /** (gb, gm, gk, gn) of DPU index d, the inverse of {@link Partition#dpuIndex}. */
  static int[] blockOf(Partition f, int d) {
    int gk = d % f.fK();
    int rest = d / f.fK();
    int gn = rest % f.fN();
    rest /= f.fN();
    int gm = rest % f.fM();
    int gb = rest / f.fM();
    return new int[] {gb, gm, gk, gn};
  }

  /** Loads the plan's kernel on a set (dpu_load, LOAD time) unless the set holds it already. */
  public static void load(DpuSet dpus, TilingPlan plan) {
    ensureLoaded(dpus, GemmKernel.of(plan));
  }

  /** dpu_load only if the set does not hold this kernel already (a pooled set keeps its program). */
  static void ensureLoaded(DpuSet dpus, DpuProgram program) {
    if (!program.equals(dpus.program())) {
      dpus.load(program);
    }
  }

  private KernelStats kernelStats(TilingPlan plan, LaunchResult launch) {
    HardwareConfig hw = system.config();
    TilingPlan.DpuSlice s = plan.slice();
    GemmDType t = plan.dtype();
    double softPerMac = KernelCost.softInstructionsPerMac(t, hw);
    double issueBound = s.macs() * (KernelCost.coreInstructionsPerMac(t) + softPerMac) / hw.pipeline().issuePerCycle();
    double mramBound = (s.aBytes() + s.bBytes() + s.cBytes()) * hw.dma().betaCyclesPerByte();
    Bound bound = issueBound >= mramBound ? Bound.INSTRUCTION_ISSUE : Bound.MRAM_BANDWIDTH;
    double boundCycles = Math.max(issueBound, mramBound);
    long cycles = launch.maxCycles();
    double secs = hw.seconds(cycles);
    double achieved = secs > 0 ? s.macs() / secs : 0;
    double boundRate = s.macs() / hw.seconds(boundCycles);
    double eff = cycles > 0 ? Math.min(1.0, boundCycles / cycles) : 0;
    return new KernelStats(cycles, secs, s.macs(), achieved, issueBound, mramBound, bound, boundRate, eff,
        launch.totalInstructions(), launch.totalDmaBytes(), launch.distinctTimings());
  }

  private Map<Category, Double> since(long mark) {
    Timeline tl = system.timeline();
    Map<Category, Double> m = new EnumMap<>(Category.class);
    for (Category c : Category.values()) {
      m.put(c, tl.totalSince(mark, c));
    }
    return m;
  }

  private boolean functional() {
    return system.mode() == Mode.FUNCTIONAL;
  }

  private void validate(TilingPlan plan) {
    PlanValidator.validate(plan, limits(system.config()));
  }

  private static void checkSet(DpuSet dpus, TilingPlan plan) {
    if (dpus.size() != plan.dpus()) {
      throw new IllegalArgumentException("the plan runs on " + plan.dpus() + " DPUs but the DPU set has "
          + dpus.size() + "; allocate a set of exactly " + plan.dpus() + " DPUs, or pass a pooled set's subset("
          + plan.dpus() + ") (keep the view: it remembers its loaded kernel)");
    }
  }

  private void checkOperands(TilingPlan plan, Matrix a, Matrix b, boolean needA, boolean needB) {
    GemmShape s = plan.shape();
    if (functional() && (needA && a == null || needB && b == null)) {
      throw new IllegalArgumentException("FUNCTIONAL mode needs the operand " + (needA && a == null ? "A" : "B")
          + "; pass its data or use TIMING_ONLY");
    }
    if (a != null) {
      expect("A", a, plan.dtype().aType(), s.b(), s.m(), s.k());
      if (a.layout() != Layout.ROW_MAJOR) {
        throw new IllegalArgumentException("A must be row-major (Layout.ROW_MAJOR)");
      }
    }
    if (b != null) {
      expect("B", b, plan.dtype(), s.b(), s.k(), s.n());
    }
  }

  private static void checkLayout(Matrix b, Layout bLayout) {
    if (b != null && b.layout() != bLayout) {
      throw new IllegalArgumentException("B is " + b.layout() + " but the call states " + bLayout);
    }
  }

  private static void expect(String name, Matrix x, GemmDType t, int batch, int rows, int cols) {
    if (x.type() != t || x.batch() != batch || x.rows() != rows || x.cols() != cols) {
      throw new IllegalArgumentException(name + " is " + x + " but the plan needs " + t.cliName() + "[" + batch + "]["
          + rows + "][" + cols + "]");
    }
  }
}
