package org.pimllm.sim;

import java.util.Arrays;

/** Instructions per operation, by {@link OpClass} and {@link DType} (a full table; from the preset). */
public final class OpCosts {
  private final double[][] table;
  private final double mulFixed;
  private final double mulPerStep;

  OpCosts(double[][] table, double mulFixed, double mulPerStep) {
    this.mulFixed = mulFixed;
    this.mulPerStep = mulPerStep;
    this.table = new double[table.length][];
    for (int i = 0; i < table.length; i++) {
      this.table[i] = table[i].clone();
    }
  }

  /** Instructions of one operation. */
  public double cost(OpClass op, DType type) {
    return table[op.ordinal()][type.ordinal()];
  }

  /**
   * Instructions of one 32-bit multiply by the runtime's __mulsi3 with these operands: a fixed part (call,
   * operand swap, clear, exit, return) plus one mul_step per bit of the smaller operand (unsigned), at least one;
   * mul_step exits as soon as the remaining multiplier bits are zero.
   */
  public double mul32(long a, long b) {
    long min = Math.min(a & 0xFFFFFFFFL, b & 0xFFFFFFFFL);
    int steps = Math.max(1, 64 - Long.numberOfLeadingZeros(min));
    return mulFixed + mulPerStep * steps;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OpCosts other && Arrays.deepEquals(table, other.table) && mulFixed == other.mulFixed
        && mulPerStep == other.mulPerStep;
  }

  @Override
  public int hashCode() {
    return Arrays.deepHashCode(table) * 31 + Double.hashCode(mulFixed) * 7 + Double.hashCode(mulPerStep);
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
