package org.pimllm.tileselector;

import org.pimllm.pgemm.GemmShape;
import org.pimllm.pgemm.KernelCost;
import org.pimllm.pgemm.Layout;
import org.pimllm.pgemm.Partition;
import org.pimllm.pgemm.TilingPlan;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.sim.HostTransferModel;
import org.pimllm.sim.HostTransferModel.Direction;

/**
 * The analytical time of a PGEMMlib call: T = T_H2D + T_kernel + T_D2H + T_host + T_launch (+ T_alloc when DPUs
 * are not pooled). Transfer, launch and allocation terms use the simulator's own cost functions
 * ({@link HostTransferModel}) with the bytes and rank counts PGEMMlib's host code produces; the host term uses
 * the preset's host-CPU throughputs; the kernel term is {@link KernelEstimator}.
 */
public final class CostModel {
  private final HardwareConfig hw;
  private final HostTransferModel link;
  private final KernelEstimator kernel;

  CostModel(HardwareConfig hw, KernelEstimator kernel) {
    this.hw = hw;
    this.link = new HostTransferModel(hw);
    this.kernel = kernel;
  }

  public HardwareConfig hardware() {
    return hw;
  }

  /** The terms of one call of the plan. */
  public PlanCost cost(TilingPlan plan, CallOptions opts) {
    int dpus = plan.dpus();
    int ranks = ranksFor(dpus);
    TilingPlan.DpuSlice s = plan.slice();
    Partition f = plan.partition();
    GemmShape sh = plan.shape();

    double h2d = h2dB(dpus, ranks, s.bBytes(), f.fB() * f.fK() * f.fN() == 1)
        + h2dB(dpus, ranks, s.aBytes(), f.fB() * f.fM() * f.fK() == 1)
        + link.parallelSeconds(Direction.H2D, dpus, ranks, argsBytes());
    double d2h = link.parallelSeconds(Direction.D2H, dpus, ranks, s.cBytes());
    double host = 0;
    if (f.fK() > 1) {
      long partialBytes = (long) f.fK() * sh.b() * sh.m() * sh.n() * plan.dtype().accumulatorBytes();
      host += partialBytes / hw.hostCpu().reduceBytesPerSecond();
    }
    if (opts.bLayout() == Layout.ROW_MAJOR) {
      long bBytes = (long) sh.b() * sh.k() * sh.n() * plan.dtype().bytes();
      host += bBytes / hw.hostCpu().transposeBytesPerSecond();
    }
    double kernelSeconds = hw.seconds(Math.ceil(kernel.cycles(plan) - 1e-9));
    double launch = link.launchSeconds(ranks);
    double alloc = opts.pooled() ? 0 : link.allocSeconds(ranks) + link.loadSeconds(ranks) + link.freeSeconds(ranks);
    return new PlanCost(h2d, kernelSeconds, d2h, host, launch, alloc);
  }

  /** Estimated kernel cycles of one DPU. */
  public double kernelCycles(TilingPlan plan) {
    return kernel.cycles(plan);
  }

  /** One push (distinct slices) or broadcast (one slice for all) of bytesPerDpu. */
  private double h2dB(int dpus, int ranks, long bytesPerDpu, boolean broadcast) {
    return broadcast ? link.broadcastSeconds(dpus, ranks, bytesPerDpu)
        : link.parallelSeconds(Direction.H2D, dpus, ranks, bytesPerDpu);
  }

  /** The argument block PGEMMlib pushes, rounded up to the DMA alignment as the SDK does. */
  private int argsBytes() {
    int a = hw.dmaAlignBytes();
    return Math.max(a, (KernelCost.ARGS_BYTES + a - 1) / a * a);
  }

  /** Ranks a fresh machine grants for nrDpus: whole ranks in order (the last rank may be smaller). */
  int ranksFor(int nrDpus) {
    int perRank = hw.dpusPerRank();
    int ranks = 0;
    int have = 0;
    while (have < nrDpus) {
      have += Math.min(perRank, hw.totalDpus() - ranks * perRank);
      ranks++;
    }
    return ranks;
  }
}
