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
 * PrIM's TS (matrix profile against one query, int32): the series is padded to a multiple of DPUs x 16 x m and
 * split evenly; the host copies the arguments serially DPU by DPU, then pushes the query, the slice (plus m
 * overlap), its window means and standard deviations. Each tasklet takes a contiguous run of windows, 64 at a
 * time (256-byte blocks): 64 x 64 dot products in WRAM, then the z-normalized distance of each window and the
 * running minimum. The host fetches every tasklet's minimum and reduces them inside its DPU-CPU timer.
 */
final class PrimTs {
  private PrimTs() {}

  static final int QUERY = 64;
  static final int BLOCK = 256;
  static final int PER_BLOCK = BLOCK / 4;
  static final int MAX_VAL = 127;
  /** Per 64-window block: loop control, address updates, the zeroing loop's overhead. */
  static final int BLOCK_INSTRUCTIONS = 20;

  /** dpu_arguments_t {ts_length, query_length, query_mean, query_std, slice_per_dpu, exclusion_zone, kernel}. */
  record Args(int tsLength, int queryMean, int queryStd, int slice, int firstWindow) implements DpuArgs {
    public int sizeBytes() {
      return 28;
    }
  }

  static final class Program extends PrimProgram {
    Program() {
      super("prim-ts", PrimSuite.TASKLETS, 700, true);
    }

    @Override
    public void run(Tasklet t) {
      Args a = t.args(Args.class);
      t.barrier();
      int slice = a.slice();
      int start = t.me() * (slice / t.nrTasklets());
      int end = Math.min(start + slice / t.nrTasklets() - 1, slice - QUERY);
      long tsBase = 4L * QUERY;
      long meanBase = tsBase + 4L * (slice + QUERY);
      long sigmaBase = meanBase + 4L * (slice + QUERY);
      WramBuffer ts = t.wramAlloc(BLOCK);
      WramBuffer tsAux = t.wramAlloc(BLOCK);
      WramBuffer query = t.wramAlloc(BLOCK);
      WramBuffer mean = t.wramAlloc(BLOCK);
      WramBuffer sigma = t.wramAlloc(BLOCK);
      int[] dot = new int[PER_BLOCK];
      WramBuffer results = t.wramShared("DPU_RESULTS", 16 * t.nrTasklets());
      int minDist = Integer.MAX_VALUE;
      int minIdx = 0;
      long meanAddr = meanBase + 4L * start;
      long sigmaAddr = sigmaBase + 4L * start;
      for (int i = start; i < end; i += PER_BLOCK) {
        java.util.Arrays.fill(dot, 0);
        t.compute(OpClass.LOAD_STORE, DType.INT32, PER_BLOCK);
        long tsAddr = tsBase + 4L * i;
        t.mramRead(tsAddr, ts, 0, BLOCK);
        t.mramRead(tsAddr + BLOCK, tsAux, 0, BLOCK);
        t.mramRead(0, query, 0, BLOCK);
        // TIMING_ONLY draws the values from PrIM's generator: the multiply's cost depends on them.
        int base = a.firstWindow() + i;
        for (int q = 0; q < PER_BLOCK; q++) {
          int b = t.functional() ? query.getInt(4 * q) : q % MAX_VAL;
          for (int j = 0; j < PER_BLOCK; j++) {
            int x = !t.functional() ? seriesValue(base + j + q, a.tsLength())
                : j + q < PER_BLOCK ? ts.getInt(4 * (j + q)) : tsAux.getInt(4 * (j + q - PER_BLOCK));
            dot[j] += x * b;
            t.mul32(x, b);
          }
        }
        // dot_product: 64 x 64 iterations of the (j + i) bound test, index, lw a, the multiply, lw/sw result,
        // j++ and the loop's compare-and-branch (vectorB[i] stays in a register across the inner loop).
        long inner = (long) PER_BLOCK * PER_BLOCK;
        t.compute(OpClass.LOAD_STORE, DType.INT32, 3 * inner);
        t.compute(OpClass.ADD, DType.INT32, 3 * inner);
        t.compute(OpClass.COMPARE, DType.INT32, 2 * inner);
        t.mramRead(meanAddr, mean, 0, BLOCK);
        t.mramRead(sigmaAddr, sigma, 0, BLOCK);
        meanAddr += BLOCK;
        sigmaAddr += BLOCK;
        for (int k = 0; k < PER_BLOCK; k++) {
          int mu = t.functional() ? mean.getInt(4 * k) : windowMean(base + k, a.tsLength());
          int sd = t.functional() ? sigma.getInt(4 * k) : windowSigma(base + k, a.tsLength());
          if (t.functional()) {
            int dist = distance(dot[k], mu, sd, a.queryMean(), a.queryStd());
            if (dist < minDist) {
              minDist = dist;
              minIdx = i + k;
            }
          }
          t.mul32(QUERY, mu);
          t.mul32(QUERY * mu, a.queryMean());
          t.mul32(sd, a.queryStd());
        }
        // distance: the 3 multiplies above, 1 division, subtractions, shift, 3 loads, compare-and-branch, loop.
        t.compute(OpClass.DIV, DType.INT32, PER_BLOCK);
        t.compute(OpClass.SUB, DType.INT32, 2L * PER_BLOCK);
        t.compute(OpClass.LOGIC, DType.INT32, PER_BLOCK);
        t.compute(OpClass.LOAD_STORE, DType.INT32, 3L * PER_BLOCK);
        t.compute(OpClass.COMPARE, DType.INT32, 2L * PER_BLOCK);
        t.compute(OpClass.ADD, DType.INT32, PER_BLOCK);
        t.instructions(BLOCK_INSTRUCTIONS);
      }
      if (t.functional()) {
        results.putInt(16 * t.me(), minDist);
        results.putInt(16 * t.me() + 4, minIdx);
      }
    }
  }

  /**
   * PrIM's distance in int32: 2 * (m - (dot - m * mean * qmean) / (sigma * qstd)). The last m - 1 windows of the
   * series have no statistics (PrIM leaves them 0 and divides by zero); they never count as the minimum here.
   */
  static int distance(int dot, int mean, int sigma, int qMean, int qStd) {
    if (sigma * qStd == 0) {
      return Integer.MAX_VALUE;
    }
    return 2 * (QUERY - (dot - QUERY * mean * qMean) / (sigma * qStd));
  }

  /** PrIM's series: tSeries[i] = i % 127 for i < n; the m elements after it are 0. */
  static int seriesValue(long i, long n) {
    return i < n ? (int) (i % MAX_VAL) : 0;
  }

  /** compute_ts_statistics' window mean (int32 of the double mean); 0 past the last full window. */
  static int windowMean(long w, long n) {
    if (w + QUERY > n) {
      return 0;
    }
    double s = 0;
    for (int j = 0; j < QUERY; j++) {
      s += seriesValue(w + j, n);
    }
    return (int) (s / QUERY);
  }

  /** PrIM's window sigma: it reads AMean before setting it (0), so it is the window's root mean square. */
  static int windowSigma(long w, long n) {
    if (w + QUERY > n) {
      return 0;
    }
    double sq = 0;
    for (int j = 0; j < QUERY; j++) {
      double v = seriesValue(w + j, n);
      sq += v * v;
    }
    return (int) Math.sqrt(sq / QUERY);
  }

  static Times run(HardwareConfig cfg, int dpus, long param, Mode mode) {
    long unit = (long) dpus * PrimSuite.TASKLETS * QUERY;
    long n = PrimSuite.roundUp(param, unit);
    PrimSuite.functionalLimit(mode, n, "TS");
    int slice = (int) (n / dpus);
    PrimStream.checkMram(cfg, 4L * QUERY + 12L * (slice + QUERY), "TS");
    boolean f = mode == Mode.FUNCTIONAL;
    int total = (int) n + QUERY;
    int[] series = new int[f ? total : 0];
    int[] means = new int[f ? total : 0];
    int[] sigmas = new int[f ? total : 0];
    int[] query = new int[QUERY];
    for (int i = 0; i < QUERY; i++) {
      query[i] = i % MAX_VAL;
    }
    double qm = 0;
    for (int v : query) {
      qm += v;
    }
    qm /= QUERY;
    double qv = 0;
    for (int v : query) {
      qv += (v - qm) * (v - qm);
    }
    int qMean = (int) qm;
    int qStd = (int) Math.sqrt(qv / QUERY);
    if (f) {
      for (int i = 0; i < total; i++) {
        series[i] = seriesValue(i, n);
        means[i] = windowMean(i, n);
        sigmas[i] = windowSigma(i, n);
      }
    }
    PimSystem sys = new PimSystem(cfg, mode);
    HostTimer cpuDpu = new HostTimer(sys.timeline());
    HostTimer kernel = new HostTimer(sys.timeline());
    HostTimer dpuCpu = new HostTimer(sys.timeline());
    int[] best = {Integer.MAX_VALUE};
    int len = 4 * (slice + QUERY);
    try (DpuSet set = sys.allocate(dpus)) {
      set.load(new Program());
      cpuDpu.start();
      for (int d = 0; d < dpus; d++) {
        set.copyArgsTo(d, new Args((int) n, qMean, qStd, slice, d * slice));
      }
      set.push(0, 4 * QUERY, f ? d -> PrimSuite.ints(query, 0, QUERY) : null);
      set.push(4L * QUERY, len, f ? d -> PrimSuite.ints(series, d * slice, slice + QUERY) : null);
      set.push(4L * QUERY + len, len, f ? d -> PrimSuite.ints(means, d * slice, slice + QUERY) : null);
      set.push(4L * QUERY + 2L * len, len, f ? d -> PrimSuite.ints(sigmas, d * slice, slice + QUERY) : null);
      cpuDpu.stop();
      kernel.start();
      set.launch();
      kernel.stop();
      dpuCpu.start();
      PrimStream.pullResults(set, 16, f ? (b, d) -> {
        int[] r = PrimSuite.toInts(b);
        for (int k = 0; k < PrimSuite.TASKLETS; k++) {
          if (r[4 * k] < best[0] && r[4 * k] > 0) {
            best[0] = r[4 * k];
          }
        }
      } : null);
      PrimSuite.hostLoop(sys, "minimum over tasklet results", 16L * PrimSuite.TASKLETS * dpus);
      dpuCpu.stop();
    }
    if (f) {
      // Reference: the same windows the tasklets cover, with the same int32 arithmetic.
      int ref = Integer.MAX_VALUE;
      int per = slice / PrimSuite.TASKLETS;
      for (int d = 0; d < dpus; d++) {
        for (int tk = 0; tk < PrimSuite.TASKLETS; tk++) {
          int start = tk * per;
          int end = Math.min(start + per - 1, slice - QUERY);
          int tMin = Integer.MAX_VALUE;
          for (int i = start; i < end; i += PER_BLOCK) {
            for (int k = 0; k < PER_BLOCK; k++) {
              int w = d * slice + i + k;
              int dot = 0;
              for (int j = 0; j < QUERY; j++) {
                dot += series[w + j] * query[j];
              }
              tMin = Math.min(tMin, distance(dot, means[w], sigmas[w], qMean, qStd));
            }
          }
          if (tMin < ref && tMin > 0) {
            ref = tMin;
          }
        }
      }
      PrimSuite.check(ref == best[0], "TS");
    }
    return new Times(kernel.ms(), cpuDpu.ms(), dpuCpu.ms(), 0, f);
  }
}
