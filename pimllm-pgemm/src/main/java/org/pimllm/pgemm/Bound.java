package org.pimllm.pgemm;

/** What limits a DPU kernel at best: issuing its instructions, or streaming its data through the DMA engine. */
public enum Bound {
  /** The kernel's irreducible instructions at the pipeline's peak issue rate. */
  INSTRUCTION_ISSUE,
  /** The slice's bytes (A and B read once, C written once) at the DMA engine's peak bandwidth. */
  MRAM_BANDWIDTH
}
