package org.pimllm.sim.microbench;

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
 * PrIM's BS: a sorted int64 array (input[k] = k + 1) of param elements copied whole to every DPU, param / 8
 * queries (query q = q, padded to a multiple of DPUs x 16) split evenly; each tasklet searches its queries by
 * halving an MRAM address range, reading 256-byte blocks (BLOCK_SIZE) and scanning a block linearly once the
 * query is not below its first value. TIMING_ONLY follows the search path with PrIM's generator instead of MRAM.
 */
final class PrimBs {
  private PrimBs() {}

  static final int BLOCK = 256;
  static final int PER_BLOCK = BLOCK / 8;
  /** Per halving step: boundary updates, midpoint and mask, the two boundary checks and the loop test. */
  static final int STEP_INSTRUCTIONS = 12;
  /** Per query: query address update, boundary initialization. */
  static final int QUERY_INSTRUCTIONS = 10;

  /** dpu_arguments_t {input_size, slice_per_dpu, kernel}; firstQuery (not pushed) drives TIMING_ONLY. */
  record Args(long inputSize, long slicePerDpu, long firstQuery) implements DpuArgs {
    public int sizeBytes() {
      return 24;
    }
  }

  static final class Program extends PrimProgram {
    Program() {
      super("prim-bs", PrimSuite.TASKLETS, 600, true);
    }

    @Override
    public void run(Tasklet t) {
      Args a = t.args(Args.class);
      t.barrier();
      long end = 8 * a.inputSize();
      long perTasklet = a.slicePerDpu() / t.nrTasklets();
      long queryAddr = end + t.me() * perTasklet * 8;
      WramBuffer cacheA = t.wramAlloc(BLOCK);
      WramBuffer auxA = t.wramAlloc(BLOCK);
      WramBuffer auxB = t.wramAlloc(BLOCK);
      WramBuffer q = t.wramAlloc(8);
      WramBuffer results = t.wramShared("DPU_RESULTS", 8 * t.nrTasklets());
      for (long k = 0; k < perTasklet; k++) {
        t.mramRead(queryAddr, q, 0, 8);
        long query = t.functional() ? q.getLong(0) : a.firstQuery() + t.me() * perTasklet + k;
        queryAddr += 8;
        t.instructions(QUERY_INSTRUCTIONS);
        long start = 0;
        long stop = end;
        t.mramRead(0, auxA, 0, BLOCK);
        t.mramRead(Math.max(0, end - (long) BLOCK * 8), auxB, 0, BLOCK);
        long cur = ((start + stop) / 2) & ~7L;
        boolean done = false;
        while (!done) {
          t.mramRead(cur, cacheA, 0, BLOCK);
          long found = search(t, cacheA, cur, query);
          if (found > -1) {
            if (t.functional()) {
              results.putLong(8 * t.me(), found + cur / 8);
            }
            break;
          }
          if (found == -2) {
            stop = cur;
            cur = ((cur + start) / 2) & ~7L;
          } else {
            start = cur;
            cur = ((cur + stop) / 2) & ~7L;
          }
          t.instructions(STEP_INSTRUCTIONS);
          if (cur < BLOCK) {
            done = true;
            t.mramRead(cur, cacheA, 0, BLOCK);
            long f = search(t, cacheA, cur, query);
            if (f > -1 && t.functional()) {
              results.putLong(8 * t.me(), f + cur / 8);
            }
          }
          if (cur > stop - BLOCK) {
            done = true;
            t.mramRead(stop - BLOCK, cacheA, 0, BLOCK);
            long f = search(t, cacheA, stop - BLOCK, query);
            if (f > -1 && t.functional()) {
              results.putLong(8 * t.me(), f + cur / 8);
            }
          }
        }
      }
    }

    /** search(): -2 if the block starts above the query, else the index found or -1; charges the scan. */
    private static long search(Tasklet t, WramBuffer block, long addr, long query) {
      t.compute(OpClass.LOAD_STORE, DType.INT64, 1);
      t.compute(OpClass.COMPARE, DType.INT64, 1);
      if (value(t, block, addr, 0) > query) {
        return -2;
      }
      for (int i = 0; i < PER_BLOCK; i++) {
        // ld, 64-bit compare-and-branch, i++, loop test
        t.compute(OpClass.LOAD_STORE, DType.INT64, 1);
        t.compute(OpClass.COMPARE, DType.INT64, 1);
        t.compute(OpClass.ADD, DType.INT32, 1);
        t.compute(OpClass.COMPARE, DType.INT32, 1);
        if (value(t, block, addr, i) == query) {
          return i;
        }
      }
      return -1;
    }

    /** The i-th value of the block read at addr: from WRAM, or PrIM's generator input[k] = k + 1. */
    private static long value(Tasklet t, WramBuffer block, long addr, int i) {
      return t.functional() ? block.getLong(8 * i) : addr / 8 + i + 1;
    }
  }

  static Times run(HardwareConfig cfg, int dpus, long n, Mode mode) {
    PrimSuite.functionalLimit(mode, n, "BS");
    long queries = n / 8;
    long unit = (long) dpus * PrimSuite.TASKLETS;
    queries = PrimSuite.roundUp(Math.max(queries, 1), unit);
    long slice = queries / dpus;
    if (n < 2L * BLOCK) {
      throw new IllegalArgumentException("BS: --param " + n + " is below 2 blocks of " + PER_BLOCK + " elements");
    }
    PrimStream.checkMram(cfg, 8 * (n + slice), "BS");
    boolean f = mode == Mode.FUNCTIONAL;
    long[] input = null;
    long[] qs = null;
    if (f) {
      input = new long[(int) n];
      for (int i = 0; i < n; i++) {
        input[i] = i + 1;
      }
      qs = new long[(int) queries];
      for (int i = 0; i < queries; i++) {
        qs[i] = i;
      }
    }
    long[] in = input;
    long[] qv = qs;
    PimSystem sys = new PimSystem(cfg, mode);
    HostTimer cpuDpu = new HostTimer(sys.timeline());
    HostTimer kernel = new HostTimer(sys.timeline());
    HostTimer dpuCpu = new HostTimer(sys.timeline());
    long[] best = {-1};
    try (DpuSet set = sys.allocate(dpus)) {
      set.load(new Program());
      cpuDpu.start();
      set.pushArgs(d -> new Args(n, slice, d * slice));
      byte[] all = f ? PrimSuite.longs(in, 0, (int) n) : null;
      set.pushShared(0, (int) (8 * n), all); // PrIM prepares the same input buffer for every DPU
      set.push(8 * n, (int) (8 * slice), f ? d -> PrimSuite.longs(qv, (int) (d * slice), (int) slice) : null);
      cpuDpu.stop();
      kernel.start();
      set.launch();
      kernel.stop();
      dpuCpu.start();
      PrimStream.pullResults(set, 8, f ? (b, d) -> {
        for (long v : PrimSuite.toLongs(b)) {
          best[0] = Math.max(best[0], v);
        }
      } : null);
      PrimSuite.hostLoop(sys, "max of found indices", 8L * PrimSuite.TASKLETS * dpus);
      dpuCpu.stop();
    }
    if (f) {
      // Every query q >= 1 is at index q - 1; the largest query found gives the largest index (PrIM's check).
      long ref = Math.min(queries - 1, n) - 1;
      PrimSuite.check(best[0] == ref, "BS");
    }
    return new Times(kernel.ms(), cpuDpu.ms(), dpuCpu.ms(), 0, f);
  }
}
