package org.pimllm.benchmarks;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.tileselector.PaperSuite;
import org.pimllm.tileselector.Selection;
import org.pimllm.tileselector.TileSelector;

/**
 * Wall-clock time of one Tile-Selector call (enumeration of PGEMMlib's partitions, bounds, and the costing of
 * the partitions that can win), cycling through a suite's cases; JMH's sample mode reports the distribution,
 * whose p0.50 is the median selection time. {@code suite=paper} is the 64 cases of {@code pimllm tune --suite
 * paper}, {@code suite=random} 100 seeded random shapes (off-suite).
 * Run: {@code java --add-modules=jdk.incubator.vector -cp "pimllm-cli/target/pimllm.jar:$(cat pimllm-cli/target/classpath.txt)" org.pimllm.benchmarks.JmhMain TileSelectorBenchmark}
 * (see docs/tileselector.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TileSelectorBenchmark {

  @Param({"paper", "random"})
  public String suite;

  TileSelector selector;
  List<PaperSuite.Case> cases;
  int next;

  @Setup
  public void setup() {
    selector = new TileSelector(HardwareConfig.preset("upmem-2556-350"));
    cases = suite.equals("paper") ? PaperSuite.cases() : PaperSuite.random(1, 100);
  }

  @Benchmark
  public Selection select() {
    PaperSuite.Case c = cases.get(next);
    next = (next + 1) % cases.size();
    return selector.select(c.shape(), c.dtype(), c.dpus());
  }
}
