package org.pimllm.pgemm;

/**
 * How well one launch of the GEMM kernel used a DPU, from the simulator's cycle count (the slowest DPU).
 *
 * <p>The two bounds are the fewest cycles a DPU could need for its slice: {@code issueBoundCycles} issues
 * only the inner loop's step instructions (and the software multiplies/adds of int32/fp32 from the op table)
 * at the pipeline's peak rate; {@code mramBoundCycles} moves the slice's bytes once (A and B in, C out) at the
 * DMA engine's peak (beta cycles per byte, no per-transfer latency). The larger binds;
 * {@code efficiency = boundCycles / cycles}, i.e. achieved per-DPU throughput over the bound's throughput.
 *
 * @param cycles kernel cycles of the slowest DPU
 * @param seconds the same in seconds
 * @param macsPerDpu multiply-accumulates per DPU, padding included
 * @param macsPerSecondPerDpu achieved per-DPU throughput
 * @param issueBoundCycles cycles at the instruction-issue bound
 * @param mramBoundCycles cycles at the MRAM bandwidth bound
 * @param bound which of the two binds
 * @param boundMacsPerSecondPerDpu per-DPU throughput at the binding bound
 * @param efficiency achieved / bound throughput, 0..1
 * @param totalInstructions instructions issued by all DPUs
 * @param totalDmaBytes MRAM<->WRAM bytes moved by all DPUs
 * @param distinctTimings DPU timing computations the simulator ran (1 when every DPU has equal arguments)
 */
public record KernelStats(long cycles, double seconds, long macsPerDpu, double macsPerSecondPerDpu,
    double issueBoundCycles, double mramBoundCycles, Bound bound, double boundMacsPerSecondPerDpu, double efficiency,
    long totalInstructions, long totalDmaBytes, int distinctTimings) {}
