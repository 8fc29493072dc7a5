package org.pimllm.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The simulated machine: ranks of DPUs with their MRAM, one {@link Timeline} of simulated time, and
 * allocation of DPU sets at rank granularity (like dpu_alloc).
 */
public final class PimSystem {
  private final HardwareConfig cfg;
  private final Mode mode;
  private final Timeline timeline = new Timeline();
  private final HostTransferModel costs;
  private final DpuTiming timing;
  private final RankPipeline rankPipeline;
  private final boolean[] rankInUse;
  private final Mram[] mram; // by global DPU index, created on first use (FUNCTIONAL only)

  public PimSystem(HardwareConfig cfg, Mode mode) {
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    this.mode = Objects.requireNonNull(mode, "mode");
    this.costs = new HostTransferModel(cfg);
    this.timing = new DpuTiming(cfg);
    this.rankPipeline = new RankPipeline(cfg);
    this.rankInUse = new boolean[cfg.nrRanks()];
    this.mram = new Mram[cfg.totalDpus()];
  }

  public HardwareConfig config() {
    return cfg;
  }

  public Mode mode() {
    return mode;
  }

  public Timeline timeline() {
    return timeline;
  }

  /** The transfer/alloc/launch cost functions this system charges with. */
  public HostTransferModel costs() {
    return costs;
  }

  /** DPUs in ranks no DpuSet holds. */
  public int freeDpus() {
    int free = 0;
    for (int r = 0; r < rankInUse.length; r++) {
      free += rankInUse[r] ? 0 : rankSize(r);
    }
    return free;
  }

  /**
   * Allocates nrDpus DPUs (dpu_alloc): whole ranks are granted, in order, until they hold nrDpus; the set
   * exposes exactly nrDpus DPUs. ALLOC time is charged per rank granted.
   */
  public DpuSet allocate(int nrDpus) {
    if (nrDpus < 1) {
      throw new IllegalArgumentException("cannot allocate " + nrDpus + " DPUs; ask for at least 1");
    }
    if (nrDpus > cfg.totalDpus()) {
      throw new IllegalArgumentException("cannot allocate " + nrDpus + " DPUs: " + cfg.name() + " has "
          + cfg.totalDpus() + "; choose 1.." + cfg.totalDpus() + " or another preset (pimllm hw list)");
    }
    int free = freeDpus();
    if (nrDpus > free) {
      throw new IllegalArgumentException("cannot allocate " + nrDpus + " DPUs: " + free + " of " + cfg.totalDpus()
          + " DPUs of " + cfg.name() + " are free (" + ranksInUse() + " of " + rankInUse.length
          + " ranks held by other DPU sets); close a DpuSet or use more DPUs (--dpus / another preset)");
    }
    List<Integer> ranks = new ArrayList<>();
    int[] dpus = new int[nrDpus];
    int n = 0;
    for (int r = 0; r < rankInUse.length && n < nrDpus; r++) {
      if (!rankInUse[r]) {
        rankInUse[r] = true;
        ranks.add(r);
        int first = r * cfg.dpusPerRank();
        for (int i = 0; i < rankSize(r) && n < nrDpus; i++) {
          dpus[n++] = first + i;
        }
      }
    }
    timeline.charge(Category.ALLOC, "alloc " + nrDpus + " DPUs (" + ranks.size() + " ranks)",
        costs.allocSeconds(ranks.size()));
    return new DpuSet(this, dpus, ranks.stream().mapToInt(Integer::intValue).toArray());
  }

  private int ranksInUse() {
    int n = 0;
    for (boolean b : rankInUse) {
      n += b ? 1 : 0;
    }
    return n;
  }

  private int rankSize(int r) {
    return Math.min(cfg.dpusPerRank(), cfg.totalDpus() - r * cfg.dpusPerRank());
  }

  int rankOf(int globalDpu) {
    return globalDpu / cfg.dpusPerRank();
  }

  /** The scheduler of calls queued rank by rank ({@link DpuSet#beginAsync}). */
  RankPipeline rankPipeline() {
    return rankPipeline;
  }

  DpuTiming timing() {
    return timing;
  }

  /** The MRAM of a DPU (created on first use); only in FUNCTIONAL mode. */
  Mram mram(int globalDpu) {
    Mram m = mram[globalDpu];
    if (m == null) {
      m = mram[globalDpu] = new Mram(cfg.mramBytes());
    }
    return m;
  }

  /** Releases ranks and drops the MRAM contents of their DPUs (dpu_free leaves memory undefined). */
  void release(int[] ranks, int[] dpus) {
    for (int r : ranks) {
      rankInUse[r] = false;
    }
    for (int d : dpus) {
      mram[d] = null;
    }
  }

  /** Bytes of MRAM storage held by the simulator (sparse; for tests and reports). */
  public long mramBytesAllocated() {
    long n = 0;
    for (Mram m : mram) {
      n += m == null ? 0 : m.allocatedBytes();
    }
    return n;
  }
}
