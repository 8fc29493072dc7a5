package org.pimllm.pgemm;

import java.util.Map;
import org.pimllm.sim.Category;
import org.pimllm.sim.DpuSet;

/**
 * A constant B placed in the MRAM of a DPU set once (packed, transposed if it came row-major, pushed), for any
 * number of later GEMM calls that move only A and C. The one-time cost is kept separately.
 *
 * @param dpus the DPU set holding B (it must stay allocated while this is used)
 * @param plan the plan B was laid out for; calls may change M, nothing else
 * @param prepareSeconds the one-time cost by category
 * @param bytesToDpus bytes pushed once
 */
public record ResidentB(DpuSet dpus, TilingPlan plan, Map<Category, Double> prepareSeconds, long bytesToDpus) {

  public ResidentB {
    prepareSeconds = Map.copyOf(prepareSeconds);
  }

  public double prepareTotalSeconds() {
    return Category.sum(prepareSeconds); // in category order: the same bits in every JVM
  }
}
