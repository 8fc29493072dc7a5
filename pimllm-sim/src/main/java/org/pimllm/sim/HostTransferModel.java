package org.pimllm.sim;

/**
 * Seconds of host<->DPU transfers and of alloc/load/launch/free, from the preset.
 *
 * <p>A parallel push, pull or broadcast is work the host CPU does rank by rank: the SDK gives each rank's
 * transfer to {@code transferThreadsPerRank} threads that interleave the bytes of the rank's 8 chips
 * (byte_interleave_avx512) and stream them to the rank's memory region. The model, per call:
 *
 * <ol>
 *   <li>One rank alone runs at the published per-rank rate (PrIM), which within a rank follows a power law
 *       through the 1-DPU (serial) and 64-DPU points for ranks that are partly used.</li>
 *   <li>Ranks sit on {@code sockets} sockets, in order ({@link HardwareConfig#physicalRanks()} / sockets
 *       each); the ranks of a call are the first {@code nrRanks} ranks of the machine, as a fresh allocation
 *       grants them.</li>
 *   <li>Channels: the SDK keeps one thread pool per DDR channel and locks it for a rank's transfer, so ranks on
 *       one channel go one after the other; a socket's ranks are spread over its {@code pimChannelsPerSocket}
 *       channels: ceil(ranks / channels) rank-transfers in a row.</li>
 *   <li>Host cores: every rank-transfer keeps {@code transferThreadsPerRank} threads busy (PrIM's rate is what
 *       those threads reach); a socket's {@code transferCoresPerSocket} cores run them, so a socket needs at
 *       least ranks x threads / cores rank-transfer times.</li>
 *   <li>NUMA: host buffers live on the first socket unless the preset places them NUMA-aware; ranks of another
 *       socket then read/write them across the socket link, {@code remoteNumaSlowdown} times slower.</li>
 *   <li>Sockets work in parallel; the call ends with the slowest. A call costs a fixed time plus the bytes
 *       over the resulting bandwidth.</li>
 * </ol>
 *
 * The bandwidth depends on the kind, direction, DPU and rank counts only (not on the bytes), so library code
 * (the GEMM cost model) can cache it per DPU count and still charge exactly what the simulator charges.
 * {@link #referenceBandwidth} is a rank-by-rank schedule of the same rules that tests compare against.
 */
public final class HostTransferModel {

  /** Direction of a transfer. */
  public enum Direction { H2D, D2H }

  /** Kind of transfer, as in the SDK. */
  public enum Kind { SERIAL, PARALLEL, BROADCAST }

  /** What bounds a parallel transfer: the rank links, the DDR channels (ranks serialized), or the host cores. */
  public enum Bound { RANK_LINK, CHANNELS, HOST_CORES }

  /**
   * The limits of one transfer: its bandwidth (bytes delivered to all DPUs per second), what binds it, and the
   * socket whose ranks finish last.
   */
  public record Limits(double bytesPerSecond, Bound bound, int slowestSocket) {}

  private final HardwareConfig cfg;

  public HostTransferModel(HardwareConfig cfg) {
    this.cfg = cfg;
  }

  /** Bytes/s a transfer of this kind reaches when it involves nrDpus DPUs spread over nrRanks ranks. */
  public double bandwidth(Kind kind, Direction dir, int nrDpus, int nrRanks) {
    HardwareConfig.HostLink h = cfg.host();
    if (kind == Kind.SERIAL) {
      return dir == Direction.H2D ? h.serialH2D() : h.serialD2H();
    }
    return limits(kind, dir, nrDpus, nrRanks).bytesPerSecond();
  }

  /** The limits of a parallel or broadcast transfer to nrDpus DPUs on the machine's first nrRanks ranks. */
  public Limits limits(Kind kind, Direction dir, int nrDpus, int nrRanks) {
    double rankRate = rankRate(kind, dir, nrDpus, nrRanks);
    HardwareConfig.HostLink h = cfg.host();
    double dpusPerRankUsed = (double) nrDpus / nrRanks;
    // Seconds per byte of per-DPU length that one rank-transfer takes on its own.
    double rankSecondsPerByte = dpusPerRankUsed / rankRate;
    int perSocket = ranksPerSocket();
    double worst = -1;
    Bound bound = Bound.RANK_LINK;
    int slowest = 0;
    for (int s = 0; s < h.sockets(); s++) {
      int ranks = Math.max(0, Math.min(nrRanks, (s + 1) * perSocket) - s * perSocket);
      if (ranks == 0) {
        continue;
      }
      double slowdown = remote(s) ? h.remoteNumaSlowdown() : 1;
      // Rank-transfers go in rounds: round j runs one rank on each channel that still has j ranks, and the
      // running ones share the socket's cores, so a round lasts max(1, running x threads / cores) rank-times.
      int channels = h.pimChannelsPerSocket();
      int rounds = Math.ceilDiv(ranks, channels);
      double rankTimes = 0;
      boolean coreBound = false;
      for (int j = 0; j < rounds; j++) {
        int running = Math.min(channels, ranks - j * channels);
        double demand = (double) running * h.transferThreadsPerRank() / h.transferCoresPerSocket();
        coreBound |= demand > 1;
        rankTimes += Math.max(1, demand);
      }
      double seconds = rankTimes * rankSecondsPerByte * slowdown;
      if (seconds > worst) {
        worst = seconds;
        slowest = s;
        bound = coreBound ? Bound.HOST_CORES : rounds > 1 ? Bound.CHANNELS : Bound.RANK_LINK;
      }
    }
    return new Limits(nrDpus / worst, bound, slowest);
  }

  /**
   * The reference for {@link #limits}: an event-by-event schedule of the rank-transfers (each channel takes its
   * ranks in order; a socket's cores are shared equally by the rank-transfers running at once), returning bytes
   * delivered per second of the last one to finish. Slower than the closed form; tests check they agree.
   */
  public double referenceBandwidth(Kind kind, Direction dir, int nrDpus, int nrRanks) {
    double rankRate = rankRate(kind, dir, nrDpus, nrRanks);
    HardwareConfig.HostLink h = cfg.host();
    int perSocket = ranksPerSocket();
    int channels = h.pimChannelsPerSocket();
    double end = 0;
    for (int s = 0; s < h.sockets(); s++) {
      // Deal the socket's ranks to its channels in order; each is one rank-transfer of the same work.
      double work = (double) nrDpus / nrRanks / rankRate * (remote(s) ? h.remoteNumaSlowdown() : 1);
      int[] queued = new int[channels];
      int dealt = 0;
      for (int r = s * perSocket; r < Math.min(nrRanks, (s + 1) * perSocket); r++) {
        queued[dealt++ % channels]++;
      }
      double[] left = new double[channels]; // work left of the rank-transfer running on each channel
      for (int c = 0; c < channels; c++) {
        if (queued[c] > 0) {
          queued[c]--;
          left[c] = work;
        }
      }
      double now = 0;
      while (true) {
        int running = 0;
        for (double l : left) {
          running += l > 0 ? 1 : 0;
        }
        if (running == 0) {
          break;
        }
        // Each running transfer gets an equal share of the cores, at most the threads it can use.
        double speed = Math.min(1, (double) h.transferCoresPerSocket() / (running * h.transferThreadsPerRank()));
        double step = Double.POSITIVE_INFINITY;
        for (double l : left) {
          if (l > 0) {
            step = Math.min(step, l / speed);
          }
        }
        now += step;
        for (int c = 0; c < channels; c++) {
          if (left[c] > 0) {
            left[c] -= step * speed;
            if (left[c] <= work * 1e-12) {
              left[c] = 0;
              if (queued[c] > 0) {
                queued[c]--;
                left[c] = work;
              }
            }
          }
        }
      }
      end = Math.max(end, now);
    }
    return nrDpus / end;
  }

  /** Bytes/s of one rank-transfer alone with nrDpus / nrRanks DPUs of the rank used (PrIM's figures). */
  private double rankRate(Kind kind, Direction dir, int nrDpus, int nrRanks) {
    HardwareConfig.HostLink h = cfg.host();
    if (kind == Kind.BROADCAST && dir == Direction.D2H) {
      throw new IllegalArgumentException("there is no broadcast from DPUs to the host; use a parallel pull");
    }
    if (nrDpus < 1 || nrRanks < 1 || nrRanks > nrDpus) {
      throw new IllegalArgumentException("a transfer needs 1 <= ranks <= DPUs, got " + nrDpus + " DPUs on " + nrRanks + " ranks");
    }
    if (nrRanks > cfg.physicalRanks() || nrDpus > (long) nrRanks * cfg.dpusPerRank()) {
      throw new IllegalArgumentException(nrDpus + " DPUs on " + nrRanks + " ranks do not fit " + cfg.name() + " ("
          + cfg.physicalRanks() + " ranks of " + cfg.dpusPerRank() + " DPUs)");
    }
    double serial = dir == Direction.H2D ? h.serialH2D() : h.serialD2H();
    double perRankPublished = switch (kind) {
      case PARALLEL -> dir == Direction.H2D ? h.parallelH2DPerRank() : h.parallelD2HPerRank();
      case BROADCAST -> h.broadcastPerRank();
      case SERIAL -> throw new AssertionError("serial copies have no rank rate");
    };
    double dpusPerRankUsed = Math.min((double) nrDpus / nrRanks, cfg.dpusPerRank());
    double withinRank = cfg.dpusPerRank() == 1 ? 0
        : Math.log(perRankPublished / serial) / Math.log(cfg.dpusPerRank());
    return serial * Math.pow(dpusPerRankUsed, withinRank);
  }

  /**
   * Seconds one rank-transfer of a call to nrDpus DPUs on the first nrRanks ranks takes on its own (no other
   * transfer sharing the host's cores): the rank's DPUs x bytesPerDpu at the per-rank rate, NUMA slowdown
   * included. {@link #limits} is built from the same rank-time; {@link RankPipeline} schedules rank-transfers
   * one by one with it.
   */
  public double rankTransferSeconds(Kind kind, Direction dir, int nrDpus, int nrRanks, long bytesPerDpu, int rank) {
    double rankRate = rankRate(kind, dir, nrDpus, nrRanks);
    double slowdown = remote(socketOf(rank)) ? cfg.host().remoteNumaSlowdown() : 1;
    return (double) nrDpus / nrRanks * bytesPerDpu / rankRate * slowdown;
  }

  /** The socket of rank r (ranks sit on the sockets in order). */
  public int socketOf(int rank) {
    return rank / ranksPerSocket();
  }

  /** The DDR channel (0 .. pimChannelsPerSocket - 1) of rank r within its socket: a socket's ranks dealt in order. */
  public int channelOf(int rank) {
    return (rank - socketOf(rank) * ranksPerSocket()) % cfg.host().pimChannelsPerSocket();
  }

  /** Ranks on each socket (the last may hold fewer). */
  private int ranksPerSocket() {
    return Math.ceilDiv(cfg.physicalRanks(), cfg.host().sockets());
  }

  /** Whether ranks of socket s reach their host buffers across the socket link. */
  private boolean remote(int socket) {
    return socket != 0 && !cfg.host().numaAwareAllocation();
  }

  /** dpu_copy_to / dpu_copy_from of one buffer to one DPU. */
  public double serialSeconds(Direction dir, long bytes) {
    return cfg.host().serialCallSeconds() + bytes / bandwidth(Kind.SERIAL, dir, 1, 1);
  }

  /** dpu_push_xfer of bytesPerDpu to (or from) each of nrDpus DPUs on nrRanks ranks. */
  public double parallelSeconds(Direction dir, int nrDpus, int nrRanks, long bytesPerDpu) {
    return parallelCallSeconds(dir)
        + (double) bytesPerDpu * nrDpus / bandwidth(Kind.PARALLEL, dir, nrDpus, nrRanks);
  }

  /** Fixed seconds of one dpu_push_xfer call: a pull costs more than a push on real hardware (docs/simulator.md). */
  public double parallelCallSeconds(Direction dir) {
    return dir == Direction.H2D ? cfg.host().parallelH2DCallSeconds() : cfg.host().parallelD2HCallSeconds();
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
