package org.pimllm.benchmarks.sim;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.pimllm.sim.DType;
import org.pimllm.sim.DpuArgs;
import org.pimllm.sim.DpuProgram;
import org.pimllm.sim.DpuSet;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.sim.LaunchResult;
import org.pimllm.sim.OpClass;
import org.pimllm.sim.PimSystem;
import org.pimllm.sim.Tasklet;
import org.pimllm.sim.WramBuffer;

/**
 * Wall time of the simulator itself. The headline case: timing (TIMING_ONLY) one launch on 2,048 DPUs
 * whose every DPU streams 16 MiB from MRAM through 16 tasklets in 2,048-byte DMAs, summing int32 values.
 * Each invocation reloads the program, so the timing is really computed (not taken from the per-set cache
 * of a previous launch); {@link #repeatLaunchSameArgs} measures a launch whose timing is cached.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SimulatorBench {

  /** Per-DPU arguments: bytes to stream. */
  public record StreamArgs(long bytes) implements DpuArgs {
    @Override
    public int sizeBytes() {
      return 8;
    }
  }

  /**
   * Each tasklet reads its share in 2,048-byte blocks and sums the int32 values of each block; with
   * {@code barriers}, all tasklets meet at a barrier after every block (the bytes must split evenly).
   */
  public record StreamSum(int tasklets, boolean barriers) implements DpuProgram {
    static final int BLOCK = 2048;

    @Override
    public String name() {
      return "stream-sum";
    }

    @Override
    public int nrTasklets() {
      return tasklets;
    }

    @Override
    public int stackBytesPerTasklet() {
      return 512;
    }

    @Override
    public int iramInstructions() {
      return 64;
    }

    @Override
    public boolean usesBarriers() {
      return barriers;
    }

    @Override
    public void run(Tasklet t) {
      long bytes = t.args(StreamArgs.class).bytes();
      WramBuffer buf = t.wramAlloc(BLOCK);
      long sum = 0;
      for (long off = (long) t.me() * BLOCK; off < bytes; off += (long) BLOCK * t.nrTasklets()) {
        t.mramRead(off, buf, 0, BLOCK);
        if (t.functional()) {
          for (int i = 0; i < BLOCK; i += 4) {
            sum += buf.getInt(i);
          }
        }
        // per element: load, add, index, compare-and-branch
        t.compute(OpClass.LOAD_STORE, DType.INT32, BLOCK / 4);
        t.compute(OpClass.ADD, DType.INT32, 2 * (BLOCK / 4));
        t.compute(OpClass.BRANCH, DType.INT32, BLOCK / 4);
        if (barriers) {
          t.barrier();
        }
      }
      if (t.functional() && sum == Long.MIN_VALUE) {
        throw new IllegalStateException("unreachable; keeps the sum alive");
      }
    }
  }

  @Param({"2048"})
  public int dpus;

  @Param({"16777216"})
  public long bytesPerDpu;

  @Param({"16"})
  public int tasklets;

  private PimSystem system;
  private DpuSet set;
  private StreamSum program;

  @Setup(Level.Trial)
  public void setUp() {
    system = new PimSystem(HardwareConfig.preset("upmem-2560-450"), org.pimllm.sim.Mode.TIMING_ONLY);
    set = system.allocate(dpus);
    program = new StreamSum(tasklets, false);
    set.load(program);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    set.close();
  }

  /** Load (clears the timing cache), push the arguments, launch: the full cost of timing a fresh launch. */
  @Benchmark
  public LaunchResult timeFreshLaunch() {
    set.load(program);
    set.pushArgs(d -> new StreamArgs(bytesPerDpu));
    return set.launch();
  }

  /** A second launch with the same program and args reuses the timing. */
  @Benchmark
  public LaunchResult repeatLaunchSameArgs() {
    set.pushArgs(d -> new StreamArgs(bytesPerDpu));
    return set.launch();
  }
}
