package org.pimllm.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pimllm.sim.HostTransferModel.Direction;
import org.pimllm.sim.HostTransferModel.Kind;
import org.pimllm.sim.RankPipeline.Launch;
import org.pimllm.sim.RankPipeline.Op;
import org.pimllm.sim.RankPipeline.Transfer;

/**
 * The rank-by-rank schedule of an asynchronous call: alone, a transfer takes what the synchronous model charges;
 * a call with a kernel is shorter than the same steps one after another, and never shorter than any shared
 * resource allows.
 */
class RankPipelineTest {
  static final HardwareConfig HW = HardwareConfig.preset("upmem-2560-450");
  final RankPipeline pipe = new RankPipeline(HW);
  final HostTransferModel link = new HostTransferModel(HW);

  @Test
  void aTransferAloneTakesTheSynchronousTime() {
    for (int ranks : new int[] {1, 6, 7, 20, 32, 40}) {
      int dpus = ranks * 64;
      for (Kind k : new Kind[] {Kind.PARALLEL, Kind.BROADCAST}) {
        long bytes = 1 << 16;
        RankPipeline.Schedule s = pipe.run(dpus, ranks, List.of(new Transfer(k, Direction.H2D, bytes, "x")));
        double sync = k == Kind.PARALLEL ? link.parallelSeconds(Direction.H2D, dpus, ranks, bytes)
            : link.broadcastSeconds(dpus, ranks, bytes);
        // issue (the call cost) then the rank-transfers; the synchronous model is call + bytes / bandwidth
        assertEquals(sync, s.endSeconds(), sync * 1e-9, k + " on " + ranks + " ranks");
      }
    }
  }

  @Test
  void overlapShortensACallButNoResourceIsExceeded() {
    int ranks = 32;
    int dpus = 2048;
    double kernel = 400e-6;
    long a = 4096;
    long c = 256;
    List<Op> ops = List.of(new Transfer(Kind.PARALLEL, Direction.H2D, a, "A"), new Launch(kernel, "k"),
        new Transfer(Kind.PARALLEL, Direction.D2H, c, "C"));
    RankPipeline.Schedule s = pipe.run(dpus, ranks, ops);
    double sync = link.parallelSeconds(Direction.H2D, dpus, ranks, a) + link.launchSeconds(ranks) + kernel
        + link.parallelSeconds(Direction.D2H, dpus, ranks, c);
    assertTrue(s.endSeconds() < sync, s.endSeconds() + " s async vs " + sync + " s one step after another");
    // host thread: every call is issued before the end
    assertTrue(s.endSeconds() >= s.hostSeconds());
    // a rank: its own push, launch, kernel and pull in a row
    double rank0 = link.rankTransferSeconds(Kind.PARALLEL, Direction.H2D, dpus, ranks, a, 0) + HW.system().launchSeconds()
        + kernel + link.rankTransferSeconds(Kind.PARALLEL, Direction.D2H, dpus, ranks, c, 0);
    assertTrue(s.endSeconds() >= rank0);
    // host cores: a socket's rank-transfers run at most cores / threads rank-times at once (4 / 4 = 1 here)
    for (int socket = 0; socket < 2; socket++) {
      double work = 0;
      for (int r = 0; r < ranks; r++) {
        if (link.socketOf(r) != socket) continue;
        work += link.rankTransferSeconds(Kind.PARALLEL, Direction.H2D, dpus, ranks, a, r)
            + link.rankTransferSeconds(Kind.PARALLEL, Direction.D2H, dpus, ranks, c, r);
      }
      double first = HW.host().parallelH2DCallSeconds(); // no transfer starts before the push is issued
      assertTrue(s.endSeconds() >= first + work * (1 - 1e-9), "socket " + socket + ": " + s.endSeconds() + " < " + (first + work));
    }
    // each rank: push before launch before pull
    RankPipeline.OpTimes push = s.ops().get(0);
    RankPipeline.OpTimes launch = s.ops().get(1);
    RankPipeline.OpTimes pull = s.ops().get(2);
    for (int r = 0; r < ranks; r++) {
      assertTrue(push.end()[r] <= launch.start()[r] && launch.end()[r] <= pull.start()[r]);
      assertEquals(HW.system().launchSeconds() + kernel, launch.end()[r] - launch.start()[r], 1e-12);
    }
  }

  @Test
  void dpuSetQueuesRankByRankAndSyncsOnce() {
    PimSystem sys = new PimSystem(HW.withDpus(2048), Mode.TIMING_ONLY);
    try (DpuSet set = sys.allocate(2048)) {
      set.beginAsync();
      set.push(0, 4096, null);
      set.pull(8192, 256, null);
      assertTrue(set.queuing());
      set.sync();
      assertTrue(!set.queuing());
      double elapsed = sys.timeline().total();
      double sum = sys.timeline().total(Category.H2D) + sys.timeline().total(Category.D2H) + sys.timeline().total(Category.ALLOC);
      assertTrue(elapsed <= sum * (1 + 1e-12));
      assertThrows(IllegalStateException.class, () -> {
        set.beginAsync();
        set.beginAsync();
      });
    }
  }

  /**
   * Random calls (1..40 ranks, 1..5 operations): every rank runs its operations in order, no two rank-transfers
   * hold one channel at once, nothing starts before it is issued, and the call never takes longer than its
   * operations one after another on the whole set (each transfer at the synchronous model's time, each launch at its
   * fixed part plus the kernel) nor less than the host's issuing.
   */
  @Test
  void randomCallsRespectEveryResource() {
    java.util.Random rnd = new java.util.Random(42);
    for (int trial = 0; trial < 200; trial++) {
      int ranks = 1 + rnd.nextInt(40);
      int dpus = ranks * 64 - rnd.nextInt(64);
      if (dpus < ranks) dpus = ranks;
      int n = 1 + rnd.nextInt(5);
      java.util.List<Op> ops = new java.util.ArrayList<>();
      double serial = 0;
      for (int i = 0; i < n; i++) {
        if (rnd.nextInt(3) == 0) {
          double k = rnd.nextDouble() * 1e-3;
          ops.add(new Launch(k, "k" + i));
          serial += pipe.issueSeconds(ops.getLast(), ranks) + HW.system().launchSeconds() + k;
        } else {
          boolean bcast = rnd.nextInt(4) == 0;
          Direction dir = bcast || rnd.nextBoolean() ? Direction.H2D : Direction.D2H;
          long bytes = 8L * rnd.nextInt(4096);
          ops.add(new Transfer(bcast ? Kind.BROADCAST : Kind.PARALLEL, dir, bytes, "t" + i));
          serial += bcast ? link.broadcastSeconds(dpus, ranks, bytes) : link.parallelSeconds(dir, dpus, ranks, bytes);
        }
      }
      RankPipeline.Schedule s = pipe.run(dpus, ranks, ops);
      String what = "trial " + trial + ": " + ops + " on " + ranks + " ranks";
      assertTrue(s.endSeconds() <= serial * (1 + 1e-9), what + ": " + s.endSeconds() + " > " + serial);
      assertTrue(s.endSeconds() >= s.hostSeconds(), what);
      for (int i = 0; i < n; i++) {
        RankPipeline.OpTimes t = s.ops().get(i);
        for (int r = 0; r < ranks; r++) {
          assertTrue(t.start()[r] >= t.issued() - 1e-15, what);
          assertTrue(t.end()[r] >= t.start()[r], what);
          if (i > 0) assertTrue(t.start()[r] >= s.ops().get(i - 1).end()[r] - 1e-15, what);
        }
      }
      // channel exclusivity: transfers of ranks on one (socket, channel) never overlap
      for (int a = 0; a < ranks; a++) {
        for (int b = a + 1; b < ranks; b++) {
          if (link.socketOf(a) != link.socketOf(b) || link.channelOf(a) != link.channelOf(b)) continue;
          for (int i = 0; i < n; i++) {
            if (!(ops.get(i) instanceof Transfer)) continue;
            for (int j = 0; j < n; j++) {
              if (!(ops.get(j) instanceof Transfer)) continue;
              double s1 = s.ops().get(i).start()[a], e1 = s.ops().get(i).end()[a];
              double s2 = s.ops().get(j).start()[b], e2 = s.ops().get(j).end()[b];
              assertTrue(e1 <= s2 + 1e-15 || e2 <= s1 + 1e-15 || e1 == s1 || e2 == s2, what + ": ranks " + a + ", " + b);
            }
          }
        }
      }
    }
  }
}
