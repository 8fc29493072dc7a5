package org.pimllm.tileselector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import org.pimllm.pgemm.PgemmLib;
import org.pimllm.pgemm.TilingPlan;
import org.pimllm.sim.HardwareConfig;

/**
 * The exhaustive reference: the fastest candidate plan on the simulator (TIMING_ONLY, pooled DPUs, as
 * {@link PgemmLib#simulate} measures).
 *
 * <p>Every candidate is either simulated or proven slower than both the best simulated plan and the plan
 * under test: its simulated time is at least a lower bound made of the simulator's exact transfer, launch and
 * host terms plus the kernel's multiply instructions at the pipeline's peak issue rate. Candidates are
 * visited cheapest bound first on a small pool of worker threads (each simulation builds its own machine).
 * So the oracle's best plan and the rank of the plan under test are exact, without simulating candidates
 * that cannot matter (e.g. a large GEMM on a handful of DPUs, which takes the simulator seconds).
 */
public final class Oracle {
  private final HardwareConfig hw;
  private final CostModel model;
  private final int threads;

  /**
   * One candidate.
   *
   * @param plan the plan
   * @param simulatedSeconds its simulated seconds, or NaN if it was skipped
   * @param lowerBoundSeconds the bound that let it be skipped (also kept for simulated plans)
   */
  public record Measured(TilingPlan plan, double simulatedSeconds, double lowerBoundSeconds) {
    public boolean simulated() {
      return !Double.isNaN(simulatedSeconds);
    }
  }

  /**
   * The outcome of a search.
   *
   * @param best the fastest candidate
   * @param all every candidate, in candidate order
   * @param simulatedCount how many candidates were simulated
   */
  public record Result(Measured best, List<Measured> all, int simulatedCount) {
    /** 1-based rank of a simulated plan among all candidates (1 = as fast as the best). */
    public int rankOf(TilingPlan plan) {
      double t = secondsOf(plan);
      return 1 + (int) all.stream().filter(m -> m.simulated() && m.simulatedSeconds() < t).count();
    }

    /** Simulated seconds of a simulated candidate. */
    public double secondsOf(TilingPlan plan) {
      Measured m = all.stream().filter(x -> x.plan().equals(plan)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("plan is not among the candidates: " + plan));
      if (!m.simulated()) {
        throw new IllegalStateException("plan was not simulated: " + plan);
      }
      return m.simulatedSeconds();
    }
  }

  /** An oracle on at most {@code threads} worker threads (>= 1; the machine's cores are shared, keep it small). */
  public Oracle(HardwareConfig hw, int threads) {
    this.hw = Objects.requireNonNull(hw, "hw");
    if (threads < 1) {
      throw new IllegalArgumentException("the oracle needs at least 1 thread, got " + threads);
    }
    this.threads = threads;
    this.model = new TileSelector(hw).model();
  }

  /** Threads a default oracle uses: at most 2, never more than the available processors. */
  public static int defaultThreads() {
    return Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
  }

  /** The fastest candidate (see {@link #search(List, TilingPlan, IntConsumer)}), with no plan under test. */
  public Result search(List<TilingPlan> candidates, IntConsumer progress) {
    return search(candidates, null, progress);
  }

  /**
   * Finds the fastest candidate; {@code underTest} (may be null, else one of the candidates) is always
   * simulated, and every candidate that could be faster than it is too, so its rank is exact. progress (may be
   * null) receives the number of candidates settled so far (simulated or skipped).
   */
  public Result search(List<TilingPlan> candidates, TilingPlan underTest, IntConsumer progress) {
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException("the oracle needs at least one candidate plan");
    }
    int n = candidates.size();
    double[] bound = new double[n];
    for (int i = 0; i < n; i++) {
      bound[i] = model.simulatorLowerBound(candidates.get(i));
    }
    Integer[] order = new Integer[n];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingDouble(i -> bound[i]));

    double[] seconds = new double[n];
    Arrays.fill(seconds, Double.NaN);
    // Threshold: a candidate whose bound exceeds both the best simulated time and the plan under test's time
    // cannot change the result. Doubles kept as raw long bits for atomic updates.
    AtomicLong bestBits = new AtomicLong(Double.doubleToRawLongBits(Double.POSITIVE_INFINITY));
    double keep = Double.NEGATIVE_INFINITY;
    if (underTest != null) {
      int idx = candidates.indexOf(underTest);
      if (idx < 0) {
        throw new IllegalArgumentException("the plan under test is not among the candidates: " + underTest);
      }
      seconds[idx] = PgemmLib.simulate(underTest, hw).totalSeconds();
      keep = seconds[idx];
      bestBits.set(Double.doubleToRawLongBits(keep));
    }
    final double keepSeconds = keep;
    AtomicInteger next = new AtomicInteger();
    AtomicInteger settled = new AtomicInteger();
    Runnable worker = () -> {
      for (int j = next.getAndIncrement(); j < n; j = next.getAndIncrement()) {
        int i = order[j];
        double threshold = Math.max(Double.longBitsToDouble(bestBits.get()), keepSeconds);
        if (Double.isNaN(seconds[i]) && bound[i] <= threshold) {
          double s = PgemmLib.simulate(candidates.get(i), hw).totalSeconds();
          seconds[i] = s;
          bestBits.accumulateAndGet(Double.doubleToRawLongBits(s),
              (a, b) -> Double.longBitsToDouble(a) <= Double.longBitsToDouble(b) ? a : b);
        }
        if (progress != null) {
          progress.accept(settled.incrementAndGet());
        }
      }
    };
    runOn(worker);
    List<Measured> all = new ArrayList<>(n);
    Measured best = null;
    int simulated = 0;
    for (int i = 0; i < n; i++) {
      Measured m = new Measured(candidates.get(i), seconds[i], bound[i]);
      all.add(m);
      if (m.simulated()) {
        simulated++;
        if (best == null || m.simulatedSeconds() < best.simulatedSeconds()) {
          best = m;
        }
      }
    }
    return new Result(best, List.copyOf(all), simulated);
  }

  private void runOn(Runnable worker) {
    List<Thread> pool = new ArrayList<>();
    for (int t = 1; t < threads; t++) {
      Thread th = new Thread(worker, "pimllm-oracle-" + t);
      th.setDaemon(true);
      th.start();
      pool.add(th);
    }
    worker.run();
    for (Thread th : pool) {
      try {
        th.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("oracle search interrupted", e);
      }
    }
  }
}
