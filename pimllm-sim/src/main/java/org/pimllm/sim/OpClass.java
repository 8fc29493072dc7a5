package org.pimllm.sim;

/** Operation classes a DPU program charges with {@link Tasklet#compute}; costed from the preset's op table. */
public enum OpClass {
  ADD, SUB, MUL, DIV,
  /** Multiply-accumulate: acc += a * b (the product in the same dtype, added to the accumulator). */
  MAC,
  LOGIC, COMPARE,
  /** One WRAM load or store of one element. */
  LOAD_STORE,
  BRANCH
}
