package org.pimllm.pgemm;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A batch of {@code batch} matrices of {@code rows x cols} elements of one {@link GemmDType}, stored as
 * little-endian bytes (the DPU's byte order), batch after batch, each in {@link Layout} order.
 *
 * <p>Bytes are the storage because that is what moves to MRAM: packing a DPU's slice is a byte copy.
 */
public final class Matrix {
  private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

  private final GemmDType type;
  private final int batch;
  private final int rows;
  private final int cols;
  private final Layout layout;
  private final byte[] data;

  public Matrix(GemmDType type, int batch, int rows, int cols, Layout layout, byte[] data) {
    this.type = Objects.requireNonNull(type, "type");
    this.layout = Objects.requireNonNull(layout, "layout");
    if (type.isInt4()) {
      throw new IllegalArgumentException("no Matrix of " + type.cliName() + ": an int4 B is an Int4Weights, its A int8");
    }
    int bytes = byteSize(type, batch, rows, cols);
    if (data.length != bytes) {
      throw new IllegalArgumentException("matrix data has " + data.length + " bytes, expected " + bytes
          + " for " + batch + " x " + rows + " x " + cols + " " + type.cliName());
    }
    this.batch = batch;
    this.rows = rows;
    this.cols = cols;
    this.data = data;
  }

  public static Matrix zeros(GemmDType type, int batch, int rows, int cols, Layout layout) {
    return new Matrix(type, batch, rows, cols, layout, new byte[byteSize(type, batch, rows, cols)]);
  }

  /** Bytes of a matrix of these dimensions; an error for a dimension below 1 or more than a Java array holds. */
  private static int byteSize(GemmDType type, int batch, int rows, int cols) {
    if (batch <= 0 || rows <= 0 || cols <= 0) {
      throw new IllegalArgumentException("matrix dimensions must be >= 1, got " + batch + " x " + rows + " x " + cols);
    }
    long bytes = (long) batch * rows * cols * type.bytes();
    if (bytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("matrix of " + batch + " x " + rows + " x " + cols + " " + type.cliName()
          + " needs " + bytes + " bytes; host matrices are limited to 2 GiB (use TIMING_ONLY without data for larger shapes)");
    }
    return (int) bytes;
  }

  /**
   * Seeded random values: integers over their whole range (so int32 accumulation wraps, which the
   * reference must match), fp32 uniform in [-1, 1).
   */
  public static Matrix random(GemmDType type, int batch, int rows, int cols, Layout layout, long seed) {
    Matrix m = zeros(type, batch, rows, cols, layout);
    SplittableRandom rnd = new SplittableRandom(seed);
    switch (type) {
      case INT8 -> {
        for (int i = 0; i < m.data.length; i++) {
          m.data[i] = (byte) rnd.nextInt();
        }
      }
      case INT16 -> {
        for (int i = 0; i < m.data.length; i += 2) {
          SHORT.set(m.data, i, (short) rnd.nextInt());
        }
      }
      case INT32 -> {
        for (int i = 0; i < m.data.length; i += 4) {
          INT.set(m.data, i, rnd.nextInt());
        }
      }
      case FP32 -> {
        for (int i = 0; i < m.data.length; i += 4) {
          FLOAT.set(m.data, i, (float) (rnd.nextDouble() * 2 - 1));
        }
      }
    }
    return m;
  }

  public GemmDType type() {
    return type;
  }

  public int batch() {
    return batch;
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  public Layout layout() {
    return layout;
  }

  /** The backing bytes (not a copy). */
  public byte[] data() {
    return data;
  }

  /** Byte offset of element (bi, r, c). */
  public int byteOffset(int bi, int r, int c) {
    long e = layout == Layout.ROW_MAJOR
        ? ((long) bi * rows + r) * cols + c
        : ((long) bi * cols + c) * rows + r;
    return (int) (e * type.bytes());
  }

  /** Integer element (sign-extended); for integer types only. */
  public int getInt(int bi, int r, int c) {
    int off = byteOffset(bi, r, c);
    return switch (type) {
      case INT8 -> data[off];
      case INT16 -> (short) SHORT.get(data, off);
      case INT32 -> (int) INT.get(data, off);
      case FP32 -> throw new IllegalStateException("getInt on an fp32 matrix");
      case INT4_G32, INT4_G64, INT4_G128 -> throw new IllegalStateException("no int4 Matrix");
    };
  }

  public void setInt(int bi, int r, int c, int v) {
    int off = byteOffset(bi, r, c);
    switch (type) {
      case INT8 -> data[off] = (byte) v;
      case INT16 -> SHORT.set(data, off, (short) v);
      case INT32 -> INT.set(data, off, v);
      case FP32 -> throw new IllegalStateException("setInt on an fp32 matrix");
    }
  }

  public float getFloat(int bi, int r, int c) {
    requireFloat();
    return (float) FLOAT.get(data, byteOffset(bi, r, c));
  }

  public void setFloat(int bi, int r, int c, float v) {
    requireFloat();
    FLOAT.set(data, byteOffset(bi, r, c), v);
  }

  /** The same values in the other layout (a host transposition of each matrix's storage). */
  public Matrix toLayout(Layout target) {
    if (target == layout) {
      return this;
    }
    Matrix out = zeros(type, batch, rows, cols, target);
    int es = type.bytes();
    for (int bi = 0; bi < batch; bi++) {
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          System.arraycopy(data, byteOffset(bi, r, c), out.data, out.byteOffset(bi, r, c), es);
        }
      }
    }
    return out;
  }

  /** Same type, shape and element values (layouts may differ). */
  public boolean sameValues(Matrix o) {
    if (o.type != type || o.batch != batch || o.rows != rows || o.cols != cols) {
      return false;
    }
    Matrix other = o.toLayout(layout);
    return Arrays.equals(data, other.data);
  }

  private void requireFloat() {
    if (type != GemmDType.FP32) {
      throw new IllegalStateException("float access on a " + type.cliName() + " matrix");
    }
  }

  @Override
  public String toString() {
    return type.cliName() + "[" + batch + "][" + rows + "][" + cols + "] " + layout;
  }
}
