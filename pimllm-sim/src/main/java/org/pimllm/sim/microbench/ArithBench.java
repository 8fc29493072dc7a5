package org.pimllm.sim.microbench;

import org.pimllm.sim.DType;
import org.pimllm.sim.DpuArgs;
import org.pimllm.sim.DpuSet;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.sim.LaunchResult;
import org.pimllm.sim.Mode;
import org.pimllm.sim.OpClass;
import org.pimllm.sim.PimSystem;
import org.pimllm.sim.Tasklet;
import org.pimllm.sim.WramBuffer;

/**
 * PrIM's Arithmetic-Throughput microbenchmark: each tasklet streams 1,024-byte blocks of its share of
 * 1,048,576 elements from MRAM; between two barriers it applies {@code x = x op scalar} to every element of
 * its block in WRAM, timing only that loop; then it writes the block back. MOPS = elements * clock / (the
 * largest per-tasklet timed cycles), as PrIM's host code reduces it.
 *
 * <p>The loop body per element is an explicit sequence: load, the operation (costed from the preset's op
 * table), store, index increment, pointer increment, compare-and-branch — 5 instructions plus the op.
 */
public final class ArithBench {
  private ArithBench() {}

  static final int BLOCK = 1024;
  static final int PRIM_ELEMENTS = 1 << 20;
  /** Untimed instructions per block: address computations, loop control, cycle accumulation. */
  static final int BLOCK_INSTRUCTIONS = 10;

  public record Result(OpClass op, DType dtype, int tasklets, long elements, double mops, long timedCycles) {}

  record Args(long elements, OpClass op, DType type) implements DpuArgs {
    public int sizeBytes() {
      return 8;
    }
  }

  /** Charges one element of the streaming loop: load, op, store, two increments, compare-and-branch. */
  static void elementLoop(Tasklet t, OpClass op, DType type, long n) {
    t.compute(OpClass.LOAD_STORE, type, 2 * n);
    t.compute(op, type, n);
    t.compute(OpClass.ADD, DType.INT32, 2 * n);
    t.compute(OpClass.BRANCH, DType.INT32, n);
  }

  static final class Program extends PrimProgram {
    Program(int tasklets) {
      super("prim-arithmetic-throughput", tasklets, 400, true);
    }

    @Override
    public void run(Tasklet t) {
      Args a = t.args(Args.class);
      int size = a.type().bytes();
      long bytes = a.elements() * size;
      WramBuffer cache = t.wramAlloc(BLOCK);
      for (long off = (long) t.me() * BLOCK; off < bytes; off += (long) BLOCK * t.nrTasklets()) {
        t.mramRead(off, cache, 0, BLOCK);
        t.barrier();
        t.timerStart();
        if (t.functional()) {
          apply(cache, a.op(), a.type(), a.elements());
        }
        elementLoop(t, a.op(), a.type(), BLOCK / size);
        t.timerStop();
        t.barrier();
        t.mramWrite(cache, 0, bytes + off, BLOCK);
        t.instructions(BLOCK_INSTRUCTIONS);
      }
    }
  }

  /** The Java arithmetic of the kernel (FUNCTIONAL mode): x op= scalar, the scalar being the element count. */
  static void apply(WramBuffer b, OpClass op, DType type, long scalar) {
    for (int i = 0; i < b.size(); i += type.bytes()) {
      switch (type) {
        case INT32 -> b.putInt(i, (int) apply(op, b.getInt(i), (int) scalar));
        case INT64 -> b.putLong(i, apply(op, b.getLong(i), scalar));
        case FLOAT -> b.putFloat(i, (float) apply(op, b.getFloat(i), scalar));
        case DOUBLE -> b.putDouble(i, apply(op, b.getDouble(i), scalar));
        default -> throw new IllegalArgumentException("arith supports int32, int64, float and double, not " + type);
      }
    }
  }

  private static long apply(OpClass op, long x, long s) {
    return switch (op) {
      case ADD -> x + s;
      case SUB -> x - s;
      case MUL -> x * s;
      case DIV -> x / s;
      default -> throw new IllegalArgumentException("arith supports add, sub, mul and div, not " + op);
    };
  }

  private static double apply(OpClass op, double x, double s) {
    return switch (op) {
      case ADD -> x + s;
      case SUB -> x - s;
      case MUL -> x * s;
      case DIV -> x / s;
      default -> throw new IllegalArgumentException("arith supports add, sub, mul and div, not " + op);
    };
  }

  public static Result run(HardwareConfig cfg, OpClass op, DType type, int tasklets) {
    MramBench.checkTasklets(cfg, tasklets);
    if (op != OpClass.ADD && op != OpClass.SUB && op != OpClass.MUL && op != OpClass.DIV) {
      throw new IllegalArgumentException("--op " + op + ": arith measures add, sub, mul or div");
    }
    if (type != DType.INT32 && type != DType.INT64 && type != DType.FLOAT && type != DType.DOUBLE) {
      throw new IllegalArgumentException("--dtype " + type + ": arith measures int32, int64, float or double");
    }
    // PrIM's 2^20 elements, rounded down to whole rounds of blocks so every tasklet meets every barrier.
    long perRound = (long) BLOCK / type.bytes() * tasklets;
    long elements = PRIM_ELEMENTS / perRound * perRound;
    PimSystem sys = new PimSystem(cfg, Mode.TIMING_ONLY);
    try (DpuSet set = sys.allocate(1)) {
      set.load(new Program(tasklets));
      set.pushArgs(d -> new Args(elements, op, type));
      LaunchResult r = set.launch();
      double mops = elements * cfg.clockHz() / r.timedCycles() / 1e6;
      return new Result(op, type, tasklets, elements, mops, r.timedCycles());
    }
  }
}
