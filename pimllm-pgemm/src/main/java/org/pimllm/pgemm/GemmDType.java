package org.pimllm.pgemm;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Element types PGEMMlib multiplies. Integer types accumulate in int32 with two's-complement wrap-around
 * (what the DPU's 32-bit add does, and what Java's {@code int} does); fp32 accumulates in fp32, emulated in
 * software on the DPU.
 */
public enum GemmDType {
  /** int8 x int8, int32 accumulation: the main path (native 8x8 multiplier). */
  INT8(1, false),
  /** int16 x int16, int32 accumulation (four 8x8 partial products per multiply). */
  INT16(2, false),
  /** int32 x int32, int32 accumulation (software 32-bit multiply). */
  INT32(4, false),
  /** fp32 x fp32, fp32 accumulation (software floating point). */
  FP32(4, true),
  /**
   * int8 activations x int4 weights with an integer multiplier per group of 32 K elements and column, int32
   * accumulation: {@code C = sum_k A[k] * q[k] * m[k / 32]} ({@link Int4Weights}; docs/pgemm.md, "int4 weights").
   */
  INT4_G32(1, false, 32),
  /** Like {@link #INT4_G32} with groups of 64. */
  INT4_G64(1, false, 64),
  /** Like {@link #INT4_G32} with groups of 128 (what {@code int4} means on the command line). */
  INT4_G128(1, false, 128);

  private final int bytes;
  private final boolean floating;
  private final int int4Group;

  GemmDType(int bytes, boolean floating) {
    this(bytes, floating, 0);
  }

  GemmDType(int bytes, boolean floating, int int4Group) {
    this.bytes = bytes;
    this.floating = floating;
    this.int4Group = int4Group;
  }

  /** Size of one input element of A in bytes (and of B, except for int4 B: see {@link #isInt4}). */
  public int bytes() {
    return bytes;
  }

  /** True for int8 x int4 (B packed two weights per byte plus group multipliers; A int8). */
  public boolean isInt4() {
    return int4Group > 0;
  }

  /** K elements per multiplier group of an int4 B; 0 for the other types. */
  public int int4Group() {
    return int4Group;
  }

  /** Whether PGEMMlib has an int4 type with groups of {@code group} K elements (32, 64 or 128). */
  public static boolean hasInt4Group(int group) {
    for (GemmDType d : values()) {
      if (d.int4Group > 0 && d.int4Group == group) {
        return true;
      }
    }
    return false;
  }

  /** The int4 type with groups of {@code group} K elements (32, 64 or 128). */
  public static GemmDType int4(int group) {
    for (GemmDType d : values()) {
      if (d.int4Group == group) {
        return d;
      }
    }
    throw new IllegalArgumentException("int4 weight groups are 32, 64 or 128 K elements, got " + group);
  }

  /**
   * Bytes of a K x N B of this type as stored: K x N elements, or for int4 two weights per byte plus one
   * multiplier byte per group and column (without the 8-byte padding of the DPUs' tile records).
   */
  public long bBytes(int k, int n) {
    return isInt4() ? (long) n * (Math.ceilDiv(k, 2) + Math.ceilDiv(k, int4Group)) : (long) k * n * bytes;
  }

  /** The element type of A: INT8 for the int4 types, else this type. */
  public GemmDType aType() {
    return isInt4() ? INT8 : this;
  }

  /** Size of one output (accumulator) element in bytes: int32 or fp32. */
  public int accumulatorBytes() {
    return 4;
  }

  public boolean floating() {
    return floating;
  }

  /** The type of C: INT32 for the integer inputs, FP32 for FP32. */
  public GemmDType outputType() {
    return floating ? FP32 : INT32;
  }

  /** Lower-case name used on the command line and in JSON ("int8", "fp32", ...). */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses "int8", "INT16", "fp32" (also "float"), "int4_g64" ("int4" = int4_g128); unknown names get an error listing the known ones. */
  public static GemmDType parse(String text) {
    String t = text.trim().toUpperCase(Locale.ROOT);
    if (t.equals("FLOAT") || t.equals("FLOAT32") || t.equals("F32")) {
      return FP32;
    }
    if (t.equals("INT4")) {
      return INT4_G128;
    }
    for (GemmDType d : values()) {
      if (d.name().equals(t)) {
        return d;
      }
    }
    throw new IllegalArgumentException("unknown GEMM dtype '" + text + "'; known: "
        + Arrays.stream(values()).map(GemmDType::cliName).collect(Collectors.joining(", ")));
  }
}
