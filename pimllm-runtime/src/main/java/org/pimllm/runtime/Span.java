package org.pimllm.runtime;

/**
 * One stretch of simulated time in an inference's timeline.
 *
 * @param op           index of the op in evaluation order (-1 for one-time work)
 * @param category     what the time was spent on
 * @param label        a short description
 * @param startSeconds when it started, from the start of the inference (or of the one-time setup)
 * @param seconds      how long it took
 * @param bytes        bytes moved, 0 when none
 */
public record Span(int op, TimeCategory category, String label, double startSeconds, double seconds, long bytes) {
}
