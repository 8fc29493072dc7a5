package org.pimllm.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pimllm.sim.HostTransferModel.Bound;
import org.pimllm.sim.HostTransferModel.Direction;
import org.pimllm.sim.HostTransferModel.Kind;

/**
 * The system-scale transfer model, each expectation derived by hand from the preset constants written out here
 * (PrIM's per-rank rates, 4 SDK threads per rank, 2 sockets of 20 ranks, 6 PIM channels per socket, the host's
 * cores per socket, NUMA slowdown 2.9).
 */
class HostTransferModelTest {
  static final HardwareConfig PIM_LLM = HardwareConfig.preset("upmem-2560-450"); // 4 cores per socket
  static final HardwareConfig PRIM = HardwareConfig.preset("upmem-2556-350"); // 8 cores per socket
  static final double RANK_H2D = 6.68e9;
  static final double RANK_D2H = 4.74e9;
  static final double RANK_BCAST = 16.88e9;
  static final double CALL = 56e-6; // preset parallelH2DCallMicros (TRNS on real hardware)
  static final double PULL_CALL = 129e-6; // preset parallelD2HCallMicros (HST-L on real hardware)

  @Test
  void presetsCarryTheConstantsTheseTestsAssume() {
    for (HardwareConfig c : new HardwareConfig[] {PIM_LLM, PRIM}) {
      var h = c.host();
      assertEquals(4, h.transferThreadsPerRank());
      assertEquals(2, h.sockets());
      assertEquals(6, h.pimChannelsPerSocket());
      assertEquals(2.9, h.remoteNumaSlowdown());
      assertEquals(40, c.physicalRanks());
      assertEquals(false, h.numaAwareAllocation());
    }
    assertEquals(4, PIM_LLM.host().transferCoresPerSocket());
    assertEquals(8, PRIM.host().transferCoresPerSocket());
  }

  @Test
  void oneRankRunsAtPrimsPerRankRates() {
    for (HardwareConfig c : new HardwareConfig[] {PIM_LLM, PRIM}) {
      var m = new HostTransferModel(c);
      assertEquals(RANK_H2D, m.bandwidth(Kind.PARALLEL, Direction.H2D, 64, 1), 1);
      assertEquals(RANK_D2H, m.bandwidth(Kind.PARALLEL, Direction.D2H, 64, 1), 1);
      assertEquals(RANK_BCAST, m.bandwidth(Kind.BROADCAST, Direction.H2D, 64, 1), 1);
      assertEquals(Bound.RANK_LINK, m.limits(Kind.PARALLEL, Direction.H2D, 64, 1).bound());
    }
  }

  @Test
  void perCallCostDominatesSmallTransfers() {
    var m = new HostTransferModel(PIM_LLM);
    // 8 B to each of 64 DPUs: 512 B from the cache at 6.68 GB/s x 6.464 / 5.68 (below) next to the 56 us call.
    double cachedRank = RANK_H2D * 6.464 / 5.68;
    double t = m.parallelSeconds(Direction.H2D, 64, 1, 8);
    assertEquals(CALL + 512 / cachedRank, t, 1e-15);
    assertTrue(CALL / t > 0.99);
    // 1 MiB each: the bytes dominate (10 ms vs 56 us); 16.5 of the 64 MiB come from the cache.
    double big = m.parallelSeconds(Direction.H2D, 64, 1, 1 << 20);
    double cached = 16.5 / 64;
    assertEquals(CALL + 64.0 * (1 << 20) * (cached / cachedRank + (1 - cached) / RANK_H2D), big, 1e-12);
    assertTrue(CALL / big < 0.01);
    // A pull pays the pull call, not the push call.
    assertEquals(PULL_CALL + 512 / RANK_D2H, m.parallelSeconds(Direction.D2H, 64, 1, 8), 1e-15);
    // Serial copies: 33 us per call + bytes at PrIM's 0.33 GB/s.
    assertEquals(33e-6 + 4096 / 0.33e9, m.serialSeconds(Direction.H2D, 4096), 1e-15);
  }

  @Test
  void withinARankPushesFollowTheSdksLines() {
    // Preset: 8 chips per rank, 4 threads, a DPU word costs 0.279 line (host buffer in DRAM) or 0.23 (cached).
    // A full rank: thread 0 writes members 0 and 1, 8 DPUs each: 2 x (1 + 8 x 0.279) = 6.464 line costs per word
    // index, and this is PrIM's 6.68 GB/s. d DPUs: d / 64 x 6.464 / (thread 0's cost) x 6.68 GB/s.
    var m = new HostTransferModel(PRIM);
    assertEquals(RANK_H2D / 64 * 6.464 / 1.279, m.bandwidth(Kind.PARALLEL, Direction.H2D, 1, 1), 1);
    assertEquals(RANK_H2D * 4 / 64 * 6.464 / 2.116, m.bandwidth(Kind.PARALLEL, Direction.H2D, 4, 1), 1);
    // 16 DPUs are members 0 and 1, both on thread 0: the same thread work as a full rank for a quarter of the DPUs.
    assertEquals(RANK_H2D / 4, m.bandwidth(Kind.PARALLEL, Direction.H2D, 16, 1), 1);
    assertEquals(RANK_H2D / 4 * 6.464 / 5.68, m.bandwidth(Kind.PARALLEL, Direction.H2D, 16, 1, true), 1);
    assertEquals(RANK_H2D * 6.464 / 5.68, m.bandwidth(Kind.PARALLEL, Direction.H2D, 64, 1, true), 1);
    // 17 DPUs: thread 0 still writes two full members; the 17th DPU is on thread 1.
    assertEquals(RANK_H2D * 17 / 64, m.bandwidth(Kind.PARALLEL, Direction.H2D, 17, 1), 1);
    // A broadcast reads one host word per line: 2 x (1 + 0.279) for a full rank = PrIM's 16.88 GB/s; 1 DPU: 1.279.
    assertEquals(RANK_BCAST / 32, m.bandwidth(Kind.BROADCAST, Direction.H2D, 1, 1), 1);
    // The word cost is what makes the two published 1-rank rates agree: lines alike, 8 reads vs 1 per line.
    assertEquals(RANK_BCAST / RANK_H2D, (1 + 8 * 0.279) / (1 + 0.279), 1e-3);
    // The cache share: PrIM's host has 11 MiB; 22 MiB of host bytes are half cached.
    assertEquals(0.5, m.cachedFraction(22L << 20), 1e-15);
    assertEquals(1, m.cachedFraction(11L << 20), 1e-15);
    double bytes = 22.0 * (1 << 20);
    assertEquals(CALL + bytes * (0.5 / (RANK_H2D / 4 * 6.464 / 5.68) + 0.5 / (RANK_H2D / 4)),
        m.parallelSeconds(Direction.H2D, 16, 1, (22L << 20) / 16), 1e-12);
    // One buffer for all DPUs (PrIM's BS): 16 x 1 MiB from one cached 1 MiB buffer, one read per line:
    // thread 0 costs 2 x (1 + 0.23) per word index.
    assertEquals(CALL + 16.0 * (1 << 20) / (RANK_H2D / 4 * 6.464 / 2.46),
        m.sharedPushSeconds(16, 1, 1 << 20), 1e-12);
    // Pulls keep the power law through PrIM's 1-DPU (0.12 GB/s) and 1-rank points.
    assertEquals(0.12e9, m.bandwidth(Kind.PARALLEL, Direction.D2H, 1, 1), 1);
  }

  @Test
  void wramPullsGoWordByWordThroughTheChips() {
    // Preset: 2.4 us per 4-byte word and DPU of a chip; DPU i of a rank sits on chip i % 8, chips in parallel.
    var m = new HostTransferModel(PRIM);
    assertEquals(64 * 2.4e-6, m.wramPullSeconds(1, 1, 256), 1e-15); // RED's DPU_RESULTS: 16 x 16 B
    assertEquals(64 * 2.4e-6, m.wramPullSeconds(8, 1, 256), 1e-15);
    assertEquals(2 * 64 * 2.4e-6, m.wramPullSeconds(16, 1, 256), 1e-15);
    assertEquals(8 * 2 * 2.4e-6, m.wramPullSeconds(64 * 32, 32, 5), 1e-15); // 5 B round up to 2 words
  }

  @Test
  void aFourCoreSocketIsSaturatedByOneRank() {
    // PIM-LLM's host: one rank's 4 SDK threads take all 4 cores of a socket, so 1..20 ranks on socket 0 all
    // reach one rank's rate, NUMA-aware or not.
    var m = new HostTransferModel(PIM_LLM.withNumaAwareAllocation(true));
    for (int r : new int[] {1, 2, 6, 12, 20}) {
      assertEquals(RANK_H2D, m.bandwidth(Kind.PARALLEL, Direction.H2D, 64 * r, r), 1, "ranks " + r);
    }
    assertEquals(Bound.HOST_CORES, m.limits(Kind.PARALLEL, Direction.H2D, 64 * 20, 20).bound());
    // All 40 ranks, buffers on each rank's socket: both sockets' cores, 2 x 6.68 GB/s.
    assertEquals(2 * RANK_H2D, m.bandwidth(Kind.PARALLEL, Direction.H2D, 2560, 40), 1);
  }

  @Test
  void bandwidthSaturatesAtTheHostsMemoryChannels() {
    // With enough cores (64 per socket), only the channel locks limit: 6 channels x 6.68 GB/s = 40.08 GB/s once
    // 6, 12 or 18 ranks fill whole rounds; 20 ranks take 4 rounds (6, 6, 6, 2): 20 x 6.68 / 4 = 33.4 GB/s.
    var m = new HostTransferModel(withCores(PRIM, 64));
    for (int r : new int[] {6, 12, 18}) {
      assertEquals(6 * RANK_H2D, m.bandwidth(Kind.PARALLEL, Direction.H2D, 64 * r, r), 1, "ranks " + r);
    }
    // 6 ranks run side by side, each at its own link's rate; from 7 ranks on, a channel takes two in a row.
    assertEquals(Bound.RANK_LINK, m.limits(Kind.PARALLEL, Direction.H2D, 64 * 6, 6).bound());
    assertEquals(Bound.CHANNELS, m.limits(Kind.PARALLEL, Direction.H2D, 64 * 12, 12).bound());
    assertEquals(20 * RANK_H2D / 4, m.bandwidth(Kind.PARALLEL, Direction.H2D, 64 * 20, 20), 1);
    assertEquals(3 * RANK_H2D, m.bandwidth(Kind.PARALLEL, Direction.H2D, 64 * 3, 3), 1);
    assertEquals(Bound.RANK_LINK, m.limits(Kind.PARALLEL, Direction.H2D, 64 * 3, 3).bound());
  }

  @Test
  void coresAndChannelsTogether() {
    // PrIM's host, 8 cores per socket: 2 ranks at once fill them (2 x 4 threads). 20 ranks on socket 0 run in
    // rounds of 6, 6, 6, 2 ranks; a round of 6 lasts 6 x 4 / 8 = 3 rank-times, the last 1: 10 rank-times.
    var aware = new HostTransferModel(PRIM.withNumaAwareAllocation(true));
    assertEquals(20 * RANK_H2D / 10, aware.bandwidth(Kind.PARALLEL, Direction.H2D, 1280, 20), 1);
    // 32 ranks (2,048 DPUs): socket 1 holds 12 ranks, rounds 6, 6 = 6 rank-times; socket 0 decides (10).
    assertEquals(32 * RANK_H2D / 10, aware.bandwidth(Kind.PARALLEL, Direction.H2D, 2048, 32), 1);
    assertEquals(32 * RANK_D2H / 10, aware.bandwidth(Kind.PARALLEL, Direction.D2H, 2048, 32), 1);
    assertEquals(32 * RANK_BCAST / 10, aware.bandwidth(Kind.BROADCAST, Direction.H2D, 2048, 32), 1);
  }

  @Test
  void numaPlacementChangesThroughput() {
    // 32 ranks on PIM-LLM's host: socket 0 has 20 ranks (20 rank-times, cores), socket 1 has 12 (12 rank-times)
    // whose buffers are remote unless placed NUMA-aware: 12 x 2.9 = 34.8 rank-times.
    var oblivious = new HostTransferModel(PIM_LLM);
    var aware = new HostTransferModel(PIM_LLM.withNumaAwareAllocation(true));
    assertEquals(32 * RANK_H2D / 34.8, oblivious.bandwidth(Kind.PARALLEL, Direction.H2D, 2048, 32), 1);
    assertEquals(1, oblivious.limits(Kind.PARALLEL, Direction.H2D, 2048, 32).slowestSocket());
    assertEquals(32 * RANK_H2D / 20, aware.bandwidth(Kind.PARALLEL, Direction.H2D, 2048, 32), 1);
    assertEquals(0, aware.limits(Kind.PARALLEL, Direction.H2D, 2048, 32).slowestSocket());
    // All 40 ranks: 20 per socket, so NUMA-aware placement gains exactly the slowdown, UPMEM Unleashed's 2.9x.
    double ratio = aware.bandwidth(Kind.PARALLEL, Direction.H2D, 2560, 40)
        / oblivious.bandwidth(Kind.PARALLEL, Direction.H2D, 2560, 40);
    assertEquals(2.9, ratio, 1e-12);
    // Ranks of socket 0 only: placement does not matter.
    assertEquals(aware.bandwidth(Kind.PARALLEL, Direction.D2H, 640, 10),
        oblivious.bandwidth(Kind.PARALLEL, Direction.D2H, 640, 10), 1e-6);
  }

  @Test
  void closedFormAgreesWithTheEventSchedule() {
    for (HardwareConfig c : new HardwareConfig[] {PIM_LLM, PRIM, withCores(PRIM, 12), withCores(PRIM, 64),
        PIM_LLM.withNumaAwareAllocation(true)}) {
      var m = new HostTransferModel(c);
      for (int r = 1; r <= 40; r++) {
        for (int d : new int[] {r, 33 * r, 64 * r}) {
          for (Kind k : new Kind[] {Kind.PARALLEL, Kind.BROADCAST}) {
            double fast = m.bandwidth(k, Direction.H2D, d, r);
            double ref = m.referenceBandwidth(k, Direction.H2D, d, r);
            assertEquals(ref, fast, ref * 1e-9, c.host() + " " + k + " " + d + " DPUs on " + r + " ranks");
          }
        }
      }
    }
  }

  @Test
  void launchIsAFixedCostPlusOnePerRank() {
    var m = new HostTransferModel(PIM_LLM);
    assertEquals(150e-6 + 1e-6, m.launchSeconds(1), 1e-15);
    assertEquals(150e-6 + 32e-6, m.launchSeconds(32), 1e-15);
  }

  @Test
  void badShapesAreClearErrors() {
    var m = new HostTransferModel(PIM_LLM);
    assertThrows(IllegalArgumentException.class, () -> m.bandwidth(Kind.PARALLEL, Direction.H2D, 64, 2 * 64));
    assertThrows(IllegalArgumentException.class, () -> m.bandwidth(Kind.PARALLEL, Direction.H2D, 65 * 41, 41));
    assertThrows(IllegalArgumentException.class, () -> m.bandwidth(Kind.PARALLEL, Direction.H2D, 129, 2));
    assertThrows(IllegalArgumentException.class, () -> m.bandwidth(Kind.BROADCAST, Direction.D2H, 64, 1));
  }

  /** The preset with coresPerSocket transfer cores per socket. */
  static HardwareConfig withCores(HardwareConfig c, int coresPerSocket) {
    var h = c.host();
    var host = new HardwareConfig.HostLink(h.serialH2D(), h.serialD2H(), h.parallelH2DPerRank(), h.parallelD2HPerRank(),
        h.broadcastPerRank(), h.transferThreadsPerRank(), h.sockets(), coresPerSocket, h.pimChannelsPerSocket(),
        h.remoteNumaSlowdown(), h.numaAwareAllocation(), h.serialCallSeconds(), h.parallelH2DCallSeconds(),
        h.parallelD2HCallSeconds(), h.broadcastCallSeconds(), h.lines());
    return new HardwareConfig(c.name(), c.description(), c.physicalDpus(), c.totalDpus(), c.dpusPerRank(), c.clockHz(),
        c.mramBytes(), c.wramBytes(), c.iramInstructions(), c.maxTasklets(), c.pipeline(), c.dma(), c.opCosts(), host,
        c.system(), c.hostCpu(), c.parameters());
  }
}
