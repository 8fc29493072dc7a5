package org.pimllm.pgemm;

/** Storage order of each matrix of a batch. */
public enum Layout {
  /** Rows contiguous: element (r, c) at {@code r * cols + c}. A and C are row-major. */
  ROW_MAJOR,
  /** Columns contiguous: element (r, c) at {@code c * rows + r}. PGEMMlib wants B column-major. */
  COL_MAJOR
}
