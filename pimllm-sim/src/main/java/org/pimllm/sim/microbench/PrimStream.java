package org.pimllm.sim.microbench;

import java.util.Random;
import org.pimllm.sim.DType;
import org.pimllm.sim.DpuArgs;
import org.pimllm.sim.DpuSet;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.sim.Mode;
import org.pimllm.sim.OpClass;
import org.pimllm.sim.PimSystem;
import org.pimllm.sim.Tasklet;
import org.pimllm.sim.WramBuffer;
import org.pimllm.sim.microbench.PrimSuite.HostTimer;
import org.pimllm.sim.microbench.PrimSuite.Times;

/**
 * PrIM's streaming benchmarks over int64 arrays with 1,024-byte blocks (BL=10) taken round-robin by the
 * tasklets: RED (sum; VERSION=SINGLE: per-tasklet sums, a barrier, tasklet 0 adds them), SCAN-SSA (scan
 * kernel with a handshake chain of block carries, then add kernel), SCAN-RSS (reduce kernel, then scan
 * kernel), SEL (keep odd values; handshake chain of output offsets, output fetched serially DPU by DPU) and
 * UNI (drop consecutive duplicates; same shape as SEL plus a carried last value).
 *
 * <p>Instruction counts per element follow the loops of PrIM's task.c: REGS-long loops are fully unrolled
 * ({@code #pragma unroll}), so they have no loop overhead; RED's loop runs to a runtime size and has one.
 */
final class PrimStream {
  private PrimStream() {}

  static final int BLOCK = 1024;
  static final int REGS = BLOCK / 8;
  /** Per block: bound check, two address computations, call, loop test (as VaBench's block overhead). */
  static final int BLOCK_INSTRUCTIONS = 10;
  /** handshake_sync's own code around the SDK calls: loads/stores of message[], compares, the call. */
  static final int HANDSHAKE_INSTRUCTIONS = 8;
  /** Bytes of one tasklet's dpu_results_t (RED: t_count + cycles; SCAN, SEL: t_count; UNI: count, first, last). */
  static final int RED_RESULT = 16;
  static final int SCAN_RESULT = 8;
  static final int UNI_RESULT = 24;

  /** The benchmark a binary belongs to; SCAN-SSA and SCAN-RSS hold two kernels picked by Args.kernel. */
  enum Kind { RED, SCAN_SSA, SCAN_RSS, SEL, UNI }

  /**
   * dpu_arguments_t {size (bytes), kernel, t_count}; firstElement (the DPU's first global element) is not
   * pushed: TIMING_ONLY uses it with PrIM's input generator to follow data-dependent control flow.
   */
  record Args(int size, int kernel, long tCount, long firstElement) implements DpuArgs {
    public int sizeBytes() {
      return 16;
    }
  }

  /** PrIM's read_input for SEL (A[i] = i + 1, padding 0) and UNI (pairs: i even -> i, odd -> i + 1; pad = last). */
  static long selValue(long i, long n) {
    return i < n ? i + 1 : 0;
  }

  static long uniValue(long i, long n) {
    long j = Math.min(i, n - 1);
    return j % 2 == 0 ? j : j + 1;
  }

  static final class Program extends PrimProgram {
    final Kind kind;
    final long n; // total elements (for the TIMING_ONLY generator)

    Program(Kind kind, long n) {
      super("prim-" + kind.name().toLowerCase(java.util.Locale.ROOT), PrimSuite.TASKLETS, 1200, true);
      this.kind = kind;
      this.n = n;
    }

    @Override
    public void run(Tasklet t) {
      Args a = t.args(Args.class);
      t.barrier(); // after tasklet 0's mem_reset
      switch (kind) {
        case RED -> reduce(t, a);
        case SCAN_RSS -> {
          if (a.kernel() == 0) {
            reduce(t, a);
          } else {
            scan(t, a);
          }
        }
        case SCAN_SSA -> {
          if (a.kernel() == 0) {
            scan(t, a);
          } else {
            add(t, a);
          }
        }
        case SEL -> select(t, a, false);
        case UNI -> select(t, a, true);
      }
    }

    /** RED / SCAN-RSS kernel 1: per-tasklet sums over blocks, barrier, tasklet 0 sums the 16. */
    private void reduce(Tasklet t, Args a) {
      WramBuffer cache = t.wramAlloc(BLOCK);
      WramBuffer message = t.wramShared("message", 8 * t.nrTasklets());
      WramBuffer results = t.wramShared("DPU_RESULTS", RED_RESULT * t.nrTasklets());
      long sum = 0;
      for (long off = (long) t.me() * BLOCK; off < a.size(); off += (long) BLOCK * t.nrTasklets()) {
        int len = (int) Math.min(BLOCK, a.size() - off);
        t.mramRead(off, cache, 0, len);
        int count = len / 8;
        if (t.functional()) {
          for (int i = 0; i < count; i++) {
            sum += cache.getLong(8 * i);
          }
        }
        t.compute(OpClass.LOAD_STORE, DType.INT64, count);
        t.compute(OpClass.ADD, DType.INT64, count);
        if (kind == Kind.RED) {
          // RED's reduction() loops to a runtime size: index increment and compare-and-branch per element.
          t.compute(OpClass.ADD, DType.INT32, count);
          t.compute(OpClass.COMPARE, DType.INT32, count);
        }
        t.instructions(BLOCK_INSTRUCTIONS);
      }
      put(t, message, 8 * t.me(), sum);
      t.compute(OpClass.LOAD_STORE, DType.INT64, 1);
      t.barrier();
      if (t.me() == 0) {
        long total = 0;
        for (int i = 0; i < t.nrTasklets(); i++) {
          total += get(t, message, 8 * i);
        }
        put(t, results, 0, total);
        t.compute(OpClass.LOAD_STORE, DType.INT64, 2L * t.nrTasklets());
        t.compute(OpClass.ADD, DType.INT64, t.nrTasklets());
      }
    }

    /** SCAN kernel: scan a block, handshake the running sum along the tasklets, barrier, add carry, write. */
    private void scan(Tasklet t, Args a) {
      WramBuffer cacheA = t.wramAlloc(BLOCK);
      WramBuffer cacheB = t.wramAlloc(BLOCK);
      WramBuffer message = t.wramShared("message", 8 * t.nrTasklets());
      WramBuffer partial = t.wramShared("partial", 8);
      WramBuffer results = t.wramShared("DPU_RESULTS", SCAN_RESULT * t.nrTasklets());
      int last = t.nrTasklets() - 1;
      if (t.me() == last) {
        put(t, partial, 0, a.tCount());
      }
      t.barrier();
      long baseB = a.size();
      for (long off = (long) t.me() * BLOCK; off < a.size(); off += (long) BLOCK * t.nrTasklets()) {
        t.mramRead(off, cacheA, 0, BLOCK);
        long lCount = 0;
        if (t.functional()) {
          for (int i = 0; i < REGS; i++) {
            lCount += cacheA.getLong(8 * i);
            cacheB.putLong(8 * i, lCount);
          }
        }
        // unrolled scan: ld, add+addc, sd.
        t.compute(OpClass.LOAD_STORE, DType.INT64, 2L * REGS);
        t.compute(OpClass.ADD, DType.INT64, REGS);
        long pCount = handshake(t, message, lCount);
        t.barrier();
        long carry = get(t, partial, 0) + pCount;
        if (t.functional()) {
          for (int i = 0; i < REGS; i++) {
            cacheB.putLong(8 * i, cacheB.getLong(8 * i) + carry);
          }
        }
        addCost(t);
        t.mramWrite(cacheB, 0, baseB + off, BLOCK);
        if (t.me() == last) {
          put(t, partial, 0, carry + lCount);
          put(t, results, SCAN_RESULT * last, carry + lCount);
          t.compute(OpClass.ADD, DType.INT64, 2);
        }
        t.instructions(BLOCK_INSTRUCTIONS);
      }
    }

    /** SCAN-SSA kernel 2: add the DPU's carry (from the host) to every element of its scanned output. */
    private void add(Tasklet t, Args a) {
      WramBuffer cache = t.wramAlloc(BLOCK);
      long baseB = a.size();
      for (long off = (long) t.me() * BLOCK; off < a.size(); off += (long) BLOCK * t.nrTasklets()) {
        t.mramRead(baseB + off, cache, 0, BLOCK);
        if (t.functional()) {
          for (int i = 0; i < REGS; i++) {
            cache.putLong(8 * i, cache.getLong(8 * i) + a.tCount());
          }
        }
        addCost(t);
        t.mramWrite(cache, 0, baseB + off, BLOCK);
        t.instructions(BLOCK_INSTRUCTIONS);
      }
    }

    private static void addCost(Tasklet t) {
      // unrolled add: ld, add+addc, sd.
      t.compute(OpClass.LOAD_STORE, DType.INT64, 2L * REGS);
      t.compute(OpClass.ADD, DType.INT64, REGS);
    }

    /** handshake_sync: wait for the previous tasklet's prefix, pass ours + lCount on. Returns the prefix. */
    private static long handshake(Tasklet t, WramBuffer message, long lCount) {
      long p = 0;
      if (t.me() != 0) {
        t.handshakeWaitFor(t.me() - 1);
        p = get(t, message, 8 * t.me());
      }
      if (t.me() < t.nrTasklets() - 1) {
        put(t, message, 8 * (t.me() + 1), p + lCount);
        t.handshakeNotify();
      }
      t.instructions(HANDSHAKE_INSTRUCTIONS);
      return p;
    }

    /** SEL (unique = false) and UNI (unique = true): compact kept elements, handshake offsets, write them. */
    private void select(Tasklet t, Args a, boolean unique) {
      int stride = unique ? UNI_RESULT : SCAN_RESULT;
      WramBuffer cacheA = t.wramAlloc(BLOCK);
      WramBuffer cacheB = t.wramAlloc(BLOCK + 8); // UNI writes l_count elements from &cache_B[offset]
      WramBuffer message = t.wramShared("message", 8 * t.nrTasklets());
      WramBuffer lastValue = t.wramShared("last_value", 8 * t.nrTasklets());
      WramBuffer offsets = t.wramShared("offset", 8 * t.nrTasklets());
      WramBuffer partial = t.wramShared("partial", 16); // partial count, last value of the previous round
      WramBuffer results = t.wramShared("DPU_RESULTS", stride * t.nrTasklets());
      int last = t.nrTasklets() - 1;
      if (t.me() == last) {
        put(t, partial, 0, 0);
        put(t, partial, 8, 0xFFFFFFFFL); // UNI: a value not in the input
      }
      t.barrier();
      long baseB = a.size();
      int round = 0;
      for (long off = (long) t.me() * BLOCK; off < a.size(); off += (long) BLOCK * t.nrTasklets()) {
        t.mramRead(off, cacheA, 0, BLOCK);
        long first = a.firstElement() + off / 8;
        // TIMING_ONLY follows the data-dependent control flow with PrIM's input generator instead of MRAM.
        int kept = 0;
        long prev = 0;
        for (int i = 0; i < REGS; i++) {
          long v = t.functional() ? cacheA.getLong(8 * i) : unique ? uniValue(first + i, n) : selValue(first + i, n);
          boolean keep = unique ? i == 0 || v != prev : v % 2 != 0;
          if (keep) {
            put(t, cacheB, 8 * kept, v);
            kept++;
          }
          prev = v;
        }
        // unrolled: ld, test (SEL: and + branch on the low word; UNI: 64-bit compare-and-branch), and for kept
        // elements an indexed sd plus pos++.
        t.compute(OpClass.LOAD_STORE, DType.INT64, REGS + kept);
        if (unique) {
          t.compute(OpClass.COMPARE, DType.INT64, REGS);
        } else {
          t.compute(OpClass.LOGIC, DType.INT32, REGS);
          t.compute(OpClass.BRANCH, DType.INT32, REGS);
        }
        t.compute(OpClass.ADD, DType.INT32, 2L * kept);
        long firstOut = unique ? (t.functional() ? cacheB.getLong(0) : uniValue(first, n)) : 0;
        long lastOut = get(t, cacheB, 8 * Math.max(0, kept - 1));
        // handshake_sync: prefix count (UNI: also the previous block's last value and the running offset).
        long p = 0;
        long o = 0;
        int z = 0;
        if (t.me() != 0) {
          t.handshakeWaitFor(t.me() - 1);
          p = get(t, message, 8 * t.me());
          if (unique) {
            z = t.functional() ? (lastValue.getLong(8 * t.me()) == firstOut ? 1 : 0) : continuesPair(first, n);
            o = get(t, offsets, 8 * t.me());
          }
        } else if (unique) {
          z = t.functional() ? (partial.getLong(8) == firstOut ? 1 : 0) : continuesPair(first, n);
        }
        if (t.me() < last) {
          put(t, message, 8 * (t.me() + 1), p + kept);
          if (unique) {
            put(t, lastValue, 8 * (t.me() + 1), lastOut);
            put(t, offsets, 8 * (t.me() + 1), o + z);
          }
          t.handshakeNotify();
        }
        t.instructions(HANDSHAKE_INSTRUCTIONS + (unique ? 6 : 0));
        if (!unique) {
          t.barrier();
        }
        long base = get(t, partial, 0);
        long outIndex = unique ? base + p - o : base + p;
        if (kept > 0) {
          t.mramWrite(cacheB, unique ? 8 * z : 0, baseB + 8 * outIndex, 8 * kept);
        }
        if (unique && t.me() == 0 && round == 0) {
          put(t, results, 8, firstOut);
        }
        if (t.me() == last) {
          long count = unique ? base + p + kept - o - z : base + p + kept;
          put(t, partial, 0, count);
          put(t, results, stride * last, count);
          if (unique) {
            put(t, partial, 8, lastOut);
            put(t, results, stride * last + 16, lastOut);
          }
          t.instructions(6);
        }
        if (unique) {
          t.barrier();
        }
        t.instructions(BLOCK_INSTRUCTIONS);
        round++;
      }
    }
  }

  /** UNI in TIMING_ONLY: 1 when a block's first element repeats the element before it (PrIM's generator). */
  static int continuesPair(long first, long n) {
    return first > 0 && uniValue(first, n) == uniValue(first - 1, n) ? 1 : 0;
  }

  static long get(Tasklet t, WramBuffer b, int off) {
    return t.functional() ? b.getLong(off) : 0;
  }

  static void put(Tasklet t, WramBuffer b, int off, long v) {
    if (t.functional()) {
      b.putLong(off, v);
    }
  }

  // ---- hosts ----

  /** RED: -i param int64, strong scaling; sum. CSV dpu_cpu = PrIM's "Inter-DPU" timer (results + host sum). */
  static Times red(HardwareConfig cfg, int dpus, long n, Mode mode) {
    PrimSuite.functionalLimit(mode, n, "RED");
    long perDpu = PrimSuite.divCeil(n, dpus);
    long lastSize = n - perDpu * (dpus - 1);
    if (lastSize <= 0) {
      throw new IllegalArgumentException("RED: --param " + n + " leaves DPU " + (dpus - 1) + " no element; use fewer DPUs");
    }
    checkMram(cfg, perDpu * 8, "RED");
    boolean f = mode == Mode.FUNCTIONAL;
    long[] a = f ? randomLongs(n, 0) : null;
    PimSystem sys = new PimSystem(cfg, mode);
    HostTimer cpuDpu = new HostTimer(sys.timeline());
    HostTimer kernel = new HostTimer(sys.timeline());
    HostTimer inter = new HostTimer(sys.timeline());
    try (DpuSet set = sys.allocate(dpus)) {
      set.load(new Program(Kind.RED, n));
      cpuDpu.start();
      set.pushArgs(d -> new Args((int) (8 * (d == dpus - 1 ? lastSize : perDpu)), 0, 0, d * perDpu));
      set.push(0, (int) (perDpu * 8), f ? d -> PrimSuite.longs(a, (int) (d * perDpu), (int) perDpu) : null);
      cpuDpu.stop();
      kernel.start();
      set.launch();
      kernel.stop();
      inter.start();
      long[] sum = {0};
      pullResults(set, RED_RESULT, f ? (b, d) -> sum[0] += PrimSuite.toLongs(b)[0] : null);
      PrimSuite.hostLoop(sys, "sum per-DPU counts", 8L * dpus);
      inter.stop();
      if (f) {
        long ref = 0;
        for (long v : a) {
          ref += v;
        }
        PrimSuite.check(ref == sum[0], "RED");
      }
    }
    return new Times(kernel.ms(), cpuDpu.ms(), inter.ms(), 0, f);
  }

  /** SCAN-SSA: scan kernel, host scan of per-DPU totals + args push (Inter-DPU), add kernel, output pull. */
  static Times scanSsa(HardwareConfig cfg, int dpus, long n, Mode mode) {
    return scan(cfg, dpus, n, mode, false);
  }

  /** SCAN-RSS: reduce kernel, host scan + args push (Inter-DPU), scan kernel with the carry, output pull. */
  static Times scanRss(HardwareConfig cfg, int dpus, long n, Mode mode) {
    return scan(cfg, dpus, n, mode, true);
  }

  private static Times scan(HardwareConfig cfg, int dpus, long n, Mode mode, boolean rss) {
    String name = rss ? "SCAN-RSS" : "SCAN-SSA";
    PrimSuite.functionalLimit(mode, n, name);
    long perDpu = PrimSuite.roundUp(PrimSuite.divCeil(n, dpus), (long) PrimSuite.TASKLETS * REGS);
    checkMram(cfg, 2 * perDpu * 8, name);
    int bytes = (int) (perDpu * 8);
    boolean f = mode == Mode.FUNCTIONAL;
    long[] a = f ? randomLongs(n, 1) : null;
    PimSystem sys = new PimSystem(cfg, mode);
    HostTimer cpuDpu = new HostTimer(sys.timeline());
    HostTimer kernel = new HostTimer(sys.timeline());
    HostTimer inter = new HostTimer(sys.timeline());
    HostTimer dpuCpu = new HostTimer(sys.timeline());
    long[] out = f ? new long[(int) (perDpu * dpus)] : null;
    try (DpuSet set = sys.allocate(dpus)) {
      set.load(new Program(rss ? Kind.SCAN_RSS : Kind.SCAN_SSA, n));
      cpuDpu.start();
      set.pushArgs(d -> new Args(bytes, 0, 0, d * perDpu));
      set.push(0, bytes, f ? d -> PrimSuite.longs(a, (int) (d * perDpu), (int) perDpu) : null);
      cpuDpu.stop();
      kernel.start();
      set.launch();
      kernel.stop();
      inter.start();
      long[] totals = new long[dpus];
      // SCAN-RSS reads tasklet 0's t_count (the reduction), SCAN-SSA the last tasklet's (the scan's end).
      pullResults(set, SCAN_RESULT, f ? (b, d) -> totals[d] = PrimSuite.toLongs(b)[rss ? 0 : PrimSuite.TASKLETS - 1]
          : null);
      long[] prefix = new long[dpus];
      long acc = 0;
      for (int d = 0; d < dpus; d++) {
        prefix[d] = acc;
        acc += totals[d];
      }
      PrimSuite.hostLoop(sys, "scan per-DPU totals", 8L * dpus);
      // The second kernel is the binary's other entry (DPU_INPUT_ARGUMENTS.kernel = 1): no new load.
      set.pushArgs(d -> new Args(bytes, 1, prefix[d], d * perDpu));
      inter.stop();
      kernel.start();
      set.launch();
      kernel.stop();
      dpuCpu.start();
      set.pull(bytes, bytes, f ? (b, d) -> System.arraycopy(PrimSuite.toLongs(b), 0, out, (int) (d * perDpu),
          (int) perDpu) : null);
      dpuCpu.stop();
    }
    if (f) {
      long s = 0;
      boolean ok = true;
      for (int i = 0; i < n; i++) {
        s += a[i];
        ok &= out[i] == s;
      }
      PrimSuite.check(ok, name);
    }
    return new Times(kernel.ms(), cpuDpu.ms(), dpuCpu.ms(), inter.ms(), f);
  }

  /** SEL: keep odd values of A[i] = i + 1; results pulled in parallel, output fetched serially per DPU. */
  static Times sel(HardwareConfig cfg, int dpus, long n, Mode mode) {
    return compact(cfg, dpus, n, mode, false);
  }

  /** UNI: drop consecutive duplicates of PrIM's paired input; same host shape as SEL. */
  static Times uni(HardwareConfig cfg, int dpus, long n, Mode mode) {
    return compact(cfg, dpus, n, mode, true);
  }

  private static Times compact(HardwareConfig cfg, int dpus, long n, Mode mode, boolean unique) {
    String name = unique ? "UNI" : "SEL";
    PrimSuite.functionalLimit(mode, n, name);
    long perDpu = PrimSuite.roundUp(PrimSuite.divCeil(n, dpus), (long) PrimSuite.TASKLETS * REGS);
    checkMram(cfg, 2 * perDpu * 8 + 8, name);
    int bytes = (int) (perDpu * 8);
    boolean f = mode == Mode.FUNCTIONAL;
    long[] a = null;
    if (f) {
      a = new long[(int) (perDpu * dpus)];
      for (int i = 0; i < a.length; i++) {
        a[i] = unique ? uniValue(i, n) : selValue(i, n);
      }
    }
    long[] input = a;
    PimSystem sys = new PimSystem(cfg, mode);
    HostTimer cpuDpu = new HostTimer(sys.timeline());
    HostTimer kernel = new HostTimer(sys.timeline());
    HostTimer inter = new HostTimer(sys.timeline());
    HostTimer dpuCpu = new HostTimer(sys.timeline());
    java.util.List<Long> got = new java.util.ArrayList<>();
    try (DpuSet set = sys.allocate(dpus)) {
      set.load(new Program(unique ? Kind.UNI : Kind.SEL, n));
      cpuDpu.start();
      set.pushArgs(d -> new Args(bytes, 0, 0, d * perDpu));
      set.push(0, bytes, f ? d -> PrimSuite.longs(input, (int) (d * perDpu), (int) perDpu) : null);
      cpuDpu.stop();
      kernel.start();
      set.launch();
      kernel.stop();
      inter.start();
      long[] counts = new long[dpus];
      long[] firsts = new long[dpus];
      long[] lasts = new long[dpus];
      int resultBytes = unique ? UNI_RESULT : SCAN_RESULT;
      int words = resultBytes / 8;
      pullResults(set, resultBytes, f ? (b, d) -> {
        long[] r = PrimSuite.toLongs(b);
        counts[d] = r[words * (PrimSuite.TASKLETS - 1)];
        if (unique) {
          firsts[d] = r[1];
          lasts[d] = r[words * (PrimSuite.TASKLETS - 1) + 2];
        }
      } : null);
      if (!f) {
        // TIMING_ONLY: the per-DPU counts follow from PrIM's input generator (they size the serial copies).
        for (int d = 0; d < dpus; d++) {
          counts[d] = expectedCount(d * perDpu, perDpu, n, unique);
        }
      }
      PrimSuite.hostLoop(sys, "scan per-DPU counts", (long) resultBytes * dpus);
      inter.stop();
      dpuCpu.start();
      for (int d = 0; d < dpus; d++) {
        boolean dup = unique && d > 0 && f && firsts[d] == lasts[d - 1];
        long count = counts[d];
        int len = (int) (8 * count);
        if (len == 0) {
          continue;
        }
        byte[] dst = f ? new byte[len] : null;
        set.copyFrom(d, bytes, dst, 0, len);
        if (f) {
          long[] v = PrimSuite.toLongs(dst);
          for (int i = dup ? 1 : 0; i < v.length; i++) {
            got.add(v[i]);
          }
        }
      }
      dpuCpu.stop();
    }
    if (f) {
      java.util.List<Long> ref = new java.util.ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (unique ? i == 0 || input[i] != input[i - 1] : input[i] % 2 != 0) {
          ref.add(input[i]);
        }
      }
      PrimSuite.check(ref.equals(got), name);
    }
    return new Times(kernel.ms(), cpuDpu.ms(), inter.ms() + dpuCpu.ms(), 0, f);
  }

  /** Elements a DPU keeps, from PrIM's generator (SEL: odd values; UNI: per-DPU run starts). */
  static long expectedCount(long first, long count, long n, boolean unique) {
    long kept = 0;
    for (long i = first; i < first + count; i++) {
      if (unique) {
        kept += i == first || uniValue(i, n) != uniValue(i - 1, n) ? 1 : 0;
      } else {
        kept += selValue(i, n) % 2 != 0 ? 1 : 0;
      }
    }
    return kept;
  }

  /** The PARALLEL RETRIEVE of DPU_RESULTS: NR_TASKLETS structs per DPU. */
  static void pullResults(DpuSet set, int structBytes, java.util.function.ObjIntConsumer<byte[]> sink) {
    set.pullSymbol("DPU_RESULTS", PrimSuite.TASKLETS * structBytes, sink);
  }


  static void checkMram(HardwareConfig cfg, long bytes, String bench) {
    if (bytes > cfg.mramBytes()) {
      throw new IllegalArgumentException(bench + ": " + bytes + " B per DPU exceed the " + cfg.mramBytes()
          + " B MRAM; use more DPUs or a smaller --param");
    }
  }

  /** PrIM's rand()-filled int64 inputs (values below 2^31). */
  static long[] randomLongs(long n, long seed) {
    Random r = new Random(seed);
    long[] a = new long[(int) n];
    for (int i = 0; i < a.length; i++) {
      a[i] = r.nextInt(Integer.MAX_VALUE);
    }
    return a;
  }
}
