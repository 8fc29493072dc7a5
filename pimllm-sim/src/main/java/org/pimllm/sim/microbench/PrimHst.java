package org.pimllm.sim.microbench;

import org.pimllm.sim.DType;
import org.pimllm.sim.DpuArgs;
import org.pimllm.sim.DpuSet;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.sim.Mode;
import org.pimllm.sim.OpClass;
import org.pimllm.sim.PimSystem;
import org.pimllm.sim.Tasklet;
import org.pimllm.sim.WramBuffer;
import org.pimllm.sim.microbench.PrimSuite.HostTimer;
import org.pimllm.sim.microbench.PrimSuite.Times;

/**
 * PrIM's histograms of 12-bit pixels (uint32) into 256 bins. HST-S (BL=10): every tasklet fills its own WRAM
 * histogram, then the tasklets sum bin slices of all 16. HST-L (BL=8, NR_HISTO=1): one shared WRAM histogram,
 * every increment under a mutex. The host pushes the pixels split evenly (8-byte padded), pulls each DPU's
 * histogram and merges them inside its DPU-CPU timer.
 */
final class PrimHst {
  private PrimHst() {}

  static final int BINS = 256;
  static final int DEPTH = 12;
  /** Per block: bound check, address computation, call, loop test. */
  static final int BLOCK_INSTRUCTIONS = 10;

  /**
   * dpu_arguments_t {size, transfer_size, bins, kernel}; firstPixel (not pushed) lets TIMING_ONLY draw the
   * pixels from the same generator, since the cost of d * bins depends on d.
   */
  record Args(int size, int transferSize, long firstPixel) implements DpuArgs {
    public int sizeBytes() {
      return 16;
    }
  }

  static final class Program extends PrimProgram {
    final boolean large;

    Program(boolean large) {
      super(large ? "prim-hst-l" : "prim-hst-s", PrimSuite.TASKLETS, 400, true);
      this.large = large;
    }

    @Override
    public void run(Tasklet t) {
      Args a = t.args(Args.class);
      int block = large ? 256 : 1024;
      int nt = t.nrTasklets();
      t.barrier();
      WramBuffer cache = t.wramAlloc(block);
      // HST-S: one histogram per tasklet ("histo" + me); HST-L: one shared histogram.
      WramBuffer mine = large ? t.wramShared("histo0", 4 * BINS) : t.wramShared("histo" + t.me(), 4 * BINS);
      if (large) {
        t.barrier();
      }
      int from = large ? t.me() : 0;
      int step = large ? nt : 1;
      for (int i = from; i < BINS; i += step) {
        if (t.functional()) {
          mine.putInt(4 * i, 0);
        }
      }
      t.compute(OpClass.LOAD_STORE, DType.INT32, (BINS - from + step - 1) / step);
      t.compute(OpClass.ADD, DType.INT32, 2L * ((BINS - from + step - 1) / step));
      if (large) {
        t.barrier();
      }
      for (long off = (long) t.me() * block; off < a.size(); off += (long) block * nt) {
        int len = (int) Math.min(block, a.size() - off);
        t.mramRead(off, cache, 0, len);
        int count = len / 4;
        if (!large) {
          for (int j = 0; j < count; j++) {
            int d = t.functional() ? cache.getInt(4 * j) : pixel(a.firstPixel() + off / 4 + j);
            if (t.functional()) {
              int bin = (d * BINS) >>> DEPTH;
              mine.putInt(4 * bin, mine.getInt(4 * bin) + 1);
            }
            t.mul32(d, BINS); // bins is a runtime argument: __mulsi3
          }
          // histo[(d * bins) >> DEPTH] += 1: lw d, the multiply, shift, index, lw, add, sw, and the
          // runtime-length loop's increment and compare-and-branch.
          t.compute(OpClass.LOAD_STORE, DType.INT32, 3L * count);
          t.compute(OpClass.LOGIC, DType.INT32, count);
          t.compute(OpClass.ADD, DType.INT32, 3L * count);
          t.compute(OpClass.COMPARE, DType.INT32, count);
        } else {
          for (int j = 0; j < count; j++) {
            // outside the lock: lw d, mul, shift, loop increment and compare-and-branch
            int d = t.functional() ? cache.getInt(4 * j) : pixel(a.firstPixel() + off / 4 + j);
            t.compute(OpClass.LOAD_STORE, DType.INT32, 1);
            t.mul32(d, BINS);
            t.compute(OpClass.LOGIC, DType.INT32, 1);
            t.compute(OpClass.ADD, DType.INT32, 1);
            t.compute(OpClass.COMPARE, DType.INT32, 1);
            t.mutexLock(0);
            if (t.functional()) {
              int bin = (cache.getInt(4 * j) * BINS) >>> DEPTH;
              mine.putInt(4 * bin, mine.getInt(4 * bin) + 1);
            }
            // critical section: acquire, index, lw, add, sw, release
            t.compute(OpClass.BRANCH, DType.INT32, 1);
            t.compute(OpClass.ADD, DType.INT32, 2);
            t.compute(OpClass.LOAD_STORE, DType.INT32, 2);
            t.compute(OpClass.BRANCH, DType.INT32, 1);
            t.mutexUnlock(0);
          }
        }
        t.instructions(BLOCK_INSTRUCTIONS);
      }
      t.barrier();
      int histos = large ? 1 : nt;
      WramBuffer dpuHisto = t.wramShared("histo0", 4 * BINS);
      for (int i = t.me(); i < BINS; i += nt) {
        int b = 0;
        for (int h = 0; h < histos && t.functional(); h++) {
          b += t.wramShared("histo" + h, 4 * BINS).getInt(4 * i);
        }
        if (t.functional()) {
          dpuHisto.putInt(4 * i, b);
        }
        t.compute(OpClass.LOAD_STORE, DType.INT32, histos + 1L);
        t.compute(OpClass.ADD, DType.INT32, 2L * histos);
      }
      t.barrier();
      if (t.me() == 0) {
        t.mramWrite(dpuHisto, 0, a.transferSize(), 4 * BINS);
      }
    }
  }

  /**
   * Pixel i of the input: 12-bit values from a counter-based generator (PrIM reads an image file this project
   * does not ship), so a DPU program can draw any pixel by index.
   */
  static int pixel(long i) {
    long z = (i + 0x9E3779B97F4A7C15L) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 31)) * 0x94D049BB133111EBL;
    return (int) ((z ^ (z >>> 29)) >>> (64 - DEPTH));
  }

  static Times run(HardwareConfig cfg, int dpus, long n, boolean large, Mode mode) {
    String name = large ? "HST-L" : "HST-S";
    PrimSuite.functionalLimit(mode, n, name);
    long n8 = PrimSuite.roundUp(n, 2);
    long perDpu = PrimSuite.roundUp(PrimSuite.divCeil(n, dpus), 2);
    long lastSize = n8 - perDpu * (dpus - 1);
    if (lastSize <= 0) {
      throw new IllegalArgumentException(name + ": --param " + n + " leaves DPU " + (dpus - 1) + " no pixel; use fewer DPUs");
    }
    PrimStream.checkMram(cfg, perDpu * 4 + 4 * BINS, name);
    boolean f = mode == Mode.FUNCTIONAL;
    int[] img = null;
    if (f) {
      img = new int[(int) (perDpu * dpus)];
      for (int i = 0; i < n; i++) {
        img[i] = pixel(i);
      }
    }
    int[] image = img;
    int transfer = (int) (perDpu * 4);
    PimSystem sys = new PimSystem(cfg, mode);
    HostTimer cpuDpu = new HostTimer(sys.timeline());
    HostTimer kernel = new HostTimer(sys.timeline());
    HostTimer dpuCpu = new HostTimer(sys.timeline());
    int[] histo = new int[BINS];
    try (DpuSet set = sys.allocate(dpus)) {
      set.load(new Program(large));
      cpuDpu.start();
      set.pushArgs(d -> new Args((int) (4 * (d == dpus - 1 ? lastSize : perDpu)), transfer, d * perDpu));
      set.push(0, transfer, f ? d -> PrimSuite.ints(image, (int) (d * perDpu), (int) perDpu) : null);
      cpuDpu.stop();
      kernel.start();
      set.launch();
      kernel.stop();
      dpuCpu.start();
      set.pull(transfer, 4 * BINS, f ? (b, d) -> {
        int[] h = PrimSuite.toInts(b);
        for (int i = 0; i < BINS; i++) {
          histo[i] += h[i];
        }
      } : null);
      PrimSuite.hostLoop(sys, "merge " + dpus + " histograms", 4L * BINS * dpus);
      dpuCpu.stop();
    }
    if (f) {
      int[] ref = new int[BINS];
      for (int i = 0; i < n; i++) {
        ref[(image[i] * BINS) >>> DEPTH]++;
      }
      PrimSuite.check(java.util.Arrays.equals(ref, histo), name);
    }
    return new Times(kernel.ms(), cpuDpu.ms(), dpuCpu.ms(), 0, f);
  }
}
