package org.pimllm.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Expectations derived by hand from the model (revolver 11, alpha 77/61, beta 0.5, 1 issue per cycle). */
class DpuTimingTest {
  static final HardwareConfig CFG = HardwareConfig.preset("upmem-2556-350");
  static final DpuTiming TIMING = new DpuTiming(CFG);

  static Trace[] tasklets(int n, java.util.function.IntFunction<Trace> trace) {
    Trace[] t = new Trace[n];
    for (int i = 0; i < n; i++) {
      t[i] = trace.apply(i);
    }
    return t;
  }

  @Test
  void oneTaskletIssuesOnceEvery11Cycles() {
    assertEquals(11.0 * 1000, TIMING.simulate(tasklets(1, i -> new Trace().compute(1000))).cycles());
  }

  @Test
  void elevenTaskletsFillThePipeline() {
    assertEquals(1000 * 11.0, TIMING.simulate(tasklets(11, i -> new Trace().compute(1000))).cycles());
  }

  @Test
  void sixteenTaskletsShareOneIssueSlotPerCycle() {
    assertEquals(16.0 * 1000, TIMING.simulate(tasklets(16, i -> new Trace().compute(1000))).cycles());
  }

  @Test
  void fourTaskletsEachRunAtTheRevolverRate() {
    assertEquals(11.0 * 500, TIMING.simulate(tasklets(4, i -> new Trace().compute(500))).cycles());
  }

  @Test
  void unequalBurstsSpeedUpWhenOthersFinish() {
    // 22 tasklets: 11 of 100 instructions, 11 of 200. Phase 1: 22 share 1 IPC -> each at 1/22 for 100
    // instructions = 2200 cycles. Phase 2: 11 left with 100 each at 1/11 = 1100 cycles. Total 3300.
    var r = TIMING.simulate(tasklets(22, i -> new Trace().compute(i < 11 ? 100 : 200)));
    assertEquals(3300.0, r.cycles());
    assertEquals(3300.0, r.instructions());
  }

  @Test
  void loneReadTakesAlphaPlusBetaBytes() {
    assertEquals(77 + 0.5 * 2048, TIMING.simulate(tasklets(1, i -> new Trace().dmaRead(2048))).cycles());
    assertEquals(61 + 0.5 * 64, TIMING.simulate(tasklets(1, i -> new Trace().dmaWrite(64))).cycles());
  }

  @Test
  void concurrentDmasQueueOnTheEngine() {
    var r = TIMING.simulate(tasklets(3, i -> new Trace().dmaRead(1024)));
    assertEquals(3 * (77 + 512.0), r.cycles());
    assertEquals(3 * 1024L, r.dmaBytes());
  }

  @Test
  void computeOverlapsAnotherTaskletsDma() {
    // tasklet 0 computes 50 instructions (550 cycles alone), tasklet 1 reads 2048 B (1101 cycles).
    var r = TIMING.simulate(new Trace[] {new Trace().compute(50), new Trace().dmaRead(2048)});
    assertEquals(1101.0, r.cycles());
    // tasklet 0: read 2048 then compute 10 -> 1101 + 110.
    r = TIMING.simulate(new Trace[] {new Trace().dmaRead(2048).compute(10), new Trace().compute(50)});
    assertEquals(1101.0 + 110, r.cycles());
  }

  @Test
  void barrierWaitsForTheSlowestTasklet() {
    // t0: 10 instr, barrier, 10 instr; t1: 100 instr, barrier, 10 instr.
    // Until 110 cycles both compute at 1/11; t0 ends its burst at 110 and waits; t1 alone at 1/11 until
    // 1100; then both run 10 more at 1/11: +110. Total 1210.
    var r = TIMING.simulate(new Trace[] {new Trace().compute(10).barrier().compute(10),
        new Trace().compute(100).barrier().compute(10)});
    assertEquals(1210.0, r.cycles());
  }

  @Test
  void sameTracesGiveSameCycles() {
    Trace[] a = tasklets(16, i -> new Trace().dmaRead(2048).compute(37 + i).dmaWrite(1024).barrier().compute(5));
    Trace[] b = tasklets(16, i -> new Trace().dmaRead(2048).compute(37 + i).dmaWrite(1024).barrier().compute(5));
    assertEquals(TIMING.simulate(a), TIMING.simulate(b));
  }

  @Test
  void mutexSerializesCriticalSections() {
    // t0 holds mutex 0 for 10 instructions (110 cycles at 1/11 while t1 spins: 2 tasklets < 11), then t1.
    var r = TIMING.simulate(tasklets(2, i -> new Trace().mutexLock(0).compute(10).mutexUnlock(0)));
    assertEquals(220.0, r.cycles());
  }

  @Test
  void spinningTaskletsTakeIssueSlotsFromTheHolder() {
    // 16 tasklets, each a 10-instruction critical section. With k left (1 holder + k-1 spinners) the holder
    // issues at min(1/11, 1/k): k = 16..12 -> 10k cycles each (700), k = 11..1 -> 110 each (1210).
    var r = TIMING.simulate(tasklets(16, i -> new Trace().mutexLock(3).compute(10).mutexUnlock(3)));
    assertEquals(1910.0, r.cycles());
    assertEquals(160.0, r.instructions());
  }

  @Test
  void differentMutexesDoNotSerialize() {
    var r = TIMING.simulate(tasklets(2, i -> new Trace().mutexLock(i).compute(10).mutexUnlock(i)));
    assertEquals(110.0, r.cycles());
  }

  @Test
  void handshakeWaitSleepsUntilNotify() {
    // t1 waits for t0, which notifies after 10 instructions (110 cycles); t1 then computes 10 (110).
    var r = TIMING.simulate(new Trace[] {new Trace().compute(10).handshakeNotify(),
        new Trace().handshakeWaitFor(0).compute(10)});
    assertEquals(220.0, r.cycles());
  }

  @Test
  void handshakeNotifySleepsUntilSomeoneWaits() {
    // t0 notifies at once but sleeps until t1 waits at 220 cycles (20 instructions); then t0 computes 10.
    var r = TIMING.simulate(new Trace[] {new Trace().handshakeNotify().compute(10),
        new Trace().compute(20).handshakeWaitFor(0)});
    assertEquals(330.0, r.cycles());
  }

  @Test
  void handshakeChainPassesAlongTasklets() {
    // t0 -> t1 -> t2: each computes 10 after its wait; t0 starts at once. 3 x 110 cycles in sequence.
    var r = TIMING.simulate(new Trace[] {new Trace().compute(10).handshakeNotify(),
        new Trace().handshakeWaitFor(0).compute(10).handshakeNotify(),
        new Trace().handshakeWaitFor(1).compute(10)});
    assertEquals(330.0, r.cycles());
  }

  @Test
  void aMutexNobodyReleasesIsReportedAsADeadlock() {
    var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> TIMING.simulate(new Trace[] {new Trace().mutexLock(0).barrier(), new Trace().mutexLock(0).barrier()}));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("deadlock"), e.getMessage());
  }

  @Test
  void mulsi3CostsSevenPlusOneStepPerBitOfTheSmallerOperand() {
    // UPMEM's __mulsi3: 7 instructions around the mul_steps, one step per bit of min(a, b), at least one.
    assertEquals(7 + 1, CFG.mul32Cost(0, 123456));
    assertEquals(7 + 1, CFG.mul32Cost(1, 1));
    assertEquals(7 + 9, CFG.mul32Cost(4095, 256));
    assertEquals(7 + 9, CFG.mul32Cost(256, 4095));
    assertEquals(7 + 32, CFG.mul32Cost(-1, -1)); // 0xFFFFFFFF unsigned
    assertEquals(7 + 7, CFG.mul32Cost(100, 126));
  }
}
