package org.pimllm.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.pimllm.sim.HostTransferModel.Direction;
import org.pimllm.sim.HostTransferModel.Kind;

/**
 * The operations of one call on a DPU set run rank by rank, asynchronously: the SDK's {@code DPU_XFER_ASYNC}
 * transfers and {@code DPU_ASYNCHRONOUS} launch, then {@code dpu_sync}. Each rank goes through the operations in
 * order on its own, so a rank's kernel runs while other ranks are still being written, and its results come back
 * while other ranks compute. Nothing is subtracted: every operation takes the resources it needs, and those that
 * are shared make ranks wait.
 *
 * <ul>
 *   <li><b>Host thread</b>: issues the operations one after another, each for its fixed call time (a transfer's
 *       per-call cost, a launch's hand-off per rank); a rank starts an operation only once it is issued.</li>
 *   <li><b>DDR channels</b>: one rank-transfer at a time per channel (the SDK locks a channel's thread pool for a
 *       rank-transfer); a socket's ranks are dealt to its channels in order ({@link HostTransferModel#channelOf}).
 *       A channel serves waiting ranks first come, first served (ties: lower rank first).</li>
 *   <li><b>Host cores</b>: the rank-transfers running on a socket share its {@code transferCoresPerSocket} cores;
 *       each keeps {@code transferThreadsPerRank} threads busy and runs at min(1, cores / (running x threads)) of
 *       its solo speed, as in {@link HostTransferModel#referenceBandwidth}.</li>
 *   <li><b>Rank link</b>: a rank-transfer alone takes {@link HostTransferModel#rankTransferSeconds} (PrIM's
 *       per-rank rate, NUMA slowdown of remote sockets).</li>
 *   <li><b>DPUs</b>: a rank's launch takes the preset's fixed launch time (boot and completion polling of that
 *       rank, {@code system.launchMicros}) and then the kernel; a rank does one operation at a time.</li>
 * </ul>
 *
 * With every operation waiting for all ranks of the previous one, this is the synchronous call that
 * {@link DpuSet} charges (each transfer then takes exactly {@link HostTransferModel#parallelSeconds}); overlapping
 * can only shorten it. Times are seconds from the first issue.
 */
public final class RankPipeline {

  /** One operation of the call, on every rank of the set. */
  public sealed interface Op permits Transfer, Launch {
    String label();
  }

  /** A parallel push or pull, or a broadcast, of bytesPerDpu to or from every DPU of the set. */
  public record Transfer(Kind kind, Direction dir, long bytesPerDpu, String label) implements Op {
    public Transfer {
      if (kind == Kind.SERIAL) {
        throw new IllegalArgumentException("a rank pipeline runs parallel transfers and broadcasts, not serial copies");
      }
      if (bytesPerDpu < 0) {
        throw new IllegalArgumentException("a transfer moves >= 0 bytes per DPU, got " + bytesPerDpu);
      }
    }

    Category category() {
      return dir == Direction.H2D ? Category.H2D : Category.D2H;
    }
  }

  /** dpu_launch of a kernel whose slowest DPU takes kernelSeconds (the same on every rank). */
  public record Launch(double kernelSeconds, String label) implements Op {
    public Launch {
      if (!(kernelSeconds >= 0) || Double.isInfinite(kernelSeconds)) {
        throw new IllegalArgumentException("kernel seconds must be finite and >= 0, got " + kernelSeconds);
      }
    }
  }

  /**
   * When one operation ran: issued by the host, and per rank its start and end (for a launch, the start of the
   * launch's fixed part; the kernel starts launchSeconds later).
   */
  public record OpTimes(Op op, double issued, double[] start, double[] end) {
    public double firstStart() {
      return Arrays.stream(start).min().orElse(issued);
    }

    public double lastEnd() {
      return Arrays.stream(end).max().orElse(issued);
    }
  }

  /**
   * The schedule of a call.
   *
   * @param hostSeconds when the host thread has issued every operation
   * @param endSeconds when the last rank finished its last operation (at least hostSeconds)
   * @param launchSeconds the fixed part of a rank's launch (boot, completion polling)
   * @param ops each operation's times, in issue order
   */
  public record Schedule(double hostSeconds, double endSeconds, double launchSeconds, List<OpTimes> ops) {}

  private final HardwareConfig cfg;
  private final HostTransferModel link;

  public RankPipeline(HardwareConfig cfg) {
    this.cfg = cfg;
    this.link = new HostTransferModel(cfg);
  }

  /** Host-thread seconds of issuing an operation on a set of nrRanks ranks. */
  public double issueSeconds(Op op, int nrRanks) {
    return switch (op) {
      case Transfer t -> t.kind() == Kind.BROADCAST ? cfg.host().broadcastCallSeconds() : link.parallelCallSeconds(t.dir());
      case Launch l -> cfg.system().launchSecondsPerRank() * nrRanks;
    };
  }

  /** Runs the operations on a set of nrDpus DPUs held by the machine's first nrRanks ranks. */
  public Schedule run(int nrDpus, int nrRanks, List<Op> ops) {
    if (nrRanks < 1 || nrDpus < nrRanks) {
      throw new IllegalArgumentException("a rank pipeline needs 1 <= ranks <= DPUs, got " + nrDpus + " DPUs on " + nrRanks + " ranks");
    }
    int n = ops.size();
    if (n == 0) {
      return new Schedule(0, 0, cfg.system().launchSeconds(), List.of());
    }
    double launchFixed = cfg.system().launchSeconds();
    double[] issued = new double[n];
    double host = 0;
    for (int i = 0; i < n; i++) {
      host += issueSeconds(ops.get(i), nrRanks);
      issued[i] = host;
    }
    // work[i][r]: seconds of operation i on rank r at full speed (a transfer's rank-time; a launch's fixed part + kernel)
    double[][] work = new double[n][nrRanks];
    for (int i = 0; i < n; i++) {
      // a transfer's rank-time differs between ranks only by the NUMA slowdown: the rest is computed once per op
      double solo = switch (ops.get(i)) {
        case Transfer t -> link.soloRankSeconds(t.kind(), t.dir(), nrDpus, nrRanks, t.bytesPerDpu());
        case Launch l -> launchFixed + l.kernelSeconds();
      };
      boolean transfer = ops.get(i) instanceof Transfer;
      for (int r = 0; r < nrRanks; r++) work[i][r] = transfer ? solo * link.rankSlowdown(r) : solo;
    }
    double[][] start = new double[n][nrRanks];
    double[][] end = new double[n][nrRanks];
    int[] next = new int[nrRanks];        // the rank's next operation
    double[] free = new double[nrRanks];  // when the rank finished its previous operation
    double[] left = new double[nrRanks];  // full-speed seconds left of the running transfer
    boolean[] moving = new boolean[nrRanks];
    boolean[] launched = new boolean[nrRanks]; // running a launch until free[r]
    int sockets = cfg.host().sockets();
    int channels = cfg.host().pimChannelsPerSocket();
    int[] channelHolder = new int[sockets * channels];
    Arrays.fill(channelHolder, -1);
    double threads = cfg.host().transferThreadsPerRank();
    double cores = cfg.host().transferCoresPerSocket();
    double now = 0;
    int done = 0;
    while (done < nrRanks) {
      // finish launches that ended by now
      for (int r = 0; r < nrRanks; r++) {
        if (launched[r] && free[r] <= now) {
          launched[r] = false;
          if (++next[r] == n) done++;
        }
      }
      // start what can start now: launches at once, transfers when their channel is free (FIFO by ready time)
      for (int r = 0; r < nrRanks; r++) {
        if (next[r] < n && !moving[r] && !launched[r] && ops.get(next[r]) instanceof Launch) {
          double ready = Math.max(free[r], issued[next[r]]);
          if (ready <= now) {
            start[next[r]][r] = ready;
            end[next[r]][r] = free[r] = ready + work[next[r]][r];
            launched[r] = true;
          }
        }
      }
      for (int ch = 0; ch < channelHolder.length; ch++) {
        if (channelHolder[ch] >= 0) continue;
        int best = -1;
        double bestReady = Double.POSITIVE_INFINITY;
        for (int r = 0; r < nrRanks; r++) {
          if (next[r] >= n || moving[r] || launched[r] || !(ops.get(next[r]) instanceof Transfer)) continue;
          if (slot(r, channels) != ch) continue;
          double ready = Math.max(free[r], issued[next[r]]);
          if (ready <= now && ready < bestReady) {
            best = r;
            bestReady = ready;
          }
        }
        if (best >= 0) {
          channelHolder[ch] = best;
          moving[best] = true;
          left[best] = work[next[best]][best];
          start[next[best]][best] = now;
        }
      }
      // speeds: the running transfers of a socket share its cores
      int[] running = new int[sockets];
      for (int r = 0; r < nrRanks; r++) {
        if (moving[r]) running[link.socketOf(r)]++;
      }
      double step = Double.POSITIVE_INFINITY;
      for (int r = 0; r < nrRanks; r++) {
        if (moving[r]) {
          step = Math.min(step, left[r] / speed(running[link.socketOf(r)], cores, threads));
        } else if (launched[r]) {
          step = Math.min(step, free[r] - now);
        } else if (next[r] < n) {
          double ready = Math.max(free[r], issued[next[r]]);
          if (ready > now) step = Math.min(step, ready - now);
        }
      }
      if (step == Double.POSITIVE_INFINITY) {
        if (done < nrRanks) {
          throw new IllegalStateException("rank pipeline stalled with " + (nrRanks - done) + " ranks unfinished");
        }
        break;
      }
      now += step;
      for (int r = 0; r < nrRanks; r++) {
        if (!moving[r]) continue;
        double v = speed(running[link.socketOf(r)], cores, threads);
        left[r] -= step * v;
        if (left[r] <= work[next[r]][r] * 1e-12 + 1e-18) {
          moving[r] = false;
          channelHolder[slot(r, channels)] = -1;
          end[next[r]][r] = free[r] = now;
          if (++next[r] == n) done++;
        }
      }
    }
    List<OpTimes> times = new ArrayList<>(n);
    double last = host;
    for (int i = 0; i < n; i++) {
      times.add(new OpTimes(ops.get(i), issued[i], start[i], end[i]));
      for (double e : end[i]) last = Math.max(last, e);
    }
    return new Schedule(host, last, launchFixed, List.copyOf(times));
  }

  /** The (socket, channel) slot a rank's transfers hold. */
  private int slot(int rank, int channels) {
    return link.socketOf(rank) * channels + link.channelOf(rank);
  }

  private static double speed(int running, double cores, double threads) {
    return Math.min(1, cores / (running * threads));
  }
}
