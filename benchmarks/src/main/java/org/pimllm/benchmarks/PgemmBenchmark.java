package org.pimllm.benchmarks;

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
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.GemmResult;
import org.pimllm.pgemm.GemmShape;
import org.pimllm.pgemm.Layout;
import org.pimllm.pgemm.Matrix;
import org.pimllm.pgemm.PgemmLib;
import org.pimllm.pgemm.ReferenceGemm;
import org.pimllm.pgemm.Strategy;
import org.pimllm.pgemm.TilingPlan;
import org.pimllm.sim.DpuSet;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.sim.PimSystem;
import org.pimllm.tileselector.CallOptions;
import org.pimllm.tileselector.Restriction;
import org.pimllm.tileselector.TileSelector;

/**
 * What the simulator costs in wall-clock time on this machine:
 * <ul>
 *   <li>{@code functionalPim} vs {@code javaInt8Gemm}: a FUNCTIONAL int8 GEMM through PGEMMlib (real products on
 *       every simulated DPU, plus packing, transfers and timing) against a plain Java int8 GEMM of the same
 *       shape. Both results are checked against each other in setup before anything is timed.</li>
 *   <li>{@code timingOnlyLlama7b}: a TIMING_ONLY run of a LLaMA-7B FFN GEMM (128 x 4096 x 11008) on 2,048 DPUs.</li>
 * </ul>
 * Run: {@code java --add-modules=jdk.incubator.vector -cp "pimllm-cli/target/pimllm.jar:$(cat pimllm-cli/target/classpath.txt)" org.pimllm.benchmarks.JmhMain PgemmBenchmark}
 * (see docs/pgemm.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC", "-Xmx3g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PgemmBenchmark {

  /** M x K x N of the functional comparison. */
  @Param({"64x1024x1024"})
  public String shape;

  /** DPUs of the functional run. */
  @Param({"64"})
  public int dpus;

  HardwareConfig hw;
  Matrix a;
  Matrix b;
  TilingPlan plan;
  PimSystem system;
  PgemmLib lib;
  DpuSet set;
  TilingPlan llamaPlan;

  @Setup(Level.Trial)
  public void setUp() {
    hw = HardwareConfig.preset("upmem-2560-450");
    String[] d = shape.split("x");
    GemmShape s = GemmShape.of(1, Integer.parseInt(d[0]), Integer.parseInt(d[1]), Integer.parseInt(d[2]));
    a = Matrix.random(GemmDType.INT8, 1, s.m(), s.k(), Layout.ROW_MAJOR, 1);
    b = Matrix.random(GemmDType.INT8, 1, s.k(), s.n(), Layout.COL_MAJOR, 2);
    TileSelector ts = new TileSelector(hw);
    // NtileGEMM with fN = DPUs / 8 and 8 row parts (the partition benchmarked); the selector picks the kernel
    plan = ts.select(s, GemmDType.INT8, dpus, CallOptions.POOLED,
        Restriction.to(Strategy.NTILE).withFactors(null, PgemmStudy.fill(s.m(), 8), null, dpus / 8)).plan();
    system = new PimSystem(hw, org.pimllm.sim.Mode.FUNCTIONAL);
    lib = new PgemmLib(system);
    set = system.allocate(plan.dpus());
    PgemmLib.load(set, plan);
    Matrix pim = lib.gemm(set, plan, a, b).c();
    if (!pim.sameValues(ReferenceGemm.int8RowCol(a, b))) {
      throw new IllegalStateException("PIM result differs from the Java reference; not benchmarking");
    }
    llamaPlan = ts.select(GemmShape.of(1, 128, 4096, 11008), GemmDType.INT8, 2048, CallOptions.POOLED,
        Restriction.to(Strategy.NTILE).withFactors(null, 16, null, 128)).plan();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    set.close();
  }

  @Benchmark
  public Matrix functionalPim() {
    return lib.gemm(set, plan, a, b).c();
  }

  @Benchmark
  public Matrix javaInt8Gemm() {
    return ReferenceGemm.int8RowCol(a, b);
  }

  @Benchmark
  public GemmResult timingOnlyLlama7b() {
    return PgemmLib.simulate(llamaPlan, hw);
  }
}
