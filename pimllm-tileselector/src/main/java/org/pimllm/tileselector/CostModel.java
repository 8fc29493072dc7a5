package org.pimllm.tileselector;

import java.util.ArrayList;
import java.util.List;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.GemmShape;
import org.pimllm.pgemm.HostCosts;
import org.pimllm.pgemm.KernelCost;
import org.pimllm.pgemm.Layout;
import org.pimllm.pgemm.KernelParams;
import org.pimllm.pgemm.Partition;
import org.pimllm.pgemm.PgemmLib;
import org.pimllm.pgemm.TilingPlan;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.sim.HostTransferModel;
import org.pimllm.sim.HostTransferModel.Direction;
import org.pimllm.sim.RankPipeline;

/**
 * The analytical time of a PGEMMlib call: T = T_H2D + T_kernel + T_D2H + T_host + T_launch (+ T_alloc when DPUs
 * are not pooled). With a resident B ({@link CallOptions#residentB}) the call has no B transfer or
 * transposition; the kernel is the same. Transfer, launch and allocation terms use the simulator's own cost functions
 * ({@link HostTransferModel}) with the bytes and rank counts PGEMMlib's host code produces; the host term uses
 * the preset's host-CPU throughputs; the kernel term is {@link KernelEstimator}. An asynchronous call
 * ({@link CallOptions#asyncRanks}) runs the same steps through the simulator's {@link RankPipeline}; what overlaps
 * is {@link PlanCost#overlapSeconds}.
 */
public final class CostModel {
  private final HardwareConfig hw;
  private final HostTransferModel link;
  private final KernelEstimator kernel;
  private final RankPipeline pipeline;
  // Per DPU count d (index d): ranks granted, and the simulator's bandwidths for a transfer to d DPUs.
  private final int[] ranks;
  private final double[] h2dBw;
  private final double[] h2dBwCached; // host bytes in the last-level cache
  private final double[] d2hBw;
  private final double[] bcastBw;
  private final double[] bcastBwCached;

  CostModel(HardwareConfig hw, KernelEstimator kernel) {
    this.hw = hw;
    this.link = new HostTransferModel(hw);
    this.kernel = kernel;
    this.pipeline = new RankPipeline(hw);
    int n = hw.totalDpus();
    ranks = new int[n + 1];
    h2dBw = new double[n + 1];
    h2dBwCached = new double[n + 1];
    d2hBw = new double[n + 1];
    bcastBw = new double[n + 1];
    bcastBwCached = new double[n + 1];
    for (int d = 1; d <= n; d++) {
      ranks[d] = ranksFor(d);
      h2dBw[d] = link.bandwidth(HostTransferModel.Kind.PARALLEL, Direction.H2D, d, ranks[d]);
      h2dBwCached[d] = link.bandwidth(HostTransferModel.Kind.PARALLEL, Direction.H2D, d, ranks[d], true);
      d2hBw[d] = link.bandwidth(HostTransferModel.Kind.PARALLEL, Direction.D2H, d, ranks[d]);
      bcastBw[d] = link.bandwidth(HostTransferModel.Kind.BROADCAST, Direction.H2D, d, ranks[d]);
      bcastBwCached[d] = link.bandwidth(HostTransferModel.Kind.BROADCAST, Direction.H2D, d, ranks[d], true);
    }
  }

  public HardwareConfig hardware() {
    return hw;
  }

  /** The terms of one call of the plan. */
  public PlanCost cost(TilingPlan plan, CallOptions opts) {
    TilingPlan.DpuSlice s = plan.slice();
    double kernelSeconds = hw.seconds(Math.ceil(kernel.cycles(plan) - 1e-9));
    return terms(plan.shape(), plan.dtype(), plan.partition(), s.bBytes(), s.aBytes(), s.cBytes(), kernelSeconds, opts);
  }

  /** Estimated kernel cycles of a slice with given kernel parameters: what the selector ranks kernel choices by. */
  double kernelCycles(GemmDType t, TilingPlan.DpuSlice s, KernelParams kp) {
    return kernel.cycles(t, s, kp);
  }

  /**
   * A lower bound of {@link #cost} over every plan of a partition, whatever its kernel parameters: slices
   * without K padding, and only the kernel's multiply steps at the full issue rate. The search skips
   * partitions whose bound is above the best plan found so far.
   */
  double lowerBound(GemmShape sh, GemmDType dtype, Partition f, CallOptions opts) {
    TilingPlan.DpuSlice s = TilingPlan.DpuSlice.of(sh, dtype, f, 1);
    double kernelSeconds = hw.seconds(kernel.issueBoundCycles(dtype, s.macs())) * (1 - 1e-9);
    PlanCost c = terms(sh, dtype, f, s.bBytes(), s.aBytes(), s.cBytes(), kernelSeconds, opts);
    return c.totalSeconds();
  }

  /**
   * A lower bound of the simulator's seconds for the plan: its exact transfer, launch and host terms (the
   * simulator charges the same functions) plus only the kernel's multiply instructions at the peak issue
   * rate (the simulated kernel issues at least those, at most issuePerCycle per cycle).
   */
  double simulatorLowerBound(TilingPlan plan) {
    TilingPlan.DpuSlice s = plan.slice();
    double kernelSeconds = hw.seconds(kernel.issueBoundCycles(plan.dtype(), s.macs())) * (1 - 1e-9);
    return terms(plan.shape(), plan.dtype(), plan.partition(), s.bBytes(), s.aBytes(), s.cBytes(), kernelSeconds,
        CallOptions.POOLED).totalSeconds();
  }

  private PlanCost terms(GemmShape sh, GemmDType dtype, Partition f, long bBytes, long aBytes, long cBytes,
      double kernelSeconds, CallOptions opts) {
    int dpus = f.dpus();
    int r = ranks[dpus];
    HardwareConfig.HostLink h = hw.host();
    // A resident B was sent once by prepareResident: the call sends only A and the arguments.
    double bIn = opts.residentB() ? 0 : f.bSlices() == 1 ? broadcast(dpus, bBytes) : push(dpus, bBytes);
    double h2d = bIn + (f.aSlices() == 1 ? broadcast(dpus, aBytes) : push(dpus, aBytes)) + push(dpus, argsBytes());
    double d2h = h.parallelD2HCallSeconds() + (double) cBytes * dpus / d2hBw[dpus];
    double host = 0;
    if (f.fK() > 1) {
      host += HostCosts.reduceSeconds(hw, HostCosts.kPartialBytes(sh, dtype, f.fK()));
    }
    if (opts.bLayout() == Layout.ROW_MAJOR && !opts.residentB()) {
      host += HostCosts.transposeSeconds(hw, HostCosts.bBytes(sh, dtype));
    }
    if (opts.zeroPoints()) {
      if (dtype != GemmDType.INT8) {
        throw new IllegalArgumentException("a GEMM with zero points runs an int8 plan (uint8 x int8), got " + dtype.cliName());
      }
      host += PgemmLib.zeroPointHostSeconds(sh, hw, opts.residentB());
    }
    double launch = link.launchSeconds(r);
    double alloc = opts.pooled() ? 0 : link.allocSeconds(r) + link.loadSeconds(r) + link.freeSeconds(r);
    double overlap = 0;
    if (opts.asyncRanks()) {
      // the same steps PGEMMlib queues, scheduled rank by rank by the simulator's own scheduler
      double elapsed = pipeline.run(dpus, r, asyncSteps(f, bBytes, aBytes, cBytes, kernelSeconds, opts)).endSeconds();
      overlap = Math.max(0, h2d + kernelSeconds + d2h + launch - elapsed);
    }
    return new PlanCost(h2d, kernelSeconds, d2h, host, launch, alloc, overlap);
  }

  /** PGEMMlib's steps of an asynchronous call: B (unless resident) and A, the arguments, the launch, the pull of C. */
  private List<RankPipeline.Op> asyncSteps(Partition f, long bBytes, long aBytes, long cBytes, double kernelSeconds,
      CallOptions opts) {
    List<RankPipeline.Op> ops = new ArrayList<>();
    if (!opts.residentB()) ops.add(send(f.bSlices(), bBytes, "B"));
    ops.add(send(f.aSlices(), aBytes, "A"));
    ops.add(new RankPipeline.Transfer(HostTransferModel.Kind.PARALLEL, Direction.H2D, argsBytes(), "args"));
    ops.add(new RankPipeline.Launch(kernelSeconds, "kernel"));
    ops.add(new RankPipeline.Transfer(HostTransferModel.Kind.PARALLEL, Direction.D2H, cBytes, "C"));
    return ops;
  }

  private static RankPipeline.Op send(int slices, long bytes, String what) {
    return new RankPipeline.Transfer(slices == 1 ? HostTransferModel.Kind.BROADCAST : HostTransferModel.Kind.PARALLEL,
        Direction.H2D, bytes, what);
  }

  /** dpu_push_xfer of bytesPerDpu to each of d DPUs (HostTransferModel.parallelSeconds with a cached bandwidth). */
  private double push(int d, long bytesPerDpu) {
    double cached = link.cachedFraction(bytesPerDpu * d);
    return hw.host().parallelH2DCallSeconds()
        + (double) bytesPerDpu * d * (cached / h2dBwCached[d] + (1 - cached) / h2dBw[d]);
  }

  /** dpu_broadcast_to of one buffer to d DPUs (HostTransferModel.broadcastSeconds with a cached bandwidth). */
  private double broadcast(int d, long bytes) {
    double cached = link.cachedFraction(bytes);
    return hw.host().broadcastCallSeconds()
        + (double) bytes * d * (cached / bcastBwCached[d] + (1 - cached) / bcastBw[d]);
  }

  /**
   * dpu_load of a plan's kernel program on a pooled set of its DPUs: the simulator's LOAD charge
   * ({@link HostTransferModel#loadSeconds}, per granted rank), what a pooled runtime pays when consecutive GEMMs on
   * one DPU set need different programs.
   */
  public double programLoadSeconds(TilingPlan plan) {
    return link.loadSeconds(ranks[plan.dpus()]);
  }

  /** Estimated kernel cycles of one DPU. */
  public double kernelCycles(TilingPlan plan) {
    return kernel.cycles(plan);
  }

  /** The argument block PGEMMlib pushes, rounded up to the DMA alignment as the SDK does. */
  private int argsBytes() {
    return Math.max(hw.dmaAlignBytes(), hw.dmaAligned(KernelCost.ARGS_BYTES));
  }

  /**
   * Ranks a fresh machine grants for nrDpus (1..totalDpus): whole ranks in order, and only the last rank can be
   * smaller than dpusPerRank, so every rank before it is full.
   */
  int ranksFor(int nrDpus) {
    return Math.ceilDiv(nrDpus, hw.dpusPerRank());
  }
}
