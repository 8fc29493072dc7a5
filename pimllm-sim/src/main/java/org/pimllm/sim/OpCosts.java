package org.pimllm.sim;

import java.util.Arrays;

/** Instructions per operation, by {@link OpClass} and {@link DType} (a full table; from the preset). */
public final class OpCosts {
  private final double[][] table;

  OpCosts(double[][] table) {
    this.table = new double[table.length][];
    for (int i = 0; i < table.length; i++) {
      this.table[i] = table[i].clone();
    }
  }

  /** Instructions of one operation. */
  public double cost(OpClass op, DType type) {
    return table[op.ordinal()][type.ordinal()];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OpCosts other && Arrays.deepEquals(table, other.table);
  }

  @Override
  public int hashCode() {
    return Arrays.deepHashCode(table);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("OpCosts{");
    for (OpClass op : OpClass.values()) {
      sb.append(op).append('=').append(Arrays.toString(table[op.ordinal()])).append(' ');
    }
    return sb.append('}').toString();
  }
}
