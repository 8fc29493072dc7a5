package org.pimllm.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class DpuSetTest {
  static final HardwareConfig CFG = HardwareConfig.preset("upmem-2556-350");

  /** Per-DPU args: add `addend` to `n` int32 values at MRAM 0, in place. */
  record AddArgs(int n, int addend) implements DpuArgs {
    public int sizeBytes() {
      return 8;
    }
  }

  /** PrIM-style streaming kernel: each tasklet takes blocks of 256 B round-robin, adds, writes back. */
  record AddKernel(int tasklets) implements DpuProgram {
    static final int BLOCK = 256;

    public String name() {
      return "add";
    }

    public int nrTasklets() {
      return tasklets;
    }

    public int stackBytesPerTasklet() {
      return 1024;
    }

    public int iramInstructions() {
      return 100;
    }

    public boolean usesBarriers() {
      return false;
    }

    public void run(Tasklet t) {
      AddArgs a = t.args(AddArgs.class);
      WramBuffer buf = t.wramAlloc(BLOCK);
      long bytes = 4L * a.n();
      for (long off = (long) t.me() * BLOCK; off < bytes; off += (long) BLOCK * t.nrTasklets()) {
        int len = (int) Math.min(BLOCK, bytes - off);
        t.mramRead(off, buf, 0, len);
        if (t.functional()) {
          for (int i = 0; i < len; i += 4) {
            buf.putInt(i, buf.getInt(i) + a.addend());
          }
        }
        t.compute(OpClass.ADD, DType.INT32, len / 4);
        t.instructions(5L * (len / 4));
        t.mramWrite(buf, 0, off, len);
      }
    }
  }

  static byte[] ints(int... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int x : v) {
      b.putInt(x);
    }
    return b.array();
  }

  static int[] toInts(byte[] bytes) {
    int[] v = new int[bytes.length / 4];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(v);
    return v;
  }

  @Test
  void functionalKernelTransformsEachDpusBytes() {
    PimSystem sys = new PimSystem(CFG, Mode.FUNCTIONAL);
    try (DpuSet set = sys.allocate(3)) {
      set.load(new AddKernel(4));
      int n = 200; // 800 bytes: 3 full blocks + a partial one of 32 B
      set.push(0, 4 * n, d -> {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
          v[i] = d * 1000 + i;
        }
        return ints(v);
      });
      set.pushArgs(d -> new AddArgs(n, d + 1));
      LaunchResult r = set.launch();
      int[][] out = new int[3][];
      set.pull(0, 4 * n, (bytes, d) -> out[d] = toInts(bytes));
      for (int d = 0; d < 3; d++) {
        for (int i = 0; i < n; i++) {
          assertEquals(d * 1000 + i + d + 1, out[d][i], "DPU " + d + " element " + i);
        }
      }
      assertEquals(3, r.nrDpus());
      assertEquals(3 * 2 * 800L, r.totalDmaBytes());
      assertEquals(3 * 200 * 6L, r.totalInstructions());
    }
  }

  @Test
  void serialCopyAndBroadcastRoundTrip() {
    PimSystem sys = new PimSystem(CFG, Mode.FUNCTIONAL);
    try (DpuSet set = sys.allocate(70)) {
      assertEquals(2, set.nrRanks());
      byte[] common = ints(7, 8, 9, 10);
      set.broadcast(1024, common, 0, 16);
      set.copyTo(69, 0, ints(42, 43), 0, 8);
      byte[] back = new byte[16];
      set.copyFrom(5, 1024, back, 0, 16);
      assertArrayEquals(common, back);
      byte[] two = new byte[8];
      set.copyFrom(69, 0, two, 0, 8);
      assertArrayEquals(ints(42, 43), two);
      set.copyFrom(68, 0, two, 0, 8);
      assertArrayEquals(new byte[8], two, "unwritten MRAM reads as zero");
    }
  }

  @Test
  void timingOnlyGivesTheSameCyclesAsFunctionalAndSharesEqualArgs() {
    long functionalCycles;
    PimSystem f = new PimSystem(CFG, Mode.FUNCTIONAL);
    try (DpuSet set = f.allocate(4)) {
      set.load(new AddKernel(16));
      set.push(0, 4096, d -> new byte[4096]);
      set.pushArgs(d -> new AddArgs(1024, 1));
      functionalCycles = set.launch().maxCycles();
    }
    PimSystem t = new PimSystem(CFG, Mode.TIMING_ONLY);
    try (DpuSet set = t.allocate(2048)) {
      set.load(new AddKernel(16));
      set.push(0, 4096, null);
      set.pushArgs(d -> new AddArgs(1024, 1));
      LaunchResult r = set.launch();
      assertEquals(functionalCycles, r.maxCycles());
      assertEquals(1, r.distinctTimings());
      assertEquals(2048, r.nrDpus());
      assertEquals(0, t.mramBytesAllocated(), "TIMING_ONLY stores nothing");
    }
  }

  @Test
  void launchChargesKernelAtTheClockAndTimelineAddsUp() {
    PimSystem sys = new PimSystem(CFG, Mode.TIMING_ONLY);
    DpuSet set = sys.allocate(128);
    set.load(new AddKernel(16));
    set.pushArgs(d -> new AddArgs(d < 64 ? 1024 : 2048, 1));
    long mark = sys.timeline().mark();
    LaunchResult r = set.launch();
    assertEquals(2, r.distinctTimings());
    assertTrue(r.maxCycles() > r.minCycles());
    assertEquals(r.maxCycles() / CFG.clockHz(), sys.timeline().totalSince(mark, Category.KERNEL), 1e-15);
    assertEquals(r.seconds() + sys.costs().launchSeconds(2), sys.timeline().totalSince(mark), 1e-12);
    set.close();
    double sum = 0;
    for (Category c : Category.values()) {
      sum += sys.timeline().total(c);
    }
    assertEquals(sum, sys.timeline().total(), 1e-12);
    assertEquals(sys.costs().allocSeconds(2), sys.timeline().total(Category.ALLOC), 1e-15);
    assertEquals(sys.costs().freeSeconds(2), sys.timeline().total(Category.FREE), 1e-15);
  }

  @Test
  void asyncLaunchLetsHostWorkOverlapUntilSync() {
    PimSystem sys = new PimSystem(CFG, Mode.TIMING_ONLY);
    DpuSet set = sys.allocate(64);
    set.load(new AddKernel(16));
    set.pushArgs(d -> new AddArgs(1 << 16, 1));
    double before = sys.timeline().total();
    set.launchAsync();
    double kernel = set.lastLaunch().seconds();
    double launch = sys.costs().launchSeconds(1);
    sys.timeline().charge(Category.HOST, "host work", kernel / 2);
    set.sync();
    assertEquals(before + launch + kernel, sys.timeline().total(), 1e-12);
    assertEquals(kernel, sys.timeline().total(Category.KERNEL), 1e-15);
  }

  @Test
  void allocationIsByRankAndLimitedByTheMachine() {
    PimSystem sys = new PimSystem(CFG.withDpus(128), Mode.TIMING_ONLY);
    DpuSet a = sys.allocate(1);
    assertEquals(64, sys.freeDpus(), "a 1-DPU set holds a whole rank");
    var e = assertThrows(IllegalArgumentException.class, () -> sys.allocate(65));
    assertTrue(e.getMessage().contains("64 of 128 DPUs"), e.getMessage());
    a.close();
    sys.allocate(128).close();
    assertThrows(IllegalStateException.class, () -> a.launch());
  }

  @Test
  void hostTransferRulesAreEnforced() {
    PimSystem sys = new PimSystem(CFG, Mode.FUNCTIONAL);
    try (DpuSet set = sys.allocate(2)) {
      assertThrows(IllegalArgumentException.class, () -> set.copyTo(0, 4, new byte[8], 0, 8), "unaligned offset");
      assertThrows(IllegalArgumentException.class, () -> set.copyTo(0, 0, new byte[12], 0, 12), "length not x8");
      assertThrows(IllegalArgumentException.class, () -> set.copyTo(2, 0, new byte[8], 0, 8), "no DPU 2");
      assertThrows(IllegalArgumentException.class, () -> set.copyTo(0, CFG.mramBytes() - 8, new byte[16], 0, 16));
      var e = assertThrows(IllegalArgumentException.class, () -> set.push(0, 16, d -> new byte[d == 1 ? 8 : 16]));
      assertTrue(e.getMessage().contains("DPU 1's buffer has 8 bytes but the transfer length is 16"), e.getMessage());
      assertThrows(IllegalStateException.class, set::launch, "no program");
    }
  }

  @Test
  void programLimitsAreCheckedAtLoad() {
    PimSystem sys = new PimSystem(CFG, Mode.FUNCTIONAL);
    try (DpuSet set = sys.allocate(1)) {
      assertThrows(IllegalArgumentException.class, () -> set.load(new AddKernel(25)), "25 > 24 tasklets");
      assertThrows(IllegalArgumentException.class, () -> set.load(new AddKernel(0)));
    }
  }

  record Id(int value) implements DpuArgs {
    public int sizeBytes() {
      return 4;
    }
  }

  @Test
  void pullSymbolReadsEachDpusWramGlobalAndCopyArgsToSetsOneDpusArgs() {
    PimSystem sys = new PimSystem(CFG, Mode.FUNCTIONAL);
    try (DpuSet set = sys.allocate(3)) {
      set.load(new TaskletTest.Program(2, t -> {
        if (t.me() == 0) {
          t.wramShared("RESULTS", 8).putLong(0, 100L * t.args(Id.class).value() + t.dpuIndex());
        }
      }));
      for (int d = 0; d < 3; d++) {
        set.copyArgsTo(d, new Id(d + 1));
      }
      set.launch();
      long[] got = new long[3];
      long before = sys.timeline().mark();
      set.pullSymbol("RESULTS", 16, (b, d) -> {
        assertEquals(16, b.length); // bytes past the 8-byte symbol read as zero
        got[d] = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
      });
      assertArrayEquals(new long[] {100, 201, 302}, got);
      // WRAM through the chips' control interfaces: 3 DPUs on 3 chips in parallel, 16 B = 4 words x 2.4 us.
      assertEquals(4 * 2.4e-6, sys.timeline().totalSince(before), 1e-15);
      var e = assertThrows(IllegalStateException.class, () -> set.pullSymbol("NOPE", 8, (b, d) -> {}));
      assertTrue(e.getMessage().contains("no WRAM symbol 'NOPE'"), e.getMessage());
    }
  }
}
