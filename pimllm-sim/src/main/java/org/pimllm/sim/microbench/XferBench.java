package org.pimllm.sim.microbench;

import org.pimllm.sim.DpuSet;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.sim.HostTransferModel;
import org.pimllm.sim.HostTransferModel.Direction;
import org.pimllm.sim.HostTransferModel.Kind;
import org.pimllm.sim.Mode;
import org.pimllm.sim.PimSystem;

/**
 * PrIM's CPU-DPU microbenchmark: bytesPerDpu to (or from) each of D DPUs, serially (one dpu_copy per DPU),
 * in parallel (one dpu_push_xfer) or by broadcast. GB/s is counted as PrIM does: bytes delivered to all
 * DPUs over the time. {@code bound} says what limits a parallel or broadcast transfer at this scale (the rank's
 * link, the DDR channels, or the host's cores; see HostTransferModel), {@code ranks} how many ranks it spans.
 */
public final class XferBench {
  private XferBench() {}

  public record Result(Kind kind, Direction direction, int dpus, int ranks, long bytesPerDpu, boolean numaAware,
      double ms, double gbps, String bound) {}

  public static Result run(HardwareConfig cfg, Kind kind, Direction direction, int dpus, long bytesPerDpu) {
    if (kind == Kind.BROADCAST && direction == Direction.D2H) {
      throw new IllegalArgumentException("--kind broadcast goes host to DPUs only; use --direction h2d");
    }
    if (bytesPerDpu > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("--bytes-per-dpu " + bytesPerDpu + " is too large for one transfer");
    }
    int len = (int) bytesPerDpu;
    PimSystem sys = new PimSystem(cfg, Mode.TIMING_ONLY);
    try (DpuSet set = sys.allocate(dpus)) {
      long mark = sys.timeline().mark();
      switch (kind) {
        case SERIAL -> {
          for (int d = 0; d < dpus; d++) {
            if (direction == Direction.H2D) {
              set.copyTo(d, 0, null, 0, len);
            } else {
              set.copyFrom(d, 0, null, 0, len);
            }
          }
        }
        case PARALLEL -> {
          if (direction == Direction.H2D) {
            set.push(0, len, null);
          } else {
            set.pull(0, len, null);
          }
        }
        case BROADCAST -> set.broadcast(0, null, 0, len);
      }
      double seconds = sys.timeline().totalSince(mark);
      String bound = kind == Kind.SERIAL ? "serial copies, one DPU at a time"
          : describe(sys.costs().limits(kind, direction, dpus, set.nrRanks()));
      return new Result(kind, direction, dpus, set.nrRanks(), bytesPerDpu, cfg.host().numaAwareAllocation(),
          seconds * 1e3, (double) bytesPerDpu * dpus / seconds / 1e9, bound);
    }
  }

  private static String describe(HostTransferModel.Limits l) {
    String what = switch (l.bound()) {
      case RANK_LINK -> "one rank's link (PrIM's per-rank rate)";
      case CHANNELS -> "DDR channels: ranks of a channel go one after the other";
      case HOST_CORES -> "host cores transposing the bytes";
    };
    return what + ", slowest socket " + l.slowestSocket();
  }
}
