package org.pimllm.pgemm;

import org.pimllm.sim.DpuArgs;

/**
 * Arguments of the GEMM kernel (a WRAM host symbol): the DPU slice's shape, the kernel blocking and where the
 * slices sit in MRAM. Every DPU of a plan gets equal arguments (slices are padded to one size), so in
 * TIMING_ONLY the simulator times one DPU for all of them.
 */
public record GemmKernelArgs(int bLoc, int mLoc, int kLoc, int nLoc, int tileK, int blockRows, int blockCols,
    long aOffset, long bOffset, long cOffset) implements DpuArgs {

  static GemmKernelArgs of(TilingPlan plan) {
    TilingPlan.DpuSlice s = plan.slice();
    KernelParams k = plan.kernel();
    return new GemmKernelArgs(s.bLoc(), s.mLoc(), s.kLoc(), s.nLoc(), k.tileK(), k.blockRows(), k.blockCols(),
        s.aOffset(), s.bOffset(), s.cOffset());
  }

  @Override
  public int sizeBytes() {
    return KernelCost.ARGS_BYTES;
  }
}
