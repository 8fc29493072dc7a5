package org.pimllm.testkit;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import net.jqwik.api.Arbitrary;

/**
 * One fuzz campaign: a seeded, reproducible series of cases against one kind of user input, each classified as
 * {@link Outcome#SUCCESS}, {@link Outcome#CLEAR_ERROR}, {@link Outcome#CRASH}, {@link Outcome#HANG} or
 * {@link Outcome#MEMORY_BLOWUP} (docs/reliability.md says what each means).
 *
 * <p>Each case runs on its own platform thread with the JVM's default stack size (what the {@code pimllm}
 * command's main thread has), so a StackOverflowError a user would see shows up here too. The thread's allocated
 * bytes (com.sun.management.ThreadMXBean) are compared with a budget that grows with the input's size; an
 * OutOfMemoryError is a blow-up as well. Allocations of other threads the case starts are not counted.
 *
 * <p>Case count: {@code -Dpimllm.fuzz.tries=N} sets every campaign's count (the long campaign); without it each
 * campaign runs its own small default so {@code mvn test} stays fast. Seed: {@code -Dpimllm.fuzz.seed=S} (default
 * a fixed one per campaign); a failing case is reported with its index, and {@link #random(int)} of that index
 * regenerates it.
 *
 * <p>{@link #finish()} writes {@code target/fuzz-reports/NAME.txt} and throws an AssertionError listing the
 * crashes, hangs and blow-ups when there is any, or when no case succeeded or none was refused (the generators would
 * then exercise only one path).
 */
public final class Campaign {

  /** What one case did. */
  public enum Outcome {
    /** The input was accepted and the operation completed. */
    SUCCESS,
    /** The input was refused with one of the documented error types and a one-line message. */
    CLEAR_ERROR,
    /** Anything else: another exception or Error, a stack trace or an internal-error exit code. */
    CRASH,
    /** The case did not end within the per-case time limit. */
    HANG,
    /** The case allocated more than its budget, or ran out of memory. */
    MEMORY_BLOWUP
  }

  /** The body of a case: returns SUCCESS or CLEAR_ERROR, or throws (classified by the campaign's predicate). */
  @FunctionalInterface
  public interface Body {
    Outcome run() throws Exception;
  }

  /** A case that was not clean, kept for the report. */
  public record Finding(int index, Outcome outcome, String label, String detail) {}

  /** What the running case says about itself (e.g. the error line a CLI printed); see {@link #note}. */
  private static final ThreadLocal<String> NOTE = new ThreadLocal<>();

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private final String name;
  private final long seed;
  private final int tries;
  private final Duration timeout;
  private final Predicate<Throwable> clearError;
  private long fixedBudget = 256L << 20;
  private long bytesPerInputByte = 64;
  private final Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
  private final Map<String, Integer> clearMessages = new TreeMap<>();
  private final List<Finding> findings = new ArrayList<>();
  private final List<String> succeeded = new ArrayList<>();
  /** Every case: index, outcome, ms, label and detail (written to NAME-cases.txt for review). */
  private final StringBuilder log = new StringBuilder();
  private long maxAllocated;
  /** The slowest cases (elapsed ms, then the label), for the report. */
  private final java.util.TreeMap<Long, String> slowest = new java.util.TreeMap<>();

  /**
   * @param name the campaign's name (report file, summary line)
   * @param defaultTries cases in {@code mvn test}; {@code -Dpimllm.fuzz.tries} overrides it
   * @param defaultSeed the campaign's fixed seed; {@code -Dpimllm.fuzz.seed} overrides it
   * @param timeout per-case limit; a case still running then is a hang
   * @param clearError which thrown exceptions are the documented, clear errors of this input
   */
  public Campaign(String name, int defaultTries, long defaultSeed, Duration timeout, Predicate<Throwable> clearError) {
    this.name = name;
    this.tries = Integer.getInteger("pimllm.fuzz.tries", defaultTries);
    this.seed = Long.getLong("pimllm.fuzz.seed", defaultSeed);
    this.timeout = timeout;
    this.clearError = clearError;
    for (Outcome o : Outcome.values()) {
      counts.put(o, 0);
    }
  }

  /** Allocation budget of a case: fixed bytes plus a multiple of the input's size. */
  public Campaign budget(long fixedBytes, long perInputByte) {
    this.fixedBudget = fixedBytes;
    this.bytesPerInputByte = perInputByte;
    return this;
  }

  /** Cases this campaign runs. */
  public int tries() {
    return tries;
  }

  /** The random source of case {@code index}: the same seed and index give the same case. */
  public Random random(int index) {
    // SplitMix64's finalizer: java.util.Random's first draws of nearby seeds are correlated
    long z = seed + 0x9E3779B97F4A7C15L * (index + 1L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return new Random(z ^ (z >>> 31));
  }

  /** A value drawn from a jqwik arbitrary with the given random source (reproducible). */
  public static <T> T draw(Arbitrary<T> arbitrary, Random random) {
    return arbitrary.generator(1000).next(random).value();
  }

  /**
   * Called from a case's body: a description of its outcome for the report (the error line a command printed, when
   * the body returns CLEAR_ERROR rather than throwing).
   */
  public static void note(String detail) {
    NOTE.set(detail);
  }

  /** A one-line, non-blank message: what a clear error must carry. */
  public static boolean oneLine(String message) {
    return message != null && !message.isBlank() && !message.strip().contains("\n");
  }

  /**
   * Runs one case and records its outcome.
   *
   * @param index the case index (for reproduction)
   * @param label a short description of the input, shown for findings
   * @param inputBytes the input's size, which scales the allocation budget
   * @param body the operation under test
   */
  public Outcome run(int index, String label, long inputBytes, Body body) {
    AtomicReference<Outcome> outcome = new AtomicReference<>();
    AtomicReference<String> detail = new AtomicReference<>("");
    long[] allocated = {0};
    Thread worker = new Thread(() -> {
      long before = THREADS.getCurrentThreadAllocatedBytes();
      try {
        outcome.set(body.run());
        if (NOTE.get() != null) detail.set(NOTE.get());
      } catch (OutOfMemoryError e) {
        outcome.set(Outcome.MEMORY_BLOWUP);
        detail.set(String.valueOf(e));
      } catch (Throwable t) {
        if (clearError.test(t) && oneLine(t.getMessage())) {
          outcome.set(Outcome.CLEAR_ERROR);
          detail.set(t.getMessage());
        } else {
          outcome.set(Outcome.CRASH);
          detail.set(t + " at " + firstFrames(t));
        }
      } finally {
        allocated[0] = THREADS.getCurrentThreadAllocatedBytes() - before;
      }
    }, "fuzz-" + name + "-" + index);
    worker.setDaemon(true);
    long start = System.nanoTime();
    worker.start();
    try {
      worker.join(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    slowest.put(ms * 100_000 + index, ms + " ms, case " + index + " [" + label + "]");
    if (slowest.size() > 5) slowest.pollFirstEntry();
    Outcome result;
    if (worker.isAlive()) {
      worker.interrupt(); // a hung case cannot be killed; it is left to end on its own (daemon)
      result = Outcome.HANG;
      detail.set("still running after " + timeout.toMillis() + " ms");
    } else {
      result = outcome.get() == null ? Outcome.CRASH : outcome.get();
      long budget = fixedBudget + bytesPerInputByte * Math.max(0, inputBytes);
      maxAllocated = Math.max(maxAllocated, allocated[0]);
      if (result != Outcome.MEMORY_BLOWUP && allocated[0] > budget) {
        detail.set("allocated " + mib(allocated[0]) + " for a " + inputBytes + "-byte input (budget " + mib(budget)
            + "); " + result);
        result = Outcome.MEMORY_BLOWUP;
      }
    }
    counts.merge(result, 1, Integer::sum);
    log.append(index).append('\t').append(result).append('\t').append(ms).append(" ms\t").append(label).append('\t')
        .append(detail.get().strip().replace('\n', ' ')).append('\n');
    if (result == Outcome.SUCCESS && succeeded.size() < 30) {
      succeeded.add("case " + index + " [" + label + "]");
    }
    if (result == Outcome.CLEAR_ERROR) {
      clearMessages.merge(shape(detail.get()), 1, Integer::sum);
    } else if (result != Outcome.SUCCESS) {
      findings.add(new Finding(index, result, label, detail.get()));
    }
    return result;
  }

  /** Count of cases with this outcome so far. */
  public int count(Outcome o) {
    return counts.get(o);
  }

  /** Writes the report and fails when any case crashed, hung or blew up memory. */
  public void finish() {
    String summary = summary();
    StringBuilder report = new StringBuilder(summary).append('\n');
    report.append("seed ").append(seed).append(", per-case limit ").append(timeout.toMillis()).append(" ms, budget ")
        .append(mib(fixedBudget)).append(" + ").append(bytesPerInputByte).append(" B per input byte, max allocated ")
        .append(mib(maxAllocated)).append('\n');
    report.append("slowest cases (wall clock on the machine that ran them):\n");
    slowest.descendingMap().values().forEach(v -> report.append("  ").append(v).append('\n'));
    report.append("clear errors by message (numbers replaced by #):\n");
    clearMessages.entrySet().stream()
        .sorted((a, b) -> Integer.compare(b.getValue(), a.getValue()))
        .limit(40)
        .forEach(e -> report.append(String.format("  %6d  %s%n", e.getValue(), e.getKey())));
    report.append("first succeeding cases:\n");
    succeeded.forEach(v -> report.append("  ").append(v).append('\n'));
    for (Finding f : findings) {
      report.append(f.outcome()).append(" case ").append(f.index()).append(" [").append(f.label()).append("]: ")
          .append(f.detail()).append('\n');
    }
    try {
      Path dir = Path.of("target", "fuzz-reports");
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(name + ".txt"), report);
      Files.writeString(dir.resolve(name + "-cases.txt"), log);
    } catch (IOException e) {
      System.err.println("fuzz campaign " + name + ": cannot write its report: " + e.getMessage());
    }
    System.out.println(summary);
    if (findings.isEmpty() && (counts.get(Outcome.SUCCESS) == 0 || counts.get(Outcome.CLEAR_ERROR) == 0)) {
      // a campaign whose inputs all pass, or all fail at the first check, tests less than it claims
      throw new AssertionError(summary + ": the cases reach only one outcome; the generators need fixing");
    }
    if (!findings.isEmpty()) {
      StringBuilder msg = new StringBuilder(summary).append(" (seed ").append(seed).append(")");
      findings.stream().limit(10).forEach(f -> msg.append("\n  ").append(f.outcome()).append(" case ")
          .append(f.index()).append(" [").append(f.label()).append("]: ").append(f.detail()));
      throw new AssertionError(msg.toString());
    }
  }

  /** One line: cases, and the count of each outcome. */
  public String summary() {
    int total = counts.values().stream().mapToInt(Integer::intValue).sum();
    return String.format("fuzz %s: %d cases, %d succeeded, %d clear errors, %d crashes, %d hangs, %d memory blow-ups",
        name, total, counts.get(Outcome.SUCCESS), counts.get(Outcome.CLEAR_ERROR), counts.get(Outcome.CRASH),
        counts.get(Outcome.HANG), counts.get(Outcome.MEMORY_BLOWUP));
  }

  private static String shape(String message) {
    String oneLine = message.strip();
    String s = oneLine.replaceAll("-?[0-9][0-9.,_]*", "#");
    return s.length() > 110 ? s.substring(0, 110) + "..." : s;
  }

  private static String firstFrames(Throwable t) {
    StackTraceElement[] st = t.getStackTrace();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(4, st.length); i++) {
      sb.append(i == 0 ? "" : " < ").append(st[i]);
    }
    return sb.toString();
  }

  private static String mib(long bytes) {
    return String.format("%.1f MiB", bytes / 1048576.0);
  }
}
