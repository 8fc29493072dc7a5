package org.pimllm.pgemm;

/**
 * The machine limits a plan is validated against, read from the hardware preset.
 *
 * @param totalDpus DPUs the machine (or its restricted view) has
 * @param mramBytes MRAM per DPU
 * @param wramBytes WRAM per DPU, stacks included
 * @param iramInstructions IRAM capacity
 * @param maxTasklets hardware threads per DPU
 * @param dmaMinBytes smallest MRAM DMA
 * @param dmaMaxBytes largest MRAM DMA
 * @param dmaAlignBytes MRAM DMA address and size alignment
 */
public record DpuLimits(int totalDpus, long mramBytes, int wramBytes, int iramInstructions, int maxTasklets,
    int dmaMinBytes, int dmaMaxBytes, int dmaAlignBytes) {}
