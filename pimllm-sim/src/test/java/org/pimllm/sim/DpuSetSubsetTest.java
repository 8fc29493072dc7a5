package org.pimllm.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** A subset view shares MRAM with its pool, costs no ALLOC and frees nothing. */
class DpuSetSubsetTest {

  @Test
  void subsetSharesMramAndDoesNotAllocateOrFree() {
    PimSystem sys = new PimSystem(HardwareConfig.preset("upmem-2556-350"), Mode.FUNCTIONAL);
    DpuSet pool = sys.allocate(128);
    double allocs = sys.timeline().total(Category.ALLOC);
    DpuSet sub = pool.subset(64);
    assertEquals(64, sub.size());
    assertEquals(1, sub.nrRanks());
    byte[] data = {1, 2, 3, 4, 5, 6, 7, 8};
    sub.copyTo(3, 0, data, 0, 8);
    byte[] back = new byte[8];
    pool.copyFrom(3, 0, back, 0, 8);
    assertArrayEquals(data, back);
    sub.close();
    assertEquals(allocs, sys.timeline().total(Category.ALLOC));
    assertEquals(0.0, sys.timeline().total(Category.FREE));
    pool.copyFrom(3, 0, back, 0, 8); // the pool still owns its DPUs
    assertThrows(IllegalArgumentException.class, () -> pool.subset(129));
  }
}
