package org.pimllm.sim;

/**
 * Seconds of host<->DPU transfers and of alloc/load/launch/free, from the preset.
 *
 * <p>Bandwidth is interpolated between published points. Within one rank, a transfer to d DPUs runs at
 * {@code serial * d^e}, with e chosen so that d = dpusPerRank gives the published per-rank figure (a power
 * law through the 1-DPU and 64-DPU points). Over r ranks it grows sublinearly, {@code perRank * r^x}, x from
 * the preset. A call costs a fixed per-call time plus the bytes over that bandwidth. Library code (the
 * GEMM tile selector) uses the same functions, so estimate and simulation agree.
 */
public final class HostTransferModel {

  /** Direction of a transfer. */
  public enum Direction { H2D, D2H }

  /** Kind of transfer, as in the SDK. */
  public enum Kind { SERIAL, PARALLEL, BROADCAST }

  private final HardwareConfig cfg;

  public HostTransferModel(HardwareConfig cfg) {
    this.cfg = cfg;
  }

  /** Bytes/s a transfer of this kind reaches when it involves nrDpus DPUs spread over nrRanks ranks. */
  public double bandwidth(Kind kind, Direction dir, int nrDpus, int nrRanks) {
    HardwareConfig.HostLink h = cfg.host();
    double serial = dir == Direction.H2D ? h.serialH2D() : h.serialD2H();
    if (kind == Kind.SERIAL) {
      return serial;
    }
    if (kind == Kind.BROADCAST && dir == Direction.D2H) {
      throw new IllegalArgumentException("there is no broadcast from DPUs to the host; use a parallel pull");
    }
    if (nrDpus < 1 || nrRanks < 1 || nrRanks > nrDpus) {
      throw new IllegalArgumentException("a transfer needs 1 <= ranks <= DPUs, got " + nrDpus + " DPUs on " + nrRanks + " ranks");
    }
    double perRankPublished = switch (kind) {
      case PARALLEL -> dir == Direction.H2D ? h.parallelH2DPerRank() : h.parallelD2HPerRank();
      case BROADCAST -> h.broadcastPerRank();
      case SERIAL -> throw new AssertionError();
    };
    double dpusPerRankUsed = Math.min((double) nrDpus / nrRanks, cfg.dpusPerRank());
    double withinRank = cfg.dpusPerRank() == 1 ? 0
        : Math.log(perRankPublished / serial) / Math.log(cfg.dpusPerRank());
    double perRank = serial * Math.pow(dpusPerRankUsed, withinRank);
    double rankExponent = dir == Direction.H2D ? h.rankExponentH2D() : h.rankExponentD2H();
    return perRank * Math.pow(nrRanks, rankExponent);
  }

  /** dpu_copy_to / dpu_copy_from of one buffer to one DPU. */
  public double serialSeconds(Direction dir, long bytes) {
    return cfg.host().serialCallSeconds() + bytes / bandwidth(Kind.SERIAL, dir, 1, 1);
  }

  /** dpu_push_xfer of bytesPerDpu to (or from) each of nrDpus DPUs on nrRanks ranks. */
  public double parallelSeconds(Direction dir, int nrDpus, int nrRanks, long bytesPerDpu) {
    return cfg.host().parallelCallSeconds()
        + (double) bytesPerDpu * nrDpus / bandwidth(Kind.PARALLEL, dir, nrDpus, nrRanks);
  }

  /** dpu_broadcast_to of one buffer of bytes to nrDpus DPUs on nrRanks ranks. */
  public double broadcastSeconds(int nrDpus, int nrRanks, long bytes) {
    return cfg.host().broadcastCallSeconds()
        + (double) bytes * nrDpus / bandwidth(Kind.BROADCAST, Direction.H2D, nrDpus, nrRanks);
  }

  public double allocSeconds(int nrRanks) {
    return cfg.system().allocSecondsPerRank() * nrRanks;
  }

  public double freeSeconds(int nrRanks) {
    return cfg.system().freeSecondsPerRank() * nrRanks;
  }

  public double loadSeconds(int nrRanks) {
    return cfg.system().loadSecondsPerRank() * nrRanks;
  }

  public double launchSeconds(int nrRanks) {
    return cfg.system().launchSeconds() + cfg.system().launchSecondsPerRank() * nrRanks;
  }
}
