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
 * PrIM's VA (vector addition, int32): the host splits N elements evenly over the DPUs (8-byte padded),
 * pushes the arguments and both vectors with parallel transfers, launches, and pulls the result; each
 * tasklet takes 1,024-byte blocks (PrIM's default BL=10) round-robin, reads a block of A and of B, adds,
 * and writes B back. In FUNCTIONAL mode the result is checked against a CPU reference.
 */
public final class VaBench {
  private VaBench() {}

  static final int BLOCK = 1024;
  /** Per block: bound check (l_size), two address computations, loop control. */
  static final int BLOCK_INSTRUCTIONS = 10;

  /** Times in ms as PrIM reports them: CPU-DPU (args + A + B), kernel, DPU-CPU. */
  public record Result(int dpus, long elements, int tasklets, double h2dMs, double kernelMs, double d2hMs,
      long kernelCycles, boolean verified) {}

  /** PrIM's dpu_arguments_t: size and transfer_size in bytes (and the kernel number). */
  record Args(int size, int transferBytes) implements DpuArgs {
    public int sizeBytes() {
      return 12;
    }
  }

  static final class Program extends PrimProgram {
    Program(int tasklets) {
      super("prim-va", tasklets, 200, false);
    }

    @Override
    public void run(Tasklet t) {
      Args a = t.args(Args.class);
      WramBuffer cacheA = t.wramAlloc(BLOCK);
      WramBuffer cacheB = t.wramAlloc(BLOCK);
      long baseB = a.transferBytes();
      for (long off = (long) t.me() * BLOCK; off < a.size(); off += (long) BLOCK * t.nrTasklets()) {
        int len = (int) Math.min(BLOCK, a.size() - off);
        t.mramRead(off, cacheA, 0, len);
        t.mramRead(baseB + off, cacheB, 0, len);
        if (t.functional()) {
          for (int i = 0; i < len; i += 4) {
            cacheB.putInt(i, cacheB.getInt(i) + cacheA.getInt(i));
          }
        }
        // bufferB[i] += bufferA[i]: two loads, add, store, index and pointer increments, compare-and-branch.
        int n = len / 4;
        t.compute(OpClass.LOAD_STORE, DType.INT32, 3L * n);
        t.compute(OpClass.ADD, DType.INT32, 3L * n);
        t.compute(OpClass.BRANCH, DType.INT32, n);
        t.instructions(BLOCK_INSTRUCTIONS);
        t.mramWrite(cacheB, 0, baseB + off, len);
      }
    }
  }

  public static Result run(HardwareConfig cfg, int dpus, long elements, int tasklets, Mode mode) {
    MramBench.checkTasklets(cfg, tasklets);
    if (elements < dpus) {
      throw new IllegalArgumentException("--elements " + elements + " is less than --dpus " + dpus
          + "; give every DPU at least one element");
    }
    // PrIM's host: per-DPU size rounded up to 8 bytes (2 int32); the last DPU gets the remainder.
    long perDpu = Math.ceilDiv(elements, dpus);
    long perDpu8 = (perDpu * 4) % 8 != 0 ? roundUp(perDpu, 2) : perDpu;
    long total8 = (elements * 4) % 8 != 0 ? roundUp(elements, 2) : elements;
    long lastDpu = total8 - perDpu8 * (dpus - 1);
    if (lastDpu <= 0) {
      throw new IllegalArgumentException("--elements " + elements + " over " + dpus + " DPUs leaves the last DPU"
          + " nothing after PrIM's rounding; use more elements or fewer DPUs");
    }
    long transfer = perDpu8 * 4;
    if (2 * transfer > cfg.mramBytes()) {
      throw new IllegalArgumentException("--elements " + elements + ": two vectors of " + transfer
          + " bytes per DPU exceed the " + cfg.mramBytes() + " B MRAM; use more DPUs");
    }
    int xfer = (int) transfer;
    boolean functional = mode == Mode.FUNCTIONAL;
    int[][] a = functional ? randomSlices(dpus, perDpu8, 1) : null;
    int[][] b = functional ? randomSlices(dpus, perDpu8, 2) : null;
    PimSystem sys = new PimSystem(cfg, mode);
    Timeline tl = sys.timeline();
    try (DpuSet set = sys.allocate(dpus)) {
      set.load(new Program(tasklets));
      long mark = tl.mark();
      set.pushArgs(d -> new Args((int) (4 * (d == dpus - 1 ? lastDpu : perDpu8)), xfer));
      set.push(0, xfer, functional ? d -> bytes(a[d]) : null);
      set.push(transfer, xfer, functional ? d -> bytes(b[d]) : null);
      double h2d = tl.totalSince(mark);
      mark = tl.mark();
      long cycles = set.launch().maxCycles();
      double kernel = tl.totalSince(mark);
      mark = tl.mark();
      boolean[] ok = {true};
      set.pull(transfer, xfer, functional ? (bytes, d) -> ok[0] &= checkSum(bytes, a[d], b[d],
          d == dpus - 1 ? lastDpu : perDpu8) : null);
      double d2h = tl.totalSince(mark, Category.D2H);
      if (functional && !ok[0]) {
        throw new IllegalStateException("VA result differs from the CPU reference");
      }
      return new Result(dpus, elements, tasklets, h2d * 1e3, kernel * 1e3, d2h * 1e3, cycles, functional);
    }
  }

  private static boolean checkSum(byte[] bytes, int[] a, int[] b, long valid) {
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < valid; i++) {
      if (buf.getInt(4 * i) != a[i] + b[i]) {
        return false;
      }
    }
    return true;
  }

  static int[][] randomSlices(int dpus, long perDpu, long seed) {
    if (perDpu * dpus > 64L << 20) {
      throw new IllegalArgumentException("FUNCTIONAL VA is limited to 64 Mi elements in total; use TIMING_ONLY for more");
    }
    Random rnd = new Random(seed);
    int[][] s = new int[dpus][(int) perDpu];
    for (int[] row : s) {
      for (int i = 0; i < row.length; i++) {
        row[i] = rnd.nextInt();
      }
    }
    return s;
  }

  static byte[] bytes(int[] v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asIntBuffer().put(v);
    return b.array();
  }

  static long roundUp(long v, long m) {
    return Math.ceilDiv(v, m) * m;
  }
}
