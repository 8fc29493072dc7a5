package org.pimllm.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Bounds any schedule of the model must respect, on random traces (with matched barriers). */
class DpuTimingProperties {
  static final HardwareConfig CFG = HardwareConfig.preset("upmem-2556-350");
  static final DpuTiming TIMING = new DpuTiming(CFG);

  @Property(tries = 100)
  void cyclesLieBetweenTheBottlenecksAndFullSerialization(@ForAll @IntRange(min = 1, max = 24) int tasklets,
      @ForAll @IntRange(min = 0, max = 3) int barriers, @ForAll long seed) {
    Random rnd = new Random(seed);
    Trace[] traces = new Trace[tasklets];
    double totalInstr = 0;
    double totalDma = 0;
    double longestTasklet = 0;
    for (int t = 0; t < tasklets; t++) {
      Trace tr = new Trace();
      double instr = 0;
      double dma = 0;
      for (int phase = 0; phase <= barriers; phase++) {
        int segments = rnd.nextInt(6);
        for (int s = 0; s < segments; s++) {
          switch (rnd.nextInt(3)) {
            case 0 -> {
              int n = rnd.nextInt(500);
              tr.compute(n);
              instr += n;
            }
            case 1 -> {
              int b = 8 * (1 + rnd.nextInt(256));
              tr.dmaRead(b);
              dma += CFG.dma().cycles(false, b);
            }
            default -> {
              int b = 8 * (1 + rnd.nextInt(256));
              tr.dmaWrite(b);
              dma += CFG.dma().cycles(true, b);
            }
          }
        }
        if (phase < barriers) {
          tr.barrier();
        }
      }
      traces[t] = tr;
      totalInstr += instr;
      totalDma += dma;
      longestTasklet = Math.max(longestTasklet, 11 * instr + dma);
    }
    DpuTiming.Result r = TIMING.simulate(traces);
    double eps = 1e-6 * Math.max(1, r.cycles());
    assertEquals(totalInstr, r.instructions(), 1e-6);
    assertEquals(totalDma, r.dmaBusyCycles(), 1e-6);
    assertTrue(r.cycles() + eps >= longestTasklet, "a tasklet cannot overlap its own compute and DMA");
    assertTrue(r.cycles() + eps >= totalInstr, "at most one instruction per cycle");
    assertTrue(r.cycles() + eps >= totalDma, "one DMA at a time");
    assertTrue(r.cycles() <= 11 * totalInstr + totalDma + eps, "never slower than running everything in series");
    assertEquals(r, TIMING.simulate(traces), "deterministic");
  }
}
