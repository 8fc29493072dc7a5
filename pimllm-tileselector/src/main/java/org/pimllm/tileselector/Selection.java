package org.pimllm.tileselector;

import org.pimllm.pgemm.TilingPlan;

/**
 * The Tile-Selector's choice for one GEMM.
 *
 * @param plan the cheapest legal plan under the analytical model
 * @param predictedSeconds the model's seconds for that plan (pooled DPUs, kernel already loaded, B column-major)
 * @param candidates how many legal plans were compared
 * @param selectionMicros wall-clock microseconds the selection took (enumeration + costing), measured
 */
public record Selection(TilingPlan plan, double predictedSeconds, int candidates, double selectionMicros) {}
