package org.pimllm.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class TaskletTest {
  static final HardwareConfig CFG = HardwareConfig.preset("upmem-2556-350");

  record Program(String name, int nrTasklets, int stackBytesPerTasklet, Consumer<Tasklet> body) implements DpuProgram {
    Program(int tasklets, Consumer<Tasklet> body) {
      this("test", tasklets, 256, body);
    }

    public int iramInstructions() {
      return 64;
    }

    public void run(Tasklet t) {
      body.accept(t);
    }
  }

  static LaunchResult launch(Mode mode, DpuProgram p) {
    PimSystem sys = new PimSystem(CFG, mode);
    try (DpuSet set = sys.allocate(1)) {
      set.load(p);
      return set.launch();
    }
  }

  @Test
  void barrierSeparatesPhasesOfSharedWram() {
    PimSystem sys = new PimSystem(CFG, Mode.FUNCTIONAL);
    try (DpuSet set = sys.allocate(2)) {
      set.load(new Program(8, t -> {
        WramBuffer partial = t.wramShared("partial", 8 * 8);
        partial.putLong(8 * t.me(), 10L * t.me() + t.dpuIndex());
        t.instructions(3);
        t.barrier();
        if (t.me() == 0) {
          long sum = 0;
          for (int i = 0; i < t.nrTasklets(); i++) {
            sum += partial.getLong(8 * i);
          }
          WramBuffer out = t.wramAlloc(8);
          out.putLong(0, sum);
          t.mramWrite(out, 0, 0, 8);
        }
        t.barrier();
      }));
      LaunchResult r = set.launch();
      long[] sums = new long[2];
      set.pull(0, 8, (b, d) -> sums[d] = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong());
      assertEquals(280, sums[0]); // 10 * (0+..+7)
      assertEquals(288, sums[1]); // + 8 * dpuIndex
      // 8 tasklets x 3 instructions at 1/11 each = 33 cycles, then tasklet 0 writes 8 B: 61 + 4.
      assertEquals(33 + 65, r.maxCycles());
    }
  }

  @Test
  void taskletEndingWhileOthersWaitAtBarrierIsAnError() {
    var e = assertThrows(IllegalStateException.class, () -> launch(Mode.FUNCTIONAL, new Program(4, t -> {
      if (t.me() != 2) {
        t.barrier();
      }
    })));
    assertTrue(e.getMessage().contains("tasklet(s) [2] finished while tasklet(s) [0, 1, 3] wait at barrier()"), e.getMessage());
  }

  @Test
  void exceptionInATaskletSurfaces() {
    var e = assertThrows(IllegalArgumentException.class, () -> launch(Mode.FUNCTIONAL, new Program(4, t -> {
      t.barrier();
      WramBuffer b = t.wramAlloc(64);
      t.mramRead(4, b, 0, 8);
    })));
    assertTrue(e.getMessage().contains("8-byte aligned"), e.getMessage());
  }

  @Test
  void dmaSizeRulesAreEnforced() {
    for (int bytes : new int[] {0, 4, 12, 2056}) {
      var e = assertThrows(IllegalArgumentException.class, () -> launch(Mode.TIMING_ONLY, new Program(1, t -> {
        t.mramRead(0, t.wramAlloc(4096), 0, bytes);
      })));
      assertTrue(e.getMessage().contains("between 8 and 2048"), e.getMessage());
    }
    var e = assertThrows(IllegalArgumentException.class, () -> launch(Mode.TIMING_ONLY, new Program(1, t -> {
      t.mramRead(CFG.mramBytes() - 8, t.wramAlloc(16), 0, 16);
    })));
    assertTrue(e.getMessage().contains("outside MRAM"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> launch(Mode.TIMING_ONLY, new Program(1, t -> {
      t.mramRead(0, t.wramAlloc(16), 8, 16);
    })));
    assertTrue(e.getMessage().contains("outside the WRAM buffer of 16 bytes"), e.getMessage());
  }

  @Test
  void wramHeapIsWramMinusStacks() {
    // 16 tasklets x 2048 B stacks = 32 KiB; the heap holds the other 32 KiB.
    DpuProgram fits = new Program("fits", 16, 2048, t -> {
      if (t.me() == 0) {
        t.wramAlloc(32 * 1024);
      }
    });
    launch(Mode.FUNCTIONAL, fits);
    DpuProgram tooBig = new Program("too-big", 16, 2048, t -> t.wramAlloc(2056));
    var e = assertThrows(IllegalArgumentException.class, () -> launch(Mode.FUNCTIONAL, tooBig));
    assertTrue(e.getMessage().contains("exceeds WRAM"), e.getMessage());
  }

  @Test
  void loadChecksIramStacksAndTasklets() {
    PimSystem sys = new PimSystem(CFG, Mode.FUNCTIONAL);
    try (DpuSet set = sys.allocate(1)) {
      DpuProgram big = new DpuProgram() {
        public String name() {
          return "big";
        }

        public int nrTasklets() {
          return 1;
        }

        public int stackBytesPerTasklet() {
          return 256;
        }

        public int iramInstructions() {
          return 4097;
        }

        public void run(Tasklet t) {}
      };
      var e = assertThrows(IllegalArgumentException.class, () -> set.load(big));
      assertTrue(e.getMessage().contains("4097 instructions; IRAM holds 4096"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> set.load(new Program("stacks", 24, 4096, t -> { })));
      assertTrue(e.getMessage().contains("24 stacks of 4096 B exceed the 65536 B of WRAM"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> set.load(new Program(25, t -> { })));
      assertTrue(e.getMessage().contains("runs 1..24 per DPU"), e.getMessage());
    }
  }

  @Test
  void timingOnlyBuffersHaveNoData() {
    var e = assertThrows(IllegalStateException.class, () -> launch(Mode.TIMING_ONLY, new Program(1, t -> {
      t.wramAlloc(8).getInt(0);
    })));
    assertTrue(e.getMessage().contains("TIMING_ONLY"), e.getMessage());
  }

  @Test
  void mramIsSparse() {
    PimSystem sys = new PimSystem(CFG, Mode.FUNCTIONAL);
    try (DpuSet set = sys.allocate(2556)) {
      assertEquals(0, sys.mramBytesAllocated());
      set.copyTo(7, 32L << 20, new byte[16], 0, 16);
      assertEquals(4096, sys.mramBytesAllocated());
    }
  }

  @Test
  void sameLaunchTwiceGivesSameCycles() {
    DpuProgram p = new Program(12, t -> {
      WramBuffer b = t.wramAlloc(1024);
      for (int i = 0; i < 5 + t.me(); i++) {
        t.mramRead(1024L * (i * 12 + t.me()), b, 0, 1024);
        t.compute(OpClass.MUL, DType.INT32, 7);
        t.barrier();
      }
      for (int i = 5 + t.me(); i < 16; i++) {
        t.barrier();
      }
    });
    assertEquals(launch(Mode.FUNCTIONAL, p), launch(Mode.FUNCTIONAL, p));
    assertEquals(launch(Mode.FUNCTIONAL, p), launch(Mode.TIMING_ONLY, p));
  }

  @Test
  void handshakeChainPassesAPrefixAlongTasklets() {
    PimSystem sys = new PimSystem(CFG, Mode.FUNCTIONAL);
    try (DpuSet set = sys.allocate(1)) {
      set.load(new Program(4, t -> {
        WramBuffer msg = t.wramShared("msg", 8 * 4);
        long prefix = 0;
        if (t.me() > 0) {
          t.handshakeWaitFor(t.me() - 1);
          prefix = msg.getLong(8 * t.me());
        }
        if (t.me() < 3) {
          msg.putLong(8 * (t.me() + 1), prefix + t.me() + 1);
          t.handshakeNotify();
        }
        t.instructions(10);
        t.barrier();
        WramBuffer out = t.wramShared("out", 8 * 4);
        out.putLong(8 * t.me(), prefix);
        t.barrier();
        if (t.me() == 0) {
          t.mramWrite(out, 0, 0, 32);
        }
      }));
      set.launch();
      long[][] got = new long[1][];
      set.pull(0, 32, (b, d) -> got[0] = toLongs(b));
      // prefix of tasklet k = 1 + 2 + ... + k
      assertEquals(java.util.List.of(0L, 1L, 3L, 6L), java.util.Arrays.stream(got[0]).boxed().toList());
    }
  }

  private static long[] toLongs(byte[] b) {
    long[] v = new long[b.length / 8];
    java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(v);
    return v;
  }

  @Test
  void waitingForATaskletThatHasNotNotifiedIsAnError() {
    var e = assertThrows(IllegalStateException.class, () -> launch(Mode.FUNCTIONAL, new Program(2, t -> {
      if (t.me() == 0) {
        t.handshakeWaitFor(1);
      } else {
        t.handshakeNotify();
      }
    })));
    assertTrue(e.getMessage().contains("has not notified"), e.getMessage());
  }

  @Test
  void holdingAMutexAcrossABarrierIsAnError() {
    var e = assertThrows(IllegalStateException.class, () -> launch(Mode.FUNCTIONAL, new Program(2, t -> {
      t.mutexLock(0);
      t.barrier();
      t.mutexUnlock(0);
    })));
    assertTrue(e.getMessage().contains("while holding a mutex"), e.getMessage());
  }

  @Test
  void contendedMutexSerializesInTheTimingModel() {
    // 2 tasklets, each: lock, 10 instructions, unlock -> 110 + 110 cycles (see DpuTimingTest).
    LaunchResult r = launch(Mode.TIMING_ONLY, new Program(2, t -> {
      t.mutexLock(0);
      t.instructions(10);
      t.mutexUnlock(0);
    }));
    assertEquals(220, r.maxCycles());
  }
}
