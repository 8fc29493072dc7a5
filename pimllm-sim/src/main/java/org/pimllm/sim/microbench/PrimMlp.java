package org.pimllm.sim.microbench;

import org.pimllm.sim.DpuSet;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.sim.Mode;
import org.pimllm.sim.PimSystem;
import org.pimllm.sim.microbench.PrimSuite.HostTimer;
import org.pimllm.sim.microbench.PrimSuite.Times;

/**
 * PrIM's MLP: 3 layers of param x param int32 GEMV, rows split over the DPUs; PrIM's MLP DPU code is its GEMV
 * kernel ({@link GemvBench.Program}). Between layers the host pulls each DPU's outputs, concatenates them into
 * the next input vector and pushes it and the next layer's weights. PrIM's inputs are 0/1 matrices and
 * vectors, so every output is non-negative and the CPU reference's ReLU (mlp_host) is the identity on them.
 * The multiplies are priced by their operands (mostly zeros here, so __mulsi3 exits after one step), which
 * needs the data: MLP always runs FUNCTIONAL. CSV attribution (its .md, caveat 4): cpu_dpu holds all three
 * layers' weight pushes, inter_dpu the activation pulls and pushes, dpu_cpu the final pull.
 */
final class PrimMlp {
  private PrimMlp() {}

  static final int LAYERS = 3;

  static Times run(HardwareConfig cfg, int dpus, long param, Mode requested) {
    // Each multiply is priced by its operands (__mulsi3), and later layers' inputs are computed: always FUNCTIONAL.
    Mode mode = Mode.FUNCTIONAL;
    if (param > 1 << 15) {
      throw new IllegalArgumentException("MLP: --param " + param + " is too large (at most 32768)");
    }
    int m = (int) param;
    int nPad = m + (m % 2);
    PrimSuite.functionalLimit(mode, (long) m * m, "MLP");
    int chunks = m / dpus;
    int rest = m % dpus;
    int[] rows = new int[dpus];
    int[] prev = new int[dpus];
    int maxRows = 0;
    for (int i = 0; i < dpus; i++) {
      rows[i] = chunks + (i < rest ? 1 : 0);
      prev[i] = i < rest ? i * (chunks + 1) : rest * (chunks + 1) + (i - rest) * chunks;
      maxRows = Math.max(maxRows, rows[i] + rows[i] % 2);
    }
    if (maxRows == 0) {
      throw new IllegalArgumentException("MLP: --param " + m + " is less than --dpus " + dpus + "; every DPU needs a row");
    }
    int maxR = maxRows;
    long aBytes = (long) maxR * nPad * 4;
    PrimStream.checkMram(cfg, aBytes + 4L * nPad + 4L * maxR, "MLP");
    boolean f = mode == Mode.FUNCTIONAL;
    int[][] w = new int[LAYERS][];
    int[] b = new int[nPad];
    if (f) {
      for (int l = 0; l < LAYERS; l++) {
        w[l] = new int[m * m];
        for (int i = 0; i < m * m; i++) {
          w[l][i] = i % 100 < 98 ? 0 : (l + i) % 2;
        }
      }
      for (int i = 0; i < m; i++) {
        b[i] = i % 50 < 48 ? 0 : i % 2;
      }
    }
    PimSystem sys = new PimSystem(cfg, mode);
    HostTimer cpuDpu = new HostTimer(sys.timeline());
    HostTimer kernel = new HostTimer(sys.timeline());
    HostTimer inter = new HostTimer(sys.timeline());
    HostTimer dpuCpu = new HostTimer(sys.timeline());
    int[] c = new int[maxR * dpus];
    int[] input = b.clone();
    try (DpuSet set = sys.allocate(dpus)) {
      set.load(new GemvBench.Program(PrimSuite.TASKLETS, true));
      cpuDpu.start();
      set.pushArgs(d -> new GemvBench.Args(nPad, rows[d], maxR));
      pushWeights(set, w[0], m, nPad, prev, maxR, f);
      int[] vec = input;
      set.pushShared(aBytes, 4 * nPad, f ? PrimSuite.ints(vec, 0, nPad) : null); // one vector for every DPU
      cpuDpu.stop();
      kernel.start();
      set.launch();
      kernel.stop();
      for (int lay = 1; lay < LAYERS; lay++) {
        inter.start();
        set.pull(aBytes + 4L * nPad, 4 * maxR, f ? (bytes, d) -> System.arraycopy(PrimSuite.toInts(bytes), 0, c,
            d * maxR, maxR) : null);
        int[] next = new int[nPad];
        int k = 0;
        for (int d = 0; d < dpus && f; d++) {
          for (int j = 0; j < rows[d]; j++) {
            next[k++] = c[d * maxR + j]; // PrIM's host copies the outputs as they are (no ReLU on host or DPU)
          }
        }
        PrimSuite.hostLoop(sys, "gather the next input vector", 4L * maxR * dpus);
        set.pushShared(aBytes, 4 * nPad, f ? PrimSuite.ints(next, 0, nPad) : null);
        inter.stop();
        cpuDpu.start();
        pushWeights(set, w[lay], m, nPad, prev, maxR, f);
        cpuDpu.stop();
        kernel.start();
        set.launch();
        kernel.stop();
      }
      dpuCpu.start();
      set.pull(aBytes + 4L * nPad, 4 * maxR, f ? (bytes, d) -> System.arraycopy(PrimSuite.toInts(bytes), 0, c,
          d * maxR, maxR) : null);
      dpuCpu.stop();
    }
    if (f) {
      int[] x = b.clone();
      for (int l = 0; l < LAYERS; l++) {
        int[] y = new int[nPad];
        for (int r = 0; r < m; r++) {
          int acc = 0;
          for (int j = 0; j < m; j++) {
            acc += w[l][r * m + j] * x[j];
          }
          y[r] = Math.max(0, acc);
        }
        x = y;
      }
      boolean ok = true;
      for (int d = 0; d < dpus; d++) {
        for (int j = 0; j < rows[d]; j++) {
          ok &= c[d * maxR + j] == x[prev[d] + j];
        }
      }
      PrimSuite.check(ok, "MLP");
    }
    return new Times(kernel.ms(), cpuDpu.ms(), dpuCpu.ms(), inter.ms(), f);
  }

  /** A layer's weights: each DPU gets maxRows rows from its first row (rows past the matrix are zero). */
  private static void pushWeights(DpuSet set, int[] w, int m, int nPad, int[] prev, int maxR, boolean f) {
    set.push(0, maxR * nPad * 4, f ? d -> {
      int[] rowsOf = new int[maxR * nPad];
      for (int r = 0; r < maxR && prev[d] + r < m; r++) {
        System.arraycopy(w, (prev[d] + r) * m, rowsOf, r * nPad, m);
      }
      return PrimSuite.ints(rowsOf, 0, rowsOf.length);
    } : null);
  }
}
