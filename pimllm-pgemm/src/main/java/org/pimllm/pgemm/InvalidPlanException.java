package org.pimllm.pgemm;

import java.util.List;

/** A plan the machine cannot run; the message names every violated limit. */
public final class InvalidPlanException extends IllegalArgumentException {
  private final transient List<String> violations;

  public InvalidPlanException(TilingPlan plan, List<String> violations) {
    super("illegal GEMM plan " + plan + ": " + String.join("; ", violations));
    this.violations = List.copyOf(violations);
  }

  public List<String> violations() {
    return violations;
  }
}
