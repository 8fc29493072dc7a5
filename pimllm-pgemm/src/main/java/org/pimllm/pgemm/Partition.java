package org.pimllm.pgemm;

/**
 * Partition factors: the batch is cut into fB groups, M into fM parts, K into fK parts, N into fN parts;
 * one DPU per combination, so {@link #dpus()} = fB * fM * fK * fN.
 */
public record Partition(int fB, int fM, int fK, int fN) {

  public Partition {
    if (fB < 1 || fM < 1 || fK < 1 || fN < 1) {
      throw new IllegalArgumentException("partition factors must be >= 1, got fB=" + fB + " fM=" + fM
          + " fK=" + fK + " fN=" + fN);
    }
  }

  public static Partition of(int fM, int fK, int fN) {
    return new Partition(1, fM, fK, fN);
  }

  public long dpusLong() {
    return (long) fB * fM * fK * fN;
  }

  /** DPUs used; an error if the product overflows an int (no machine has that many DPUs). */
  public int dpus() {
    long d = dpusLong();
    if (d > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("partition " + this + " needs " + d + " DPUs");
    }
    return (int) d;
  }

  /** Distinct B slices, one per (gb, gk, gn); 1 means every DPU holds the same B, which is then broadcast. */
  public int bSlices() {
    return fB * fK * fN;
  }

  /** Distinct A slices, one per (gb, gm, gk); 1 means every DPU holds the same A, which is then broadcast. */
  public int aSlices() {
    return fB * fM * fK;
  }

  /** DPU index of the block (gb, gm, gk, gn); K parts of one output block are neighbours. */
  public int dpuIndex(int gb, int gm, int gk, int gn) {
    return ((gb * fM + gm) * fN + gn) * fK + gk;
  }

  @Override
  public String toString() {
    return "fB=" + fB + " fM=" + fM + " fK=" + fK + " fN=" + fN;
  }
}
