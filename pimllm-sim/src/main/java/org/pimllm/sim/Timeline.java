package org.pimllm.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Simulated time of one {@link PimSystem}, as a list of categorized events.
 *
 * <p>The host is sequential: {@link #charge} starts an event at the host clock and advances the clock past
 * it. An asynchronous launch records its kernel event without advancing the clock (the host may do other
 * work meanwhile); {@code sync} then advances the clock to the kernel's end. Operations queued rank by rank
 * ({@link DpuSet#beginAsync}) are recorded at sync at the times their {@link RankPipeline} schedule gives, so they
 * overlap each other. So {@link #total()} is elapsed
 * simulated time, while {@link #total(Category)} sums the durations of one category (overlapping events
 * each count fully).
 */
public final class Timeline {

  private final List<Event> events = new ArrayList<>();
  /** frontier.get(i) = latest end among events[0, i), i.e. elapsed time when event i was recorded. */
  private final List<Double> frontier = new ArrayList<>();
  private final Map<Category, Double> totals = new EnumMap<>(Category.class);
  private double now;
  private double latestEnd;

  /** Charges seconds of the category at the host clock and advances the clock. */
  public void charge(Category c, String label, double seconds) {
    charge(c, label, seconds, 0);
  }

  /** Same as {@link #charge(Category, String, double)}, recording bytes moved. */
  public void charge(Category c, String label, double seconds, long bytes) {
    record(c, label, now, seconds, bytes);
    now += seconds;
  }

  /** Records an event that starts at the host clock but does not advance it (asynchronous work). */
  void recordAsync(Category c, String label, double seconds, long bytes) {
    record(c, label, now, seconds, bytes);
  }

  /** Records an event at a given start (work scheduled off the host thread, e.g. a {@link RankPipeline}). */
  void recordAt(Category c, String label, double start, double seconds, long bytes) {
    record(c, label, start, seconds, bytes);
  }

  /** Advances the host clock to at least {@code seconds} (waiting for asynchronous work). */
  void waitUntil(double seconds) {
    now = Math.max(now, seconds);
    latestEnd = Math.max(latestEnd, now);
  }

  private void record(Category c, String label, double start, double seconds, long bytes) {
    if (!(seconds >= 0) || Double.isInfinite(seconds)) {
      throw new IllegalArgumentException("cannot charge " + seconds + " s to " + c + " (" + label + "): time must be finite and >= 0");
    }
    frontier.add(latestEnd);
    events.add(new Event(c, label, start, seconds, bytes));
    totals.merge(c, seconds, Double::sum);
    latestEnd = Math.max(latestEnd, start + seconds);
  }

  /** Host clock: when the next synchronous charge starts. */
  public double now() {
    return now;
  }

  /** Sum of the durations of the category's events, in seconds. */
  public double total(Category c) {
    return totals.getOrDefault(c, 0.0);
  }

  /** Elapsed simulated time in seconds: the end of the latest event (or the host clock, if later). */
  public double total() {
    return Math.max(latestEnd, now);
  }

  /** A mark to measure a region with {@link #totalSince}. */
  public long mark() {
    return events.size();
  }

  /** Sum of durations of the category's events recorded since the mark. */
  public double totalSince(long mark, Category c) {
    double sum = 0;
    for (int i = checkMark(mark); i < events.size(); i++) {
      Event e = events.get(i);
      if (e.category() == c) {
        sum += e.seconds();
      }
    }
    return sum;
  }

  /** Elapsed simulated time since the mark. */
  public double totalSince(long mark) {
    int i = checkMark(mark);
    double start = i < frontier.size() ? frontier.get(i) : total();
    return total() - start;
  }

  private int checkMark(long mark) {
    if (mark < 0 || mark > events.size()) {
      throw new IllegalArgumentException("unknown timeline mark " + mark + "; use a value returned by mark()");
    }
    return (int) mark;
  }

  /** All events, in the order they were recorded. */
  public List<Event> events() {
    return Collections.unmodifiableList(events);
  }
}
