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
  FP32(4, true);

  private final int bytes;
  private final boolean floating;

  GemmDType(int bytes, boolean floating) {
    this.bytes = bytes;
    this.floating = floating;
  }

  /** Size of one input element in bytes. */
  public int bytes() {
    return bytes;
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

  /** Parses "int8", "INT16", "fp32" (also "float"); unknown names get an error listing the known ones. */
  public static GemmDType parse(String text) {
    String t = text.trim().toUpperCase(Locale.ROOT);
    if (t.equals("FLOAT") || t.equals("FLOAT32") || t.equals("F32")) {
      return FP32;
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
