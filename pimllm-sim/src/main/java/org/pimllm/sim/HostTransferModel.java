package org.pimllm.sim;

/**
 * Seconds of host<->DPU transfers and of alloc/load/launch/free, from the preset.
 *
 * <p>A parallel push, pull or broadcast is work the host CPU does rank by rank: the SDK gives each rank's
 * transfer to {@code transferThreadsPerRank} threads that interleave the bytes of the rank's 8 chips
 * (byte_interleave_avx512) and stream them to the rank's memory region. The model, per call:
 *
 * <ol>
 *   <li>One rank alone runs at the published per-rank rate (PrIM). Within a rank, a push follows how the SDK writes
 *       it ({@link HardwareConfig.Lines}): one 64-byte line per 8-byte word serves one DPU of each chip, so the
 *       DPUs of one member index share their lines; the pool's threads take consecutive members, and the busiest
 *       thread's lines (cost 1 each) plus its DPUs' words read from the host buffers (a word cost that is lower when
 *       the call's host bytes fit the last-level cache) set the time. A broadcast, or a push of one buffer to every
 *       DPU, reads one host word per line. A pull follows a power law through PrIM's 1-DPU (serial) and 64-DPU
 *       points; a pull of a WRAM symbol goes word by word through the chips' control interfaces.</li>
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
 * The bandwidth depends on the kind, direction, DPU and rank counts and on whether the host bytes sit in the
 * last-level cache; a call whose host bytes partly fit is charged the share {@link #cachedFraction} at the cached
 * bandwidth and the rest at the DRAM one, so library code (the GEMM cost model) can cache the two bandwidths per
 * DPU count and still charge exactly what the simulator charges.
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

  /** Bytes/s a transfer of this kind reaches when it involves nrDpus DPUs spread over nrRanks ranks (host bytes in DRAM). */
  public double bandwidth(Kind kind, Direction dir, int nrDpus, int nrRanks) {
    return bandwidth(kind, dir, nrDpus, nrRanks, false);
  }

  /** Bytes/s of the transfer with its host bytes in the last-level cache (cached) or in DRAM. */
  public double bandwidth(Kind kind, Direction dir, int nrDpus, int nrRanks, boolean cached) {
    HardwareConfig.HostLink h = cfg.host();
    if (kind == Kind.SERIAL) {
      return dir == Direction.H2D ? h.serialH2D() : h.serialD2H();
    }
    return limits(kind, dir, nrDpus, nrRanks, cached).bytesPerSecond();
  }

  /** Share of a call's host bytes that the last-level cache holds (1 when they fit). */
  public double cachedFraction(long hostBytes) {
    return hostBytes <= 0 ? 1 : Math.min(1, cfg.host().lines().llcBytes() / hostBytes);
  }

  /** The limits of a parallel or broadcast transfer to nrDpus DPUs on the machine's first nrRanks ranks (DRAM). */
  public Limits limits(Kind kind, Direction dir, int nrDpus, int nrRanks) {
    return limits(kind, dir, nrDpus, nrRanks, false);
  }

  /** The limits with the host bytes in the last-level cache (cached) or in DRAM. */
  public Limits limits(Kind kind, Direction dir, int nrDpus, int nrRanks, boolean cached) {
    return limitsOf(rankSecondsPerByte(kind, dir, nrDpus, nrRanks, cached, false), nrDpus, nrRanks);
  }

  /** The limits of a push that hands every DPU the same host buffer (PrIM's BS array, MLP's input vector). */
  public Limits sharedPushLimits(int nrDpus, int nrRanks, boolean cached) {
    return limitsOf(rankSecondsPerByte(Kind.PARALLEL, Direction.H2D, nrDpus, nrRanks, cached, true), nrDpus, nrRanks);
  }

  /** Spreads rank-transfers of rankSecondsPerByte (per byte of per-DPU length, alone) over sockets, channels, cores. */
  private Limits limitsOf(double rankSecondsPerByte, int nrDpus, int nrRanks) {
    HardwareConfig.HostLink h = cfg.host();
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
    double rankSecondsPerByte = rankSecondsPerByte(kind, dir, nrDpus, nrRanks, false, false);
    HardwareConfig.HostLink h = cfg.host();
    int perSocket = ranksPerSocket();
    int channels = h.pimChannelsPerSocket();
    double end = 0;
    for (int s = 0; s < h.sockets(); s++) {
      // Deal the socket's ranks to its channels in order; each is one rank-transfer of the same work.
      double work = rankSecondsPerByte * (remote(s) ? h.remoteNumaSlowdown() : 1);
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

  /**
   * Seconds per byte of per-DPU length of one rank-transfer alone, with the busiest rank's DPUs
   * (ceil(nrDpus / nrRanks)) taking part; a full rank runs at PrIM's per-rank rate.
   */
  private double rankSecondsPerByte(Kind kind, Direction dir, int nrDpus, int nrRanks, boolean cached,
      boolean oneBuffer) {
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
    int full = cfg.dpusPerRank();
    HardwareConfig.Lines lines = h.lines();
    return switch (kind) {
      case PARALLEL -> {
        if (dir == Direction.D2H) {
          // Pulls: power law through PrIM's 1-DPU (serial) and 1-rank points (docs/simulator.md: why not lines).
          double used = Math.min((double) nrDpus / nrRanks, full);
          double exponent = full == 1 ? 0 : Math.log(h.parallelD2HPerRank() / h.serialD2H()) / Math.log(full);
          yield used / (h.serialD2H() * Math.pow(used, exponent));
        }
        double word = cached ? lines.cachedWordCost() : lines.wordCost();
        yield full * threadLineCost(Math.ceilDiv(nrDpus, nrRanks), word, oneBuffer)
            / (h.parallelH2DPerRank() * threadLineCost(full, lines.wordCost(), false));
      }
      // A broadcast gathers the same host word for every chip of a line: one read per line (the other chips'
      // copies hit the core's L1), anchored at PrIM's 1-rank broadcast rate (host buffer in DRAM).
      case BROADCAST -> full * threadLineCost(Math.ceilDiv(nrDpus, nrRanks),
              cached ? lines.cachedWordCost() : lines.wordCost(), true)
          / (h.broadcastPerRank() * threadLineCost(full, lines.wordCost(), true));
      case SERIAL -> throw new AssertionError("serial copies have no rank rate");
    };
  }

  /**
   * Cost, in line writes, of one 8-byte word index on the busiest transfer thread of a rank with dpusUsed DPUs
   * (the first ones of the transfer matrix, chip-major within a member as the SDK numbers them): members of up to
   * chipsPerRank DPUs, consecutive members per thread; thread 0's members are the fullest. Each member costs one
   * line plus wordCost per DPU of it, or one wordCost when all its DPUs take the same host word (oneWordPerLine).
   */
  double threadLineCost(int dpusUsed, double wordCost, boolean oneWordPerLine) {
    HardwareConfig.HostLink h = cfg.host();
    int chips = h.lines().chipsPerRank();
    int members = cfg.dpusPerRank() / chips;
    int membersPerThread = Math.ceilDiv(members, Math.min(members, h.transferThreadsPerRank()));
    double cost = 0;
    for (int m = 0; m < membersPerThread && m * chips < dpusUsed; m++) {
      cost += 1 + wordCost * (oneWordPerLine ? 1 : Math.min(chips, dpusUsed - m * chips));
    }
    return cost;
  }

  /**
   * Seconds one rank-transfer of a call to nrDpus DPUs on the first nrRanks ranks takes on its own (no other
   * transfer sharing the host's cores): the busiest thread's lines for bytesPerDpu, NUMA slowdown included. {@link #limits} is built from the same rank-time; {@link RankPipeline} schedules rank-transfers
   * one by one with it.
   */
  public double rankTransferSeconds(Kind kind, Direction dir, int nrDpus, int nrRanks, long bytesPerDpu, int rank) {
    return soloRankSeconds(kind, dir, nrDpus, nrRanks, bytesPerDpu) * rankSlowdown(rank);
  }

  /** {@link #rankTransferSeconds} of a rank with its host buffers on its own socket (the same for every rank). */
  public double soloRankSeconds(Kind kind, Direction dir, int nrDpus, int nrRanks, long bytesPerDpu) {
    // the host bytes' cached share as the synchronous call charges it (a broadcast reads one buffer)
    double h = cachedFraction(kind == Kind.BROADCAST ? bytesPerDpu : bytesPerDpu * nrDpus);
    double perByte = h * rankSecondsPerByte(kind, dir, nrDpus, nrRanks, true, false)
        + (1 - h) * rankSecondsPerByte(kind, dir, nrDpus, nrRanks, false, false);
    return perByte * bytesPerDpu;
  }

  /** How much slower rank r's transfers run: the NUMA penalty when its host buffers sit on the other socket, else 1. */
  public double rankSlowdown(int rank) {
    return remote(socketOf(rank)) ? cfg.host().remoteNumaSlowdown() : 1;
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

  /** dpu_push_xfer of bytesPerDpu to (or from) each of nrDpus DPUs on nrRanks ranks, one host buffer per DPU. */
  public double parallelSeconds(Direction dir, int nrDpus, int nrRanks, long bytesPerDpu) {
    return parallelSeconds(dir, nrDpus, nrRanks, bytesPerDpu, bytesPerDpu * nrDpus);
  }

  /**
   * dpu_push_xfer of bytesPerDpu per DPU whose host buffers span hostBytes distinct bytes: the cached share of
   * them at the cached bandwidth, the rest at the DRAM one (one buffer for every DPU: {@link #sharedPushSeconds}).
   */
  public double parallelSeconds(Direction dir, int nrDpus, int nrRanks, long bytesPerDpu, long hostBytes) {
    double h = cachedFraction(hostBytes);
    double bytes = (double) bytesPerDpu * nrDpus;
    return parallelCallSeconds(dir)
        + bytes * (h / bandwidth(Kind.PARALLEL, dir, nrDpus, nrRanks, true)
            + (1 - h) / bandwidth(Kind.PARALLEL, dir, nrDpus, nrRanks, false));
  }

  /**
   * dpu_push_xfer(FROM_DPU) of a WRAM symbol of bytesPerDpu from each of nrDpus DPUs on nrRanks ranks: the host
   * reads WRAM word by word through each chip's control interface, the chips (and ranks) in parallel, so the time
   * is the words of one DPU times the DPUs that share a chip (DPU i of a rank is on chip i % chipsPerRank).
   */
  public double wramPullSeconds(int nrDpus, int nrRanks, long bytesPerDpu) {
    rankSecondsPerByte(Kind.PARALLEL, Direction.D2H, nrDpus, nrRanks, false, false); // checks the shape
    HardwareConfig.Lines lines = cfg.host().lines();
    int dpusPerChip = Math.ceilDiv(Math.ceilDiv(nrDpus, nrRanks), lines.chipsPerRank());
    return (double) dpusPerChip * Math.ceilDiv(bytesPerDpu, 4) * lines.wramPullSecondsPerWord();
  }

  /**
   * dpu_push_xfer(TO_DPU) of bytesPerDpu to each of nrDpus DPUs, all handed the same host buffer: each line reads
   * one host word (as a broadcast), and the buffer's bytes decide the cached share.
   */
  public double sharedPushSeconds(int nrDpus, int nrRanks, long bytesPerDpu) {
    double h = cachedFraction(bytesPerDpu);
    return parallelCallSeconds(Direction.H2D) + (double) bytesPerDpu * nrDpus
        * (h / sharedPushLimits(nrDpus, nrRanks, true).bytesPerSecond()
            + (1 - h) / sharedPushLimits(nrDpus, nrRanks, false).bytesPerSecond());
  }

  /** Fixed seconds of one dpu_push_xfer call: a pull costs more than a push on real hardware (docs/simulator.md). */
  public double parallelCallSeconds(Direction dir) {
    return dir == Direction.H2D ? cfg.host().parallelH2DCallSeconds() : cfg.host().parallelD2HCallSeconds();
  }

  /** dpu_broadcast_to of one buffer of bytes to nrDpus DPUs on nrRanks ranks (its bytes decide the cached share). */
  public double broadcastSeconds(int nrDpus, int nrRanks, long bytes) {
    double h = cachedFraction(bytes);
    return cfg.host().broadcastCallSeconds() + (double) bytes * nrDpus
        * (h / bandwidth(Kind.BROADCAST, Direction.H2D, nrDpus, nrRanks, true)
            + (1 - h) / bandwidth(Kind.BROADCAST, Direction.H2D, nrDpus, nrRanks, false));
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
