package org.pimllm.sim;

/** What simulated time on a {@link Timeline} was spent on. */
public enum Category {
  /** dpu_alloc: charged per rank granted. */
  ALLOC,
  /** dpu_load: loading a program into IRAM, charged per rank. */
  LOAD,
  /** Host to DPU (MRAM or WRAM) transfers. */
  H2D,
  /** DPU execution: the slowest DPU of a launch. */
  KERNEL,
  /** DPU to host transfers. */
  D2H,
  /** Host-CPU work charged by libraries (e.g. a host-side reduction or transposition). */
  HOST,
  /** Fixed overhead of starting a launch (boot of the DPUs, polling for completion). */
  LAUNCH,
  /** dpu_free: charged per rank released. */
  FREE;

  /**
   * The sum of seconds by category, added in this enum's order: an immutable map (Map.copyOf) iterates in an order
   * that changes from JVM to JVM, and a floating-point sum in that order differs in its last bits between runs.
   */
  public static double sum(java.util.Map<Category, Double> seconds) {
    double total = 0;
    for (Category c : values()) {
      total += seconds.getOrDefault(c, 0.0);
    }
    return total;
  }
}
