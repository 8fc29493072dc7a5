package org.pimllm.pgemm;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * PGEMMlib's tiling strategies (the paper's APIs). Each is a set of rules on the partition factors
 * (fB, fM, fK, fN); every DPU computes one {@code ceil(b/fB) x ceil(M/fM) x ceil(K/fK) x ceil(N/fN)} block.
 * fM is free in every strategy: rows of A are always spread over the DPUs left after the other factors.
 */
public enum Strategy {
  /** Rows of A across DPUs; every DPU gets all of B (broadcast). fK = fN = fB = 1. */
  BASE,
  /** B and C split along N (fN >= 2), rows of A over the remaining DPUs. fK = fB = 1. */
  NTILE,
  /** A and B split along K (fK >= 2); partial C summed on the host. fN = fB = 1. */
  KTILE,
  /** N and K tiling together (fN >= 2, fK >= 2). fB = 1. */
  MIXED,
  /** DPUs divided evenly over the batch (fB >= 2); inside a batch group any fM, fK, fN. */
  BATCHED;

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Why the factors break this strategy's rules, or null if they do not. */
  public String ruleViolation(Partition p) {
    return switch (this) {
      case BASE -> p.fB() == 1 && p.fK() == 1 && p.fN() == 1 ? null
          : "BaseGEMM splits only rows of A (fM); it needs fB = fK = fN = 1, got " + p;
      case NTILE -> p.fB() == 1 && p.fK() == 1 && p.fN() >= 2 ? null
          : "NtileGEMM needs fN >= 2 and fK = fB = 1, got " + p;
      case KTILE -> p.fB() == 1 && p.fN() == 1 && p.fK() >= 2 ? null
          : "KtileGEMM needs fK >= 2 and fN = fB = 1, got " + p;
      case MIXED -> p.fB() == 1 && p.fK() >= 2 && p.fN() >= 2 ? null
          : "MixedGEMM needs fN >= 2, fK >= 2 and fB = 1, got " + p;
      case BATCHED -> p.fB() >= 2 ? null
          : "BatchedGEMM divides the DPUs over the batch; it needs fB >= 2 (and a batch b >= 2), got " + p;
    };
  }

  /** Parses "base", "ntile", ...; "auto" and unknown names are errors naming the known strategies. */
  public static Strategy parse(String text) {
    String t = text.trim().toUpperCase(Locale.ROOT);
    for (Strategy s : values()) {
      if (s.name().equals(t)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown GEMM strategy '" + text + "'; known: "
        + Arrays.stream(values()).map(Strategy::cliName).collect(Collectors.joining(", ")));
  }
}
