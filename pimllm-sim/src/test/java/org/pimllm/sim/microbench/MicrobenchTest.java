package org.pimllm.sim.microbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pimllm.sim.DType;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.sim.HostTransferModel.Direction;
import org.pimllm.sim.HostTransferModel.Kind;
import org.pimllm.sim.Mode;
import org.pimllm.sim.OpClass;

/** Microbenchmark results derived by hand from the model (preset upmem-2556-350). */
class MicrobenchTest {
  static final HardwareConfig CFG = HardwareConfig.preset("upmem-2556-350");
  static final double F = 350e6;

  @Test
  void mramLatencyOfALoneTaskletIsAlphaPlusBetaBytes() {
    var r = MramBench.run(CFG, MramBench.Direction.READ, 512, 1);
    assertEquals(77 + 256, r.latencyCycles());
    assertEquals(512 * F / (77 + 256) / 1e6, r.mbps(), 1e-9);
    var w = MramBench.run(CFG, MramBench.Direction.WRITE, 2048, 1);
    assertEquals(61 + 1024, w.latencyCycles());
  }

  @Test
  void arithThroughputGrowsLinearlyToElevenTaskletsThenStaysFlat() {
    // int32 add: 6 instructions per element (load, add, store, 2 increments, compare-and-branch).
    assertEquals(F / (11 * 6) / 1e6, ArithBench.run(CFG, OpClass.ADD, DType.INT32, 1).mops(), 1e-9);
    assertEquals(4 * F / (11 * 6) / 1e6, ArithBench.run(CFG, OpClass.ADD, DType.INT32, 4).mops(), 1e-9);
    assertEquals(F / 6 / 1e6, ArithBench.run(CFG, OpClass.ADD, DType.INT32, 11).mops(), 1e-9);
    assertEquals(F / 6 / 1e6, ArithBench.run(CFG, OpClass.ADD, DType.INT32, 24).mops(), 1e-9);
    // int32 mul costs 30 in the preset: 35 instructions per element.
    assertEquals(F / 35 / 1e6, ArithBench.run(CFG, OpClass.MUL, DType.INT32, 16).mops(), 1e-9);
  }

  @Test
  void xferIsFixedCostPlusBytesOverBandwidth() {
    // Calls from the preset: serial 33 us, push and broadcast 56 us (docs/simulator.md, "Per-call costs").
    var serial = XferBench.run(CFG, Kind.SERIAL, Direction.D2H, 3, 1 << 20);
    assertEquals(3 * (33e-6 + (1 << 20) / 0.12e9) * 1e3, serial.ms(), 1e-9);
    // A 1 MiB broadcast buffer fits the 11 MiB L3: one cached host word per line, 2 x (1 + 0.23) line costs per
    // word index against 2 x (1 + 0.279) at PrIM's 16.88 GB/s (docs/simulator.md, "Within a rank").
    var bcast = XferBench.run(CFG, Kind.BROADCAST, Direction.H2D, 64, 1 << 20);
    assertEquals((56e-6 + 64.0 * (1 << 20) / (16.88e9 * 2.558 / 2.46)) * 1e3, bcast.ms(), 1e-9);
    // Two full ranks on two channels of socket 0, 8 threads on its 8 cores: twice the per-rank bandwidth, for the
    // 117 of 128 MiB in DRAM; the cached 11 MiB at 6.464 / 5.68 times that.
    var two = XferBench.run(CFG, Kind.PARALLEL, Direction.H2D, 128, 1 << 20);
    double cached = 11.0 / 128;
    assertEquals((56e-6 + 128.0 * (1 << 20) * (cached / (2 * 6.68e9 * 6.464 / 5.68) + (1 - cached) / (2 * 6.68e9)))
        * 1e3, two.ms(), 1e-9);
    assertEquals(2, two.ranks());
    // Within a rank: 8 DPUs are one member on thread 0, 8 MiB cached: 1 + 8 x 0.23 line costs per word index.
    var eight = XferBench.run(CFG, Kind.PARALLEL, Direction.H2D, 8, 1 << 20);
    assertEquals((56e-6 + 8.0 * (1 << 20) / (6.68e9 * 8 / 64 * 6.464 / 2.84)) * 1e3, eight.ms(), 1e-9);
    assertThrows(IllegalArgumentException.class, () -> XferBench.run(CFG, Kind.BROADCAST, Direction.D2H, 1, 8));
  }

  @Test
  void vaOfOneBlockOnOneTaskletByHand() {
    // 256 int32 = one 1,024 B block: read A (77+512), read B (77+512), 256 x 7 + 10 instructions at one
    // per 11 cycles, write B (61+512).
    var r = VaBench.run(CFG, 1, 256, 1, Mode.FUNCTIONAL);
    assertEquals(589 + 589 + 11 * (256 * 7 + 10) + 573, r.kernelCycles());
    assertTrue(r.verified());
  }

  @Test
  void vaIsCorrectWithUnevenSplitsAndOddTaskletCounts() {
    assertTrue(VaBench.run(CFG, 5, 12_347, 7, Mode.FUNCTIONAL).verified());
    var f = VaBench.run(CFG, 5, 12_347, 7, Mode.FUNCTIONAL);
    var t = VaBench.run(CFG, 5, 12_347, 7, Mode.TIMING_ONLY);
    assertEquals(f.kernelCycles(), t.kernelCycles());
    assertEquals(f.h2dMs(), t.h2dMs());
  }

  @Test
  void gemvIsCorrectForRestRowsAndTails() {
    // 37 rows over 3 DPUs (13, 12, 12), 2 x 13 rows per tasklet pair split over 5 tasklets, N = 700 (2 blocks + tail).
    var r = GemvBench.run(CFG, 3, 37, 700, 5, Mode.FUNCTIONAL);
    assertTrue(r.verified());
    assertEquals(r.kernelCycles(), GemvBench.run(CFG, 3, 37, 700, 5, Mode.TIMING_ONLY).kernelCycles());
    var e = assertThrows(IllegalArgumentException.class, () -> GemvBench.run(CFG, 1, 8, 7, 1, Mode.TIMING_ONLY));
    assertTrue(e.getMessage().contains("odd"), e.getMessage());
  }

  @Test
  void gemvOfOneRowPairOnOneTaskletByHand() {
    // 2 rows x 256 cols, 1 tasklet: per row read A and x (2 x 589 cycles) and 256 MACs of 37 instructions
    // (4 loads/stores + mul 30 + add 1 + index add + branch) plus 8 per row; 6 per pair; then an 8 B write.
    var r = GemvBench.run(CFG, 1, 2, 256, 1, Mode.FUNCTIONAL);
    long row = 2 * 589 + 11L * (256 * 37 + 8);
    assertEquals(11 * 6 + 2 * row + (61 + 4), r.kernelCycles());
    assertTrue(r.verified());
  }
}
