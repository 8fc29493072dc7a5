package org.pimllm.sim.microbench;

import org.pimllm.sim.DpuSet;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.sim.HostTransferModel.Direction;
import org.pimllm.sim.HostTransferModel.Kind;
import org.pimllm.sim.Mode;
import org.pimllm.sim.PimSystem;

/**
 * PrIM's CPU-DPU microbenchmark: bytesPerDpu to (or from) each of D DPUs, serially (one dpu_copy per DPU),
 * in parallel (one dpu_push_xfer) or by broadcast. GB/s is counted as PrIM does: bytes delivered to all
 * DPUs over the time.
 */
public final class XferBench {
  private XferBench() {}

  public record Result(Kind kind, Direction direction, int dpus, long bytesPerDpu, double ms, double gbps) {}

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
      return new Result(kind, direction, dpus, bytesPerDpu, seconds * 1e3, (double) bytesPerDpu * dpus / seconds / 1e9);
    }
  }
}
