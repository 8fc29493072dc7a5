package org.pimllm.sim.microbench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.pimllm.sim.Category;
import org.pimllm.sim.DType;
import org.pimllm.sim.DpuArgs;
import org.pimllm.sim.DpuSet;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.sim.Mode;
import org.pimllm.sim.OpClass;
import org.pimllm.sim.PimSystem;
import org.pimllm.sim.Tasklet;
import org.pimllm.sim.Timeline;
import org.pimllm.sim.WramBuffer;

/**
 * PrIM's GEMV (uint32, y = A x): the host gives each DPU a contiguous run of rows (M / D, the first
 * M % D DPUs one more), padded to an even count, and pushes A's rows, the vector x, and the arguments with
 * parallel transfers; each DPU splits its rows over the tasklets in pairs (the 8-byte output granule) and
 * every tasklet streams its rows and x through WRAM in 1,024-byte blocks (PrIM's BL=10), accumulating in a
 * WRAM pair it writes back per two rows. In FUNCTIONAL mode y is checked against a CPU reference.
 */
public final class GemvBench {
  private GemvBench() {}

  static final int BLOCK = 1024;
  static final int PER_BLOCK = BLOCK / 4;
  /** Per 1,024-byte block: call of gemv(), two address updates, loop test. */
  static final int BLOCK_INSTRUCTIONS = 10;
  /** Per row: tail-loop setup, address rewind and alignment test. */
  static final int ROW_INSTRUCTIONS = 8;
  /** Per pair of rows: clearing the two accumulators, the 8-byte write's address update, loop control. */
  static final int PAIR_INSTRUCTIONS = 6;

  public record Result(int dpus, int rows, int cols, int tasklets, double h2dMs, double kernelMs, double d2hMs,
      long kernelCycles, boolean verified) {}

  /** PrIM's dpu_arguments_t {n_size, n_size_pad, nr_rows, max_rows}. */
  record Args(int nSize, int nrRows, int maxRows) implements DpuArgs {
    public int sizeBytes() {
      return 16;
    }
  }

  /** One multiply-accumulate of the inner loop: load a, load b, load c, mul (software), add, store c, i++, branch. */
  static void macLoop(Tasklet t, long n) {
    t.compute(OpClass.LOAD_STORE, DType.INT32, 4 * n);
    t.compute(OpClass.MAC, DType.INT32, n);
    t.compute(OpClass.ADD, DType.INT32, n);
    t.compute(OpClass.BRANCH, DType.INT32, n);
  }

  static final class Program extends PrimProgram {
    /** Charge each multiply by its operands (__mulsi3), which needs FUNCTIONAL data; else the op table's MUL. */
    final boolean operandMul;

    Program(int tasklets) {
      this(tasklets, false);
    }

    Program(int tasklets, boolean operandMul) {
      super("prim-gemv", tasklets, 500, false);
      this.operandMul = operandMul;
    }

    @Override
    public void run(Tasklet t) {
      Args a = t.args(Args.class);
      int n = a.nSize();
      int nrows = a.nrRows();
      int tl = t.nrTasklets();
      int me = t.me();
      // PrIM's split of the DPU's rows over tasklets, in pairs of rows.
      int chunks = nrows / (tl * 2);
      int dbl = chunks * 2;
      int restRows = nrows % (tl * 2);
      int rowsPerTasklet = dbl + (me * 2 < restRows ? 2 : 0);
      int startRow;
      if (restRows > 0) {
        if (me * 2 >= restRows) {
          startRow = (restRows % 2 != 0 ? (restRows / 2) * 2 + 2 : restRows) + me * dbl;
        } else {
          startRow = me * (dbl + 2);
        }
      } else {
        startRow = me * dbl;
      }
      long baseB = (long) a.maxRows() * n * 4;
      long addrC = baseB + (long) n * 4 + (long) startRow * 4;
      WramBuffer cacheA = t.wramAlloc(BLOCK + 8);
      WramBuffer cacheB = t.wramAlloc(BLOCK);
      WramBuffer cacheC = t.wramAlloc(8);
      for (int i = startRow; i < startRow + rowsPerTasklet; i += 2) {
        if (t.functional()) {
          cacheC.putLong(0, 0);
        }
        t.instructions(PAIR_INSTRUCTIONS);
        for (int pos = 0; pos < 2 && i + pos < nrows; pos++) {
          long addrA = (long) (i + pos) * n * 4;
          long addrB = baseB;
          int done = 0;
          for (; done < n - PER_BLOCK; done += PER_BLOCK) {
            t.mramRead(addrA, cacheA, 0, BLOCK);
            t.mramRead(addrB, cacheB, 0, BLOCK);
            accumulate(t, cacheC, pos, cacheA, cacheB, PER_BLOCK, operandMul);
            t.instructions(BLOCK_INSTRUCTIONS);
            addrA += BLOCK;
            addrB += BLOCK;
          }
          t.mramRead(addrA, cacheA, 0, BLOCK);
          t.mramRead(addrB, cacheB, 0, BLOCK);
          accumulate(t, cacheC, pos, cacheA, cacheB, n - done, operandMul);
          t.instructions(ROW_INSTRUCTIONS);
        }
        t.mramWrite(cacheC, 0, addrC, 8);
        addrC += 8;
      }
    }
  }

  private static void accumulate(Tasklet t, WramBuffer c, int pos, WramBuffer a, WramBuffer b, int count,
      boolean operandMul) {
    if (operandMul && !t.functional()) {
      throw new IllegalStateException("operand-priced multiplies need FUNCTIONAL data");
    }
    if (t.functional()) {
      int acc = c.getInt(4 * pos);
      for (int j = 0; j < count; j++) {
        acc += a.getInt(4 * j) * b.getInt(4 * j);
        if (operandMul) {
          t.mul32(a.getInt(4 * j), b.getInt(4 * j));
        }
      }
      c.putInt(4 * pos, acc);
    }
    if (operandMul) {
      // the loop around the multiply: four loads/stores, the accumulate, the index and the branch
      t.compute(OpClass.LOAD_STORE, DType.INT32, 4L * count);
      t.compute(OpClass.ADD, DType.INT32, 2L * count);
      t.compute(OpClass.BRANCH, DType.INT32, count);
    } else {
      macLoop(t, count);
    }
  }

  public static Result run(HardwareConfig cfg, int dpus, int rows, int cols, int tasklets, Mode mode) {
    MramBench.checkTasklets(cfg, tasklets);
    if (dpus < 1 || dpus > cfg.totalDpus()) { // before the per-DPU row tables are sized by it
      throw new IllegalArgumentException("cannot allocate " + dpus + " DPUs: " + cfg.name() + " has "
          + cfg.totalDpus() + "; choose 1.." + cfg.totalDpus() + " or another preset (pimllm hw list)");
    }
    if (rows < 1 || cols < 2) {
      throw new IllegalArgumentException("--rows must be >= 1 and --cols >= 2, got " + rows + " x " + cols);
    }
    if (cols % 2 != 0) {
      throw new IllegalArgumentException("--cols " + cols + " is odd: PrIM handles odd N with an unaligned-row path"
          + " this reproduction does not model; use an even --cols");
    }
    int chunks = rows / dpus;
    int rest = rows % dpus;
    int[] rowsOf = new int[dpus];
    int[] firstRow = new int[dpus];
    int maxRows = 0;
    for (int i = 0; i < dpus; i++) {
      rowsOf[i] = chunks + (i < rest ? 1 : 0);
      firstRow[i] = i < rest ? i * (chunks + 1) : rest * (chunks + 1) + (i - rest) * chunks;
      maxRows = Math.max(maxRows, rowsOf[i] + rowsOf[i] % 2);
    }
    if (maxRows == 0) {
      throw new IllegalArgumentException("--rows " + rows + " is less than --dpus " + dpus + "; every DPU needs a row");
    }
    long aBytes = (long) maxRows * cols * 4;
    long mramNeed = aBytes + (long) cols * 4 + (long) maxRows * 4 + BLOCK;
    if (mramNeed > cfg.mramBytes() || aBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("--rows " + rows + " x --cols " + cols + " on " + dpus + " DPUs needs "
          + mramNeed + " B of MRAM per DPU; use more DPUs or a smaller matrix");
    }
    int maxR = maxRows;
    boolean functional = mode == Mode.FUNCTIONAL;
    if (functional && (long) rows * cols > 64L << 20) {
      throw new IllegalArgumentException("FUNCTIONAL GEMV is limited to 64 Mi matrix elements; use TIMING_ONLY for more");
    }
    Random rnd = new Random(7);
    int[] matrix = functional ? new int[rows * cols] : null;
    int[] x = functional ? new int[cols] : null;
    if (functional) {
      for (int i = 0; i < matrix.length; i++) {
        matrix[i] = rnd.nextInt(50);
      }
      for (int i = 0; i < cols; i++) {
        x[i] = rnd.nextInt(50);
      }
    }
    PimSystem sys = new PimSystem(cfg, mode);
    Timeline tl = sys.timeline();
    try (DpuSet set = sys.allocate(dpus)) {
      set.load(new Program(tasklets));
      long mark = tl.mark();
      set.pushArgs(d -> new Args(cols, rowsOf[d], maxR));
      set.push(0, (int) aBytes, functional ? d -> rowsBytes(matrix, cols, firstRow[d], maxR, rows) : null);
      set.push(aBytes, cols * 4, functional ? d -> VaBench.bytes(x) : null);
      double h2d = tl.totalSince(mark);
      mark = tl.mark();
      long cycles = set.launch().maxCycles();
      double kernel = tl.totalSince(mark);
      mark = tl.mark();
      boolean[] ok = {true};
      set.pull(aBytes + cols * 4L, maxR * 4, functional ? (bytes, d) -> ok[0] &= check(bytes, matrix, x, cols,
          firstRow[d], rowsOf[d]) : null);
      double d2h = tl.totalSince(mark, Category.D2H);
      if (functional && !ok[0]) {
        throw new IllegalStateException("GEMV result differs from the CPU reference");
      }
      return new Result(dpus, rows, cols, tasklets, h2d * 1e3, kernel * 1e3, d2h * 1e3, cycles, functional);
    }
  }

  /** maxRows rows of A starting at first (rows past the matrix are zero), as PrIM's host buffer holds them. */
  private static byte[] rowsBytes(int[] m, int cols, int first, int maxRows, int rows) {
    ByteBuffer b = ByteBuffer.allocate(maxRows * cols * 4).order(ByteOrder.LITTLE_ENDIAN);
    int end = Math.min(rows, first + maxRows);
    for (int i = first * cols; i < end * cols; i++) {
      b.putInt(m[i]);
    }
    return b.array();
  }

  /** CPU reference: y[r] = sum_j A[r][j] * x[j] in wrapping 32-bit arithmetic (uint32 as in PrIM). */
  private static boolean check(byte[] y, int[] m, int[] x, int cols, int first, int count) {
    ByteBuffer b = ByteBuffer.wrap(y).order(ByteOrder.LITTLE_ENDIAN);
    for (int r = 0; r < count; r++) {
      int ref = 0;
      for (int j = 0; j < cols; j++) {
        ref += m[(first + r) * cols + j] * x[j];
      }
      if (b.getInt(4 * r) != ref) {
        return false;
      }
    }
    return true;
  }
}
