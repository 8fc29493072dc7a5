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
import org.pimllm.sim.DpuSet;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.sim.LaunchResult;
import org.pimllm.sim.PimSystem;

/**
 * Wall time of FUNCTIONAL launches: every DPU really runs (64 DPUs each summing 1 MiB of pushed data through
 * 16 tasklets), with tasklets run one after another, or interleaved on virtual threads when the program
 * meets at a barrier after every block.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FunctionalBench {
  @Param({"64"})
  public int dpus;

  @Param({"1048576"})
  public int bytesPerDpu;

  @Param({"false", "true"})
  public boolean barriers;

  private DpuSet set;

  @Setup(Level.Trial)
  public void setUp() {
    PimSystem system = new PimSystem(HardwareConfig.preset("upmem-2560-450"), org.pimllm.sim.Mode.FUNCTIONAL);
    set = system.allocate(dpus);
    byte[] data = new byte[bytesPerDpu];
    new java.util.Random(1).nextBytes(data);
    set.push(0, bytesPerDpu, d -> data);
    set.load(new SimulatorBench.StreamSum(16, barriers));
    set.pushArgs(d -> new SimulatorBench.StreamArgs(bytesPerDpu));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    set.close();
  }

  @Benchmark
  public LaunchResult launch() {
    return set.launch();
  }
}
