package org.pimllm.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntFunction;
import java.util.function.ObjIntConsumer;
import org.pimllm.sim.HostTransferModel.Direction;

/**
 * A set of allocated DPUs with the host-side operations of the UPMEM SDK: load, serial copies, parallel
 * push/pull, broadcast, argument push, launch (synchronous, or asynchronous per rank then sync) and free.
 * Every operation charges its simulated time to the system's {@link Timeline}.
 *
 * <p>DPU indices are 0..size()-1 within the set. Operations after an asynchronous launch first wait for it
 * (the SDK queues them behind the launch).
 */
public final class DpuSet implements AutoCloseable {
  private final PimSystem system;
  private final HardwareConfig cfg;
  private final int[] dpus; // global DPU index of each set index
  private final int[] ranks;
  private final DpuArgs[] args;
  /** FUNCTIONAL: each DPU's WRAM globals after the latest launch (host symbols such as DPU_RESULTS). */
  private final java.util.List<Map<String, WramBuffer>> symbols = new ArrayList<>();
  private DpuProgram program;
  /** TIMING_ONLY: timing of the loaded program per distinct args (null key = no args). */
  private final Map<Object, DpuTiming.Result> timingCache = new HashMap<>();
  private double pendingKernelEnd = -1;
  /** Operations queued rank by rank since {@link #beginAsync} (null when not queuing), with their bytes. */
  private List<RankPipeline.Op> queue;
  private List<Long> queueBytes;
  private double queueStart;
  private LaunchResult lastLaunch;
  private boolean closed;
  /** A view made by {@link #subset}: closing it frees nothing. */
  private final boolean view;

  private static final Object NO_ARGS = new Object();

  DpuSet(PimSystem system, int[] dpus, int[] ranks) {
    this(system, dpus, ranks, false);
  }

  private DpuSet(PimSystem system, int[] dpus, int[] ranks, boolean view) {
    this.view = view;
    this.system = system;
    this.cfg = system.config();
    this.dpus = dpus;
    this.ranks = ranks;
    this.args = new DpuArgs[dpus.length];
  }

  public int size() {
    return dpus.length;
  }

  /** Ranks this set holds (the unit of allocation and of parallel transfers). */
  public int nrRanks() {
    return ranks.length;
  }

  public PimSystem system() {
    return system;
  }

  /** The program loaded by {@link #load}, or null. */
  public DpuProgram program() {
    return program;
  }

  /** Result of the latest launch, or null. */
  public LaunchResult lastLaunch() {
    return lastLaunch;
  }

  /** dpu_load: checks that the program fits (tasklets, IRAM, stacks in WRAM) and charges LOAD per rank. */
  public void load(DpuProgram program) {
    ready();
    if (queue != null) {
      throw new IllegalStateException("dpu_load while operations are queued (beginAsync); sync() first");
    }
    Objects.requireNonNull(program, "program");
    String name = program.name();
    if (program.nrTasklets() < 1 || program.nrTasklets() > cfg.maxTasklets()) {
      throw new IllegalArgumentException("program " + name + " uses " + program.nrTasklets() + " tasklets; "
          + cfg.name() + " runs 1.." + cfg.maxTasklets() + " per DPU");
    }
    if (program.iramInstructions() < 1 || program.iramInstructions() > cfg.iramInstructions()) {
      throw new IllegalArgumentException("program " + name + " has " + program.iramInstructions()
          + " instructions; IRAM holds " + cfg.iramInstructions() + "; make the program smaller");
    }
    long stacks = (long) program.nrTasklets() * program.stackBytesPerTasklet();
    if (program.stackBytesPerTasklet() < 0 || stacks > cfg.wramBytes()) {
      throw new IllegalArgumentException("program " + name + ": " + program.nrTasklets() + " stacks of "
          + program.stackBytesPerTasklet() + " B exceed the " + cfg.wramBytes() + " B of WRAM; use fewer tasklets or smaller stacks");
    }
    this.program = program;
    timingCache.clear();
    system.timeline().charge(Category.LOAD, "load " + name + " on " + ranks.length + " ranks",
        system.costs().loadSeconds(ranks.length));
  }

  /** dpu_copy_to: length bytes of src to one DPU's MRAM (serial). src may be null in TIMING_ONLY. */
  public void copyTo(int dpu, long mramOffset, byte[] src, int srcOff, int length) {
    ready();
    checkDpu(dpu);
    checkRange("copyTo", mramOffset, length);
    if (functional()) {
      checkBuffer("copyTo", src, srcOff, length);
      system.mram(dpus[dpu]).write(mramOffset, src, srcOff, length);
    }
    system.timeline().charge(Category.H2D, "copy to DPU " + dpu + " " + length + " B",
        system.costs().serialSeconds(Direction.H2D, length), length);
  }

  /** dpu_copy_from: length bytes of one DPU's MRAM into dst (serial). dst may be null in TIMING_ONLY. */
  public void copyFrom(int dpu, long mramOffset, byte[] dst, int dstOff, int length) {
    ready();
    checkDpu(dpu);
    checkRange("copyFrom", mramOffset, length);
    if (functional()) {
      checkBuffer("copyFrom", dst, dstOff, length);
      system.mram(dpus[dpu]).read(mramOffset, dst, dstOff, length);
    }
    system.timeline().charge(Category.D2H, "copy from DPU " + dpu + " " + length + " B",
        system.costs().serialSeconds(Direction.D2H, length), length);
  }

  /** dpu_broadcast_to: the same bytes to every DPU of the set. src may be null in TIMING_ONLY. */
  public void broadcast(long mramOffset, byte[] src, int srcOff, int length) {
    ready();
    checkRange("broadcast", mramOffset, length);
    if (functional()) {
      checkBuffer("broadcast", src, srcOff, length);
      for (int d : dpus) {
        system.mram(d).write(mramOffset, src, srcOff, length);
      }
    }
    String label = "broadcast " + length + " B to " + dpus.length + " DPUs";
    if (queue != null) {
      enqueue(new RankPipeline.Transfer(HostTransferModel.Kind.BROADCAST, Direction.H2D, length, label), (long) length * dpus.length);
      return;
    }
    system.timeline().charge(Category.H2D, label,
        system.costs().broadcastSeconds(dpus.length, ranks.length, length), (long) length * dpus.length);
  }

  /**
   * dpu_prepare_xfer + dpu_push_xfer(TO_DPU): lengthPerDpu bytes to each DPU; every buffer must have exactly
   * that length. In TIMING_ONLY nothing is stored and dataOfDpu is not called (it may be null).
   */
  public void push(long mramOffset, int lengthPerDpu, IntFunction<byte[]> dataOfDpu) {
    ready();
    checkRange("push", mramOffset, lengthPerDpu);
    if (functional()) {
      Objects.requireNonNull(dataOfDpu, "push needs the data of each DPU in FUNCTIONAL mode");
      for (int i = 0; i < dpus.length; i++) {
        byte[] b = dataOfDpu.apply(i);
        if (b == null || b.length != lengthPerDpu) {
          throw new IllegalArgumentException("push: DPU " + i + "'s buffer has "
              + (b == null ? "no data" : b.length + " bytes") + " but the transfer length is " + lengthPerDpu
              + "; a parallel transfer moves one length to every DPU (pad the buffers)");
        }
        system.mram(dpus[i]).write(mramOffset, b, 0, lengthPerDpu);
      }
    }
    chargeParallel(Direction.H2D, "push " + dpus.length + " DPUs x " + lengthPerDpu + " B", lengthPerDpu);
  }

  /**
   * dpu_prepare_xfer of the same host buffer for every DPU + dpu_push_xfer(TO_DPU) (PrIM's BS hands every DPU the
   * whole array): each line the SDK writes reads one host word for all chips, and the one buffer's bytes decide
   * the last-level-cache share ({@link HostTransferModel#sharedPushSeconds}). data may be null in TIMING_ONLY.
   */
  public void pushShared(long mramOffset, int lengthPerDpu, byte[] data) {
    ready();
    requireSynchronous("pushShared");
    checkRange("pushShared", mramOffset, lengthPerDpu);
    if (functional()) {
      checkBuffer("pushShared", data, 0, lengthPerDpu);
      for (int d : dpus) {
        system.mram(d).write(mramOffset, data, 0, lengthPerDpu);
      }
    }
    system.timeline().charge(Category.H2D, "push (one buffer) " + dpus.length + " DPUs x " + lengthPerDpu + " B",
        system.costs().sharedPushSeconds(dpus.length, ranks.length, lengthPerDpu),
        (long) lengthPerDpu * dpus.length);
  }

  /**
   * dpu_push_xfer(FROM_DPU): lengthPerDpu bytes from each DPU, handed to the sink as (bytes, dpuIndex) in
   * FUNCTIONAL mode, each in a new array the sink may keep. In TIMING_ONLY the sink is not called (it may be null).
   */
  public void pull(long mramOffset, int lengthPerDpu, ObjIntConsumer<byte[]> sinkOfDpu) {
    ready();
    checkRange("pull", mramOffset, lengthPerDpu);
    if (functional()) {
      Objects.requireNonNull(sinkOfDpu, "pull needs a sink in FUNCTIONAL mode");
      for (int i = 0; i < dpus.length; i++) {
        byte[] b = new byte[lengthPerDpu];
        system.mram(dpus[i]).read(mramOffset, b, 0, lengthPerDpu);
        sinkOfDpu.accept(b, i);
      }
    }
    chargeParallel(Direction.D2H, "pull " + dpus.length + " DPUs x " + lengthPerDpu + " B", lengthPerDpu);
  }

  /**
   * dpu_push_xfer(FROM_DPU) of a WRAM host symbol (a {@link Tasklet#wramShared} global of the latest launch,
   * such as PrIM's DPU_RESULTS): lengthPerDpu bytes from each DPU, charged as a WRAM pull
   * ({@link HostTransferModel#wramPullSeconds}). Bytes past the
   * symbol's size read as zero. In TIMING_ONLY the sink is not called (it may be null).
   */
  public void pullSymbol(String symbol, int lengthPerDpu, ObjIntConsumer<byte[]> sinkOfDpu) {
    ready();
    requireSynchronous("pullSymbol");
    Objects.requireNonNull(symbol, "symbol");
    checkRange("pullSymbol", 0, lengthPerDpu);
    if (lengthPerDpu > cfg.wramBytes()) {
      throw new IllegalArgumentException("pullSymbol: " + lengthPerDpu + " B exceed the " + cfg.wramBytes() + " B WRAM");
    }
    if (functional()) {
      Objects.requireNonNull(sinkOfDpu, "pullSymbol needs a sink in FUNCTIONAL mode");
      for (int i = 0; i < dpus.length; i++) {
        WramBuffer b = i < symbols.size() ? symbols.get(i).get(symbol) : null;
        if (b == null) {
          throw new IllegalStateException("pullSymbol: DPU " + i + " has no WRAM symbol '" + symbol
              + "' (launch a program that allocates it with wramShared first)");
        }
        byte[] out = new byte[lengthPerDpu];
        System.arraycopy(b.array(), 0, out, 0, Math.min(lengthPerDpu, b.size()));
        sinkOfDpu.accept(out, i);
      }
    }
    system.timeline().charge(Category.D2H, "pull " + symbol + " " + dpus.length + " DPUs x " + lengthPerDpu + " B",
        system.costs().wramPullSeconds(dpus.length, ranks.length, lengthPerDpu),
        (long) lengthPerDpu * dpus.length);
  }

  /**
   * Pushes per-DPU kernel arguments (a WRAM host symbol), charged as one parallel push of the largest
   * argument size rounded up to the DMA alignment. argsOfDpu may return null for DPUs that get none.
   */
  public void pushArgs(IntFunction<? extends DpuArgs> argsOfDpu) {
    ready();
    Objects.requireNonNull(argsOfDpu, "argsOfDpu");
    int maxBytes = 0;
    for (int i = 0; i < dpus.length; i++) {
      DpuArgs a = argsOfDpu.apply(i);
      args[i] = a;
      if (a != null) {
        if (a.sizeBytes() < 0 || a.sizeBytes() > cfg.wramBytes()) {
          throw new IllegalArgumentException("pushArgs: DPU " + i + "'s args claim " + a.sizeBytes()
              + " bytes; a WRAM symbol holds 0.." + cfg.wramBytes());
        }
        maxBytes = Math.max(maxBytes, a.sizeBytes());
      }
    }
    int length = Math.max(cfg.dmaAlignBytes(), cfg.dmaAligned(maxBytes));
    chargeParallel(Direction.H2D, "push args " + dpus.length + " DPUs x " + length + " B", length);
  }

  /**
   * dpu_copy_to of a WRAM argument symbol to one DPU (serial): sets that DPU's arguments like {@link #pushArgs},
   * charged as one serial copy of the arguments' size rounded up to the DMA alignment.
   */
  public void copyArgsTo(int dpu, DpuArgs a) {
    ready();
    checkDpu(dpu);
    Objects.requireNonNull(a, "args");
    if (a.sizeBytes() < 0 || a.sizeBytes() > cfg.wramBytes()) {
      throw new IllegalArgumentException("copyArgsTo: DPU " + dpu + "'s args claim " + a.sizeBytes()
          + " bytes; a WRAM symbol holds 0.." + cfg.wramBytes());
    }
    args[dpu] = a;
    int length = Math.max(cfg.dmaAlignBytes(), cfg.dmaAligned(a.sizeBytes()));
    system.timeline().charge(Category.H2D, "copy args to DPU " + dpu + " " + length + " B",
        system.costs().serialSeconds(Direction.H2D, length), length);
  }

  /** Synchronous dpu_launch: runs the program on every DPU; KERNEL time is the slowest DPU. */
  public LaunchResult launch() {
    LaunchResult r = startLaunch(false);
    return r;
  }

  /** dpu_launch(DPU_ASYNCHRONOUS): every rank starts; the host continues until {@link #sync()}. */
  public void launchAsync() {
    startLaunch(true);
  }

  /**
   * Starts queuing this set's operations rank by rank, as the SDK's {@code DPU_XFER_ASYNC} transfers and
   * {@code DPU_ASYNCHRONOUS} launch do: until {@link #sync()}, push, broadcast, pushArgs, launch and pull only
   * charge the host thread's call time (the data moves at once in FUNCTIONAL mode, in program order); at sync every
   * rank runs the queued operations in order on its own ({@link RankPipeline}), so transfers of one rank overlap
   * kernels of another, and the host clock moves to the last rank's end.
   */
  public void beginAsync() {
    ready();
    if (queue != null) {
      throw new IllegalStateException("operations are already queued (beginAsync); sync() first");
    }
    queue = new ArrayList<>();
    queueBytes = new ArrayList<>();
    queueStart = system.timeline().now();
  }

  /** True between {@link #beginAsync} and {@link #sync}. */
  public boolean queuing() {
    return queue != null;
  }

  /** WRAM-symbol pulls and one-buffer pushes have no per-rank pipeline model: they run between syncs only. */
  private void requireSynchronous(String op) {
    if (queue != null) {
      throw new IllegalStateException(op + " runs synchronously only; sync() the asynchronous operations first");
    }
  }

  /**
   * dpu_sync: runs the operations queued since {@link #beginAsync} and waits for them, or waits for an
   * asynchronous launch (no-op if nothing is pending).
   */
  public void sync() {
    if (closed) {
      throw new IllegalStateException("DpuSet is closed (freed); allocate a new one");
    }
    if (queue != null) {
      runQueue();
    }
    if (pendingKernelEnd >= 0) {
      system.timeline().waitUntil(pendingKernelEnd);
      pendingKernelEnd = -1;
    }
  }

  /**
   * The first {@code nrDpus} DPUs of this set as a set of their own, without allocating: what a pooled runtime
   * hands a call that needs fewer DPUs than the pool holds. The view shares the DPUs' MRAM, holds the ranks of
   * its DPUs for transfer costs, and keeps its own loaded program (loading on a view charges LOAD for its
   * ranks). Closing a view frees nothing; the set it came from stays the owner.
   */
  public DpuSet subset(int nrDpus) {
    ready();
    if (nrDpus < 1 || nrDpus > dpus.length) {
      throw new IllegalArgumentException("a subset of this set of " + dpus.length + " DPUs must have 1.."
          + dpus.length + " DPUs, got " + nrDpus);
    }
    int[] sub = java.util.Arrays.copyOf(dpus, nrDpus);
    int[] subRanks = java.util.Arrays.stream(sub).map(system::rankOf).distinct().toArray();
    return new DpuSet(system, sub, subRanks, true);
  }

  /** dpu_free: releases the ranks (MRAM contents are dropped) and charges FREE per rank; a {@link #subset} view frees nothing. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    sync();
    closed = true;
    if (view) {
      return;
    }
    system.release(ranks, dpus);
    system.timeline().charge(Category.FREE, "free " + dpus.length + " DPUs (" + ranks.length + " ranks)",
        system.costs().freeSeconds(ranks.length));
  }

  private LaunchResult startLaunch(boolean async) {
    ready();
    if (program == null) {
      throw new IllegalStateException("no program loaded on this DpuSet; call load(program) before launch");
    }
    LaunchResult r = runKernels();
    lastLaunch = r;
    Timeline tl = system.timeline();
    String kernelLabel = program.name() + " on " + dpus.length + " DPUs (" + r.maxCycles() + " cycles)";
    if (queue != null) {
      enqueue(new RankPipeline.Launch(r.seconds(), kernelLabel), r.totalDmaBytes());
      return r;
    }
    tl.charge(Category.LAUNCH, "launch " + program.name() + " on " + ranks.length + " ranks",
        system.costs().launchSeconds(ranks.length));
    if (async) {
      tl.recordAsync(Category.KERNEL, kernelLabel, r.seconds(), r.totalDmaBytes());
      pendingKernelEnd = tl.now() + r.seconds();
    } else {
      tl.charge(Category.KERNEL, kernelLabel, r.seconds(), r.totalDmaBytes());
    }
    return r;
  }

  /** Runs the program on every DPU (FUNCTIONAL) or once per distinct args (TIMING_ONLY). */
  private LaunchResult runKernels() {
    boolean functional = functional();
    double maxCycles = 0;
    double minCycles = Double.POSITIVE_INFINITY;
    double instructions = 0;
    long dmaBytes = 0;
    double timed = 0;
    int computed = 0;
    Map<Object, DpuTiming.Result> shared = functional ? null : timingCache;
    for (int i = 0; i < dpus.length; i++) {
      DpuTiming.Result res;
      Object key = args[i] == null ? NO_ARGS : args[i];
      res = shared == null ? null : shared.get(key);
      if (res == null) {
        Mram mram = functional ? system.mram(dpus[i]) : null;
        DpuExecution exec = new DpuExecution(program, cfg, i, args[i], mram, functional);
        Trace[] traces = exec.run();
        if (functional) {
          while (symbols.size() <= i) {
            symbols.add(Map.of());
          }
          symbols.set(i, exec.sharedBuffers());
        }
        res = system.timing().simulate(traces);
        computed++;
        if (shared != null) {
          shared.put(key, res);
        }
      }
      maxCycles = Math.max(maxCycles, res.cycles());
      minCycles = Math.min(minCycles, res.cycles());
      instructions += res.instructions();
      dmaBytes += res.dmaBytes();
      timed = Math.max(timed, res.timedCycles());
    }
    long max = (long) Math.ceil(maxCycles - 1e-9);
    return new LaunchResult(max, cfg.seconds(max), Math.round(instructions), dmaBytes,
        (long) Math.ceil(minCycles - 1e-9), dpus.length, computed, (long) Math.ceil(timed - 1e-9));
  }

  private boolean functional() {
    return system.mode() == Mode.FUNCTIONAL;
  }

  /**
   * Common precondition of host operations: the set is open and any asynchronous launch has finished. While
   * operations are queued ({@link #beginAsync}) they stay queued: the next one goes behind them on every rank.
   */
  private void ready() {
    if (closed) {
      throw new IllegalStateException("DpuSet is closed (freed); allocate a new one");
    }
    if (queue == null) {
      sync();
    }
  }

  /** A parallel push or pull: charged now, or queued rank by rank after beginAsync. */
  private void chargeParallel(Direction dir, String label, long lengthPerDpu) {
    long bytes = lengthPerDpu * dpus.length;
    if (queue != null) {
      enqueue(new RankPipeline.Transfer(HostTransferModel.Kind.PARALLEL, dir, lengthPerDpu, label), bytes);
      return;
    }
    system.timeline().charge(dir == Direction.H2D ? Category.H2D : Category.D2H, label,
        system.costs().parallelSeconds(dir, dpus.length, ranks.length, lengthPerDpu), bytes);
  }

  /** Queues an operation: the host thread pays its call time now (charged to the operation's category). */
  private void enqueue(RankPipeline.Op op, long bytes) {
    RankPipeline pipe = system.rankPipeline();
    Category c = op instanceof RankPipeline.Transfer t ? t.category() : Category.LAUNCH;
    system.timeline().charge(c, "issue " + op.label() + " (async, per rank)", pipe.issueSeconds(op, ranks.length));
    queue.add(op);
    queueBytes.add(bytes);
  }

  /**
   * Schedules the queued operations rank by rank and records them: a run of consecutive transfers of one
   * direction as one event from its first rank's start to its last rank's end; a launch as its fixed part and its
   * kernel on the first rank to start (the kernel until the last rank's end if nothing follows it).
   */
  private void runQueue() {
    List<RankPipeline.Op> ops = queue;
    List<Long> bytes = queueBytes;
    queue = null;
    queueBytes = null;
    RankPipeline.Schedule s = system.rankPipeline().run(dpus.length, ranks.length, ops);
    Timeline tl = system.timeline();
    double t0 = queueStart;
    int i = 0;
    while (i < ops.size()) {
      RankPipeline.OpTimes first = s.ops().get(i);
      if (first.op() instanceof RankPipeline.Launch l) {
        double st = first.firstStart();
        tl.recordAt(Category.LAUNCH, "launch " + (program == null ? "" : program.name()) + " on " + ranks.length
            + " ranks (async, per rank)", t0 + st, s.launchSeconds(), 0);
        double kernelEnd = i == ops.size() - 1 ? first.lastEnd() : st + s.launchSeconds() + l.kernelSeconds();
        tl.recordAt(Category.KERNEL, l.label(), t0 + st + s.launchSeconds(), kernelEnd - st - s.launchSeconds(), bytes.get(i));
        i++;
        continue;
      }
      RankPipeline.Transfer t = (RankPipeline.Transfer) first.op();
      double st = first.firstStart();
      double en = first.lastEnd();
      long b = 0;
      StringBuilder label = new StringBuilder();
      int j = i;
      while (j < ops.size() && ops.get(j) instanceof RankPipeline.Transfer u && u.dir() == t.dir()) {
        st = Math.min(st, s.ops().get(j).firstStart());
        en = Math.max(en, s.ops().get(j).lastEnd());
        b += bytes.get(j);
        label.append(label.isEmpty() ? "" : " + ").append(u.label());
        j++;
      }
      tl.recordAt(t.category(), label + " (async, per rank)", t0 + st, en - st, b);
      i = j;
    }
    tl.waitUntil(t0 + s.endSeconds());
  }

  private void checkDpu(int dpu) {
    if (dpu < 0 || dpu >= dpus.length) {
      throw new IllegalArgumentException("DPU index " + dpu + " is outside this set of " + dpus.length + " DPUs");
    }
  }

  private void checkRange(String op, long mramOffset, long length) {
    int align = cfg.dmaAlignBytes();
    if (length <= 0 || length % align != 0) {
      throw new IllegalArgumentException(op + ": length " + length + " must be a positive multiple of " + align
          + " bytes; pad the buffer");
    }
    if (mramOffset < 0 || mramOffset % align != 0) {
      throw new IllegalArgumentException(op + ": MRAM offset " + mramOffset + " must be >= 0 and " + align + "-byte aligned");
    }
    if (mramOffset + length > cfg.mramBytes()) {
      throw new IllegalArgumentException(op + ": bytes " + mramOffset + ".." + (mramOffset + length)
          + " exceed the " + cfg.mramBytes() + " B MRAM of a DPU");
    }
  }

  private static void checkBuffer(String op, byte[] buf, int off, int length) {
    if (buf == null) {
      throw new IllegalArgumentException(op + ": the host buffer is null (only allowed in TIMING_ONLY mode)");
    }
    if (off < 0 || off + length > buf.length) {
      throw new IllegalArgumentException(op + ": bytes " + off + ".." + (off + length) + " are outside the host buffer of "
          + buf.length + " bytes");
    }
  }
}
