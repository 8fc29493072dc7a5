package org.pimllm.sim.microbench;

import java.util.ArrayList;
import java.util.List;
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
 * PrIM's TRNS: in-place transposition of an (M_ m) x (N_ n) int64 matrix, N_ = 64 column tiles of width n = 8,
 * m = 4, M_ = param. Each DPU takes one column tile per round (64 / DPUs rounds). Step 1 (host, the CSV's
 * cpu_dpu): the tile's M_ m rows, one parallel push of n elements per row. Step 2 (kernel 0): every tasklet
 * transposes whole m x n tiles in WRAM. Step 3 (kernel 1): the M_ x n grid of m-element tiles is permuted in
 * place by following cycles, tiles handed out under a mutex and "done" flags in MRAM updated under another.
 * The kernel column is step 2 + step 3; dpu_cpu is the pull of the transposed tile.
 *
 * <p>Step 3's tiles go to tasklets dynamically on the DPU; here whole cycles go to tasklets round-robin in order
 * of their first tile (tasklets run one at a time functionally, so a dynamic hand-out would give every cycle to
 * tasklet 0). The work and its synchronization are PrIM's; the assignment is an approximation.
 */
final class PrimTrns {
  private PrimTrns() {}

  static final int N_TILES = 64;
  static final int N = 8;
  static final int M = 4;
  static final int TILE_MUTEX = 0;
  static final int DONE_MUTEX = 1;

  /** dpu_arguments_t {m, n, M_, kernel}. */
  record Args(int bigM, int kernel) implements DpuArgs {
    public int sizeBytes() {
      return 16;
    }
  }

  static final class Program extends PrimProgram {
    Program() {
      super("prim-trns", PrimSuite.TASKLETS, 600, true);
    }

    @Override
    public void run(Tasklet t) {
      Args a = t.args(Args.class);
      t.barrier();
      if (a.kernel() == 0) {
        step2(t, a.bigM());
      } else {
        step3(t, a.bigM());
      }
    }

    private static void step2(Tasklet t, int bigM) {
      int tile = M * N * 8;
      WramBuffer data = t.wramAlloc(tile);
      WramBuffer backup = t.wramAlloc(tile);
      for (int k = t.me(); k < bigM; k += t.nrTasklets()) {
        t.mramRead((long) k * tile, data, 0, tile);
        for (int i = 0; i < M * N; i++) {
          int to = i * M - (M * N - 1) * (i / N);
          if (t.functional()) {
            backup.putLong(8 * to, data.getLong(8 * i));
          }
        }
        // backup[(i * m) - (m * n - 1) * (i / n)] = data[i]: m and n are runtime arguments, so two multiplies
        // (priced by their operands) and a division, then ld, sd, the subtraction, index and loop control.
        long e = (long) M * N;
        for (int i = 0; i < M * N; i++) {
          t.mul32(i, M);
          t.mul32(M * N - 1, i / N);
        }
        t.compute(OpClass.DIV, DType.INT32, e);
        t.compute(OpClass.LOAD_STORE, DType.INT64, 2 * e);
        t.compute(OpClass.SUB, DType.INT32, e);
        t.compute(OpClass.ADD, DType.INT32, 2 * e);
        t.compute(OpClass.COMPARE, DType.INT32, e);
        t.mramWrite(backup, 0, (long) k * tile, tile);
      }
    }

    private static void step3(Tasklet t, int bigM) {
      int tileMax = bigM * N - 1;
      long doneBase = (long) bigM * M * N * 8;
      int tileBytes = M * 8;
      WramBuffer data = t.wramAlloc(tileBytes);
      WramBuffer backup = t.wramAlloc(tileBytes);
      WramBuffer readDone = t.wramAlloc(8);
      List<int[]> cycles = cycles(bigM);
      // get_tile() hands out every tile plus one past tile_max per tasklet; shared round-robin here. A tile that
      // is not a fixed point is read and its done flag checked (the cycle's first tile does so in its cycle).
      boolean[] leader = new boolean[tileMax + 1];
      for (int[] c : cycles) {
        leader[c[0]] = true;
      }
      for (int c = t.me(); c < tileMax; c += t.nrTasklets()) {
        getTile(t, c, bigM);
        boolean fixed = (int) ((long) c * bigM % tileMax) == c;
        if (!fixed && !leader[c]) {
          t.mramRead((long) c * tileBytes, data, 0, tileBytes);
          done(t, doneBase, c, readDone, false);
        }
      }
      getTile(t, tileMax, bigM);
      for (int c = t.me(); c < cycles.size(); c += t.nrTasklets()) {
        int[] cyc = cycles.get(c);
        int first = cyc[0];
        t.mramRead((long) first * tileBytes, data, 0, tileBytes);
        done(t, doneBase, first, readDone, false);
        for (int k = 1; k <= cyc.length; k++) {
          int next = cyc[k % cyc.length];
          t.mramRead((long) next * tileBytes, backup, 0, tileBytes);
          done(t, doneBase, next, readDone, true);
          if (k < cyc.length) {
            t.mramWrite(data, 0, (long) next * tileBytes, tileBytes);
          } else {
            t.mramWrite(data, 0, (long) first * tileBytes, tileBytes);
          }
          if (t.functional()) {
            System.arraycopy(backup.array(), 0, data.array(), 0, tileBytes);
          }
          // next_in_cycle: two multiplies, a divide, a subtract; the copy loop of m elements (ld, sd, i++, branch).
          t.mul32(next, bigM);
          t.mul32(tileMax, next / N);
          t.compute(OpClass.DIV, DType.INT32, 1);
          t.compute(OpClass.SUB, DType.INT32, 1);
          t.compute(OpClass.LOAD_STORE, DType.INT64, 2L * M);
          t.compute(OpClass.ADD, DType.INT32, M);
          t.compute(OpClass.COMPARE, DType.INT32, M + 1L);
        }
      }
    }

    /** get_tile(): the shared counter under tile_mutex (acquire, lw, add, sw, release). */
    private static void getTile(Tasklet t, int tile, int bigM) {
      t.mutexLock(TILE_MUTEX);
      t.compute(OpClass.BRANCH, DType.INT32, 1);
      t.compute(OpClass.LOAD_STORE, DType.INT32, 2);
      t.compute(OpClass.ADD, DType.INT32, 1);
      t.compute(OpClass.BRANCH, DType.INT32, 1);
      t.mutexUnlock(TILE_MUTEX);
      // the (tile * M_) - tile_max * (tile / n) test for one-tile cycles
      t.mul32(tile, bigM);
      t.mul32(bigM * N - 1, tile / N);
      t.compute(OpClass.DIV, DType.INT32, 1);
      t.compute(OpClass.COMPARE, DType.INT32, 2);
    }

    /** get_done / get_and_set_done: an 8-byte MRAM word of flags (the DMA aligns down) under done_mutex. */
    private static void done(Tasklet t, long doneBase, int tile, WramBuffer readDone, boolean set) {
      long word = (doneBase + tile) & ~7L;
      t.mutexLock(DONE_MUTEX);
      t.mramRead(word, readDone, 0, 8);
      t.compute(OpClass.LOGIC, DType.INT64, set ? 4 : 2);
      if (set) {
        t.mramWrite(readDone, 0, word, 8);
      }
      t.compute(OpClass.BRANCH, DType.INT32, 2);
      t.mutexUnlock(DONE_MUTEX);
    }
  }

  /** The cycles of the tile permutation t -> t * M_ mod (M_ n - 1), longer than one tile, by first tile. */
  static List<int[]> cycles(int bigM) {
    int tileMax = bigM * N - 1;
    boolean[] seen = new boolean[tileMax];
    List<int[]> out = new ArrayList<>();
    for (int s = 0; s < tileMax; s++) {
      if (seen[s]) {
        continue;
      }
      List<Integer> c = new ArrayList<>();
      for (int x = s; !seen[x]; x = (int) ((long) x * bigM % tileMax)) {
        seen[x] = true;
        c.add(x);
      }
      if (c.size() > 1) {
        out.add(c.stream().mapToInt(Integer::intValue).toArray());
      }
    }
    return out;
  }

  static Times run(HardwareConfig cfg, int dpus, long param, Mode mode) {
    if (param < 1 || param > 1 << 16) {
      throw new IllegalArgumentException("TRNS: --param (M_) must be 1..65536, got " + param);
    }
    if (dpus > N_TILES) {
      throw new IllegalArgumentException("TRNS: --dpus " + dpus + " exceeds the " + N_TILES + " column tiles");
    }
    int bigM = (int) param;
    int rows = bigM * M;
    int cols = N_TILES * N;
    boolean f = mode == Mode.FUNCTIONAL;
    PrimSuite.functionalLimit(mode, (long) rows * cols, "TRNS");
    long[] a = null;
    if (f) {
      Random r = new Random(5);
      a = new long[rows * cols];
      for (int i = 0; i < a.length; i++) {
        a[i] = r.nextInt(Integer.MAX_VALUE);
      }
    }
    long[] in = a;
    long[] result = f ? new long[rows * cols] : null;
    int tileBytes = rows * N * 8;
    PimSystem sys = new PimSystem(cfg, mode);
    HostTimer cpuDpu = new HostTimer(sys.timeline());
    HostTimer kernel = new HostTimer(sys.timeline());
    HostTimer dpuCpu = new HostTimer(sys.timeline());
    int curr = 0;
    DpuSet set = null;
    int activeBefore = -1;
    try {
      while (curr < N_TILES) {
        int active = Math.min(dpus, N_TILES - curr);
        if (active != activeBefore) {
          if (set != null) {
            set.close();
          }
          set = sys.allocate(active);
          set.load(new Program());
          activeBefore = active;
        }
        int base = curr;
        cpuDpu.start();
        for (int j = 0; j < rows; j++) {
          int row = j;
          set.push((long) j * N * 8, N * 8, f ? d -> PrimSuite.longs(in, row * cols + N * (base + d), N) : null);
        }
        cpuDpu.stop();
        int doneBytes = Math.max(8, (int) PrimSuite.roundUp((long) bigM * N, 8));
        set.push(tileBytes, doneBytes, f ? d -> new byte[doneBytes] : null);
        set.pushArgs(d -> new Args(bigM, 0));
        kernel.start();
        set.launch();
        kernel.stop();
        set.pushArgs(d -> new Args(bigM, 1));
        kernel.start();
        set.launch();
        kernel.stop();
        dpuCpu.start();
        set.pull(0, tileBytes, f ? (b, d) -> System.arraycopy(PrimSuite.toLongs(b), 0, result,
            (base + d) * rows * N, rows * N) : null);
        dpuCpu.stop();
        curr += active;
      }
    } finally {
      if (set != null) {
        set.close();
      }
    }
    if (f) {
      // The host's trns_host: the transpose of the rows x cols matrix, row-major.
      boolean ok = true;
      for (int i = 0; i < rows && ok; i++) {
        for (int j = 0; j < cols; j++) {
          ok &= result[j * rows + i] == in[i * cols + j];
        }
      }
      PrimSuite.check(ok, "TRNS");
    }
    return new Times(kernel.ms(), cpuDpu.ms(), dpuCpu.ms(), 0, f);
  }
}
