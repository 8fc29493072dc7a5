package org.pimllm.sim.microbench;

import org.pimllm.sim.DpuArgs;
import org.pimllm.sim.DpuSet;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.sim.LaunchResult;
import org.pimllm.sim.Mode;
import org.pimllm.sim.PimSystem;
import org.pimllm.sim.Tasklet;
import org.pimllm.sim.WramBuffer;

/**
 * PrIM's MRAM-Latency microbenchmark: every tasklet streams blocks of {@code bytes} through WRAM (an
 * mram_read then an mram_write per block) and times one of the two with the perfcounter. Latency is the
 * timed cycles per transfer; bandwidth is, as PrIM computes it, bytes * clock / latency (times the number
 * of tasklets, who transfer concurrently).
 */
public final class MramBench {
  private MramBench() {}

  /** Transfers timed per tasklet. */
  static final int ITERATIONS = 64;
  /** Untimed per-iteration instructions: loop index, compare-and-branch, two address updates, cycle accumulation. */
  static final int LOOP_INSTRUCTIONS = 8;

  public enum Direction { READ, WRITE }

  public record Result(Direction direction, int bytes, int tasklets, double latencyCycles, double mbps,
      double sustainedMbps, long kernelCycles) {}

  record Args(int bytes) implements DpuArgs {
    public int sizeBytes() {
      return 8;
    }
  }

  static final class Program extends PrimProgram {
    private final Direction direction;

    Program(Direction direction, int tasklets) {
      super("prim-mram-latency-" + direction.name().toLowerCase(), tasklets, 120, false);
      this.direction = direction;
    }

    @Override
    public void run(Tasklet t) {
      int bytes = t.args(Args.class).bytes();
      WramBuffer cache = t.wramAlloc(bytes);
      long total = (long) ITERATIONS * bytes * t.nrTasklets();
      long base = total; // B array after A
      for (long off = (long) t.me() * bytes; off < total; off += (long) bytes * t.nrTasklets()) {
        boolean timeRead = direction == Direction.READ;
        // PrIM's alpha and beta were fitted to exactly this timed window, so nothing else is charged inside it.
        if (timeRead) {
          t.timerStart();
        }
        t.mramRead(off, cache, 0, bytes);
        if (timeRead) {
          t.timerStop();
        } else {
          t.timerStart();
        }
        t.mramWrite(cache, 0, base + off, bytes);
        if (!timeRead) {
          t.timerStop();
        }
        t.instructions(LOOP_INSTRUCTIONS);
      }
    }
  }

  public static Result run(HardwareConfig cfg, Direction direction, int bytes, int tasklets) {
    checkTasklets(cfg, tasklets);
    if (bytes < cfg.dmaMinBytes() || bytes > cfg.dmaMaxBytes() || bytes % cfg.dmaAlignBytes() != 0) {
      throw new IllegalArgumentException("--bytes " + bytes + ": an MRAM transfer is a multiple of "
          + cfg.dmaAlignBytes() + " between " + cfg.dmaMinBytes() + " and " + cfg.dmaMaxBytes() + " bytes");
    }
    PimSystem sys = new PimSystem(cfg, Mode.TIMING_ONLY);
    try (DpuSet set = sys.allocate(1)) {
      set.load(new Program(direction, tasklets));
      set.pushArgs(d -> new Args(bytes));
      LaunchResult r = set.launch();
      double latency = (double) r.timedCycles() / ITERATIONS;
      double mbps = tasklets * bytes * cfg.clockHz() / latency / 1e6;
      double sustained = (double) ITERATIONS * tasklets * bytes / r.seconds() / 1e6;
      return new Result(direction, bytes, tasklets, latency, mbps, sustained, r.maxCycles());
    }
  }

  static void checkTasklets(HardwareConfig cfg, int tasklets) {
    if (tasklets < 1 || tasklets > cfg.maxTasklets()) {
      throw new IllegalArgumentException("--tasklets " + tasklets + ": a DPU of " + cfg.name() + " runs 1.."
          + cfg.maxTasklets() + " tasklets");
    }
  }
}
