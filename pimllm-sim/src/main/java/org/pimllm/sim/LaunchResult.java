package org.pimllm.sim;

/**
 * Outcome of one launch.
 *
 * @param maxCycles cycles of the slowest DPU (the launch's kernel time)
 * @param seconds kernel time in seconds (maxCycles / clock)
 * @param totalInstructions instructions issued by all DPUs together
 * @param totalDmaBytes MRAM<->WRAM bytes moved by all DPUs together
 * @param minCycles cycles of the fastest DPU (load imbalance = maxCycles - minCycles)
 * @param nrDpus DPUs launched
 * @param distinctTimings timing computations done (DPUs with equal args share one in TIMING_ONLY)
 * @param timedCycles largest per-tasklet sum of {@link Tasklet#timerStart()}..{@link Tasklet#timerStop()}
 *     intervals over all DPUs (PrIM's perfcounter reduction: max over tasklets, then over DPUs); 0 without timers
 */
public record LaunchResult(
    long maxCycles,
    double seconds,
    long totalInstructions,
    long totalDmaBytes,
    long minCycles,
    int nrDpus,
    int distinctTimings,
    long timedCycles) {}
