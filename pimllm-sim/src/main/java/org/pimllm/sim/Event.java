package org.pimllm.sim;

/**
 * One charge on a {@link Timeline}.
 *
 * @param category what the time was spent on
 * @param label a short description (e.g. "push 2048 DPUs x 4096 B")
 * @param startSeconds simulated time at which it started
 * @param seconds its duration
 * @param bytes bytes moved, 0 when none
 */
public record Event(Category category, String label, double startSeconds, double seconds, long bytes) {
  public double endSeconds() {
    return startSeconds + seconds;
  }
}
