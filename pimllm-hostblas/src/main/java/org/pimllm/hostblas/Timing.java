package org.pimllm.hostblas;

import java.util.Arrays;

/**
 * Repeated wall-clock timing of one action: warmup runs (discarded), then measured repetitions summarised by their
 * median, minimum and maximum.
 *
 * @param medianSeconds the median of the measured repetitions
 * @param minSeconds the fastest repetition
 * @param maxSeconds the slowest repetition
 * @param reps how many repetitions were measured
 */
public record Timing(double medianSeconds, double minSeconds, double maxSeconds, int reps) {

  /** Runs {@code action} {@code warmup} times, then times it {@code reps} times. */
  public static Timing measure(Runnable action, int warmup, int reps) {
    if (warmup < 0 || reps < 1) {
      throw new IllegalArgumentException("need warmup >= 0 and reps >= 1, got warmup " + warmup + ", reps " + reps);
    }
    for (int i = 0; i < warmup; i++) action.run();
    double[] s = new double[reps];
    for (int i = 0; i < reps; i++) {
      long t0 = System.nanoTime();
      action.run();
      s[i] = (System.nanoTime() - t0) / 1e9;
    }
    return of(s);
  }

  /** Summarises measured seconds. */
  public static Timing of(double[] seconds) {
    double[] s = seconds.clone();
    Arrays.sort(s);
    int n = s.length;
    double median = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    return new Timing(median, s[0], s[n - 1], n);
  }

  /** (max - min) / median: the spread of the repetitions. */
  public double spread() {
    return (maxSeconds - minSeconds) / medianSeconds;
  }
}
