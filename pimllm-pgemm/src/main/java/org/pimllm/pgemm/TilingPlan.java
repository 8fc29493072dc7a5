package org.pimllm.pgemm;

import java.util.Objects;

/**
 * How one GEMM runs on the PIM machine: the strategy, its partition factors, and the in-DPU kernel
 * parameters, for one shape and dtype. A plan is a value; {@link PlanValidator} says whether a machine can
 * run it, {@link PgemmLib} runs it.
 */
public record TilingPlan(Strategy strategy, GemmShape shape, GemmDType dtype, Partition partition, KernelParams kernel) {

  public TilingPlan {
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(dtype, "dtype");
    Objects.requireNonNull(partition, "partition");
    Objects.requireNonNull(kernel, "kernel");
  }

  public int dpus() {
    return partition.dpus();
  }

  /** The same factors and kernel for another number of rows M (e.g. another sequence length). */
  public TilingPlan withShape(GemmShape newShape) {
    return new TilingPlan(strategy, newShape, dtype, partition, kernel);
  }

  /** What each DPU holds: slice sizes (padded) and where they sit in MRAM. */
  public DpuSlice slice() {
    return DpuSlice.of(this);
  }

  @Override
  public String toString() {
    return strategy.cliName() + " " + shape + " " + dtype.cliName() + " [" + partition + "] [" + kernel + "] on "
        + dpus() + " DPUs";
  }

  /**
   * One DPU's share of a plan. The dimensions are cut into parts of {@code bPart = ceil(b/fB)},
   * {@code mPart = ceil(M/fM)}, {@code kPart = ceil(K/fK)}, {@code nPart = ceil(N/fN)}; each DPU's slice is
   * padded to the same {@code bLoc x mLoc x kLoc x nLoc} so every parallel push has one length: kLoc is kPart
   * rounded up to a multiple of Tile_K, nLoc is nPart rounded up to even (so each C row is a multiple of 8
   * bytes). Padding is zeros, so results stay exact.
   *
   * <p>MRAM layout: B first (an nLoc x kLoc column-major slice per batch entry; an int4 B column is a run of
   * tile records, see {@link Int4Weights}, so resident weights stay put
   * whatever M is), then A (mLoc x kLoc row-major), then C (mLoc x nLoc row-major int32/fp32).
   */
  public record DpuSlice(int bLoc, int mLoc, int kPart, int kLoc, int nPart, int nLoc, long bBytes, long aBytes,
      long cBytes) {

    static DpuSlice of(TilingPlan p) {
      return of(p.shape(), p.dtype(), p.partition(), p.kernel().tileK());
    }

    /** The slice of a shape cut by a partition, before kernel parameters are chosen (tileK = 1: K unpadded). */
    public static DpuSlice of(GemmShape s, GemmDType t, Partition f, int tileK) {
      int es = t.bytes();
      int bLoc = Math.ceilDiv(s.b(), f.fB());
      int mLoc = Math.ceilDiv(s.m(), f.fM());
      int kPart = kPart(s.k(), f.fK(), t);
      int kLoc = roundUp(kPart, tileK);
      int nPart = Math.ceilDiv(s.n(), f.fN());
      int nLoc = roundUp(nPart, 2);
      long bBytes = t.isInt4() ? bLoc * nLoc * Int4Weights.columnBytes(t, kLoc, tileK) : (long) bLoc * nLoc * kLoc * es;
      long aBytes = (long) bLoc * mLoc * kLoc * es;
      long cBytes = (long) bLoc * mLoc * nLoc * t.accumulatorBytes();
      return new DpuSlice(bLoc, mLoc, kPart, kLoc, nPart, nLoc, bBytes, aBytes, cBytes);
    }

    /** The K part of one DPU: ceil(K / fK), rounded up to whole groups for int4 (a group's multiplier is per DPU). */
    public static int kPart(int k, int fK, GemmDType t) {
      int part = Math.ceilDiv(k, fK);
      return t.isInt4() && fK > 1 ? roundUp(part, t.int4Group()) : part;
    }

    public long bOffset() {
      return 0;
    }

    public long aOffset() {
      return roundUp8(bBytes);
    }

    public long cOffset() {
      return aOffset() + roundUp8(aBytes);
    }

    /** MRAM bytes one DPU needs. */
    public long mramBytes() {
      return cOffset() + roundUp8(cBytes);
    }

    /** Multiply-accumulates one DPU executes, padding included. */
    public long macs() {
      return (long) bLoc * mLoc * kLoc * nLoc;
    }

    private static long roundUp8(long v) {
      return (v + 7) & ~7L;
    }
  }

  static int roundUp(int v, int multiple) {
    return Math.ceilDiv(v, multiple) * multiple;
  }
}
