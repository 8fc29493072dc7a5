package org.pimllm.ir;

import java.util.Arrays;
import java.util.List;

/**
 * Dense tensor data: dtype, shape (row-major) and a primitive backing array of the right
 * width: {@code float[]} for float32, {@code byte[]} for int8/uint8/bool (bool as 0/1),
 * {@code short[]} for int16 and for the raw bits of float16/bfloat16, {@code int[]} for
 * int32, {@code long[]} for int64.
 *
 * <p>Kernels use the typed arrays ({@link #floats()}, {@link #bytes()}, ...) directly; the
 * generic accessors ({@link #getDouble}, {@link #setDouble}, ...) are the slow, readable
 * path. A tensor held by a {@link Constant} must be treated as immutable.
 */
public final class Tensor {

    private final DType dtype;
    private final int[] shape;
    private final Object data;
    private final int size;

    private Tensor(DType dtype, int[] shape, Object data) {
        this.dtype = dtype;
        this.shape = shape.clone();
        this.size = checkedSize(shape);
        this.data = data;
        int len = java.lang.reflect.Array.getLength(data);
        if (len != size) {
            throw new IllegalArgumentException("tensor data has " + len + " elements but shape "
                    + Arrays.toString(shape) + " needs " + size);
        }
    }

    private static int checkedSize(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n *= d;
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape)
                        + " is too large to hold in one Java array (more than 2^31 elements); keep it synthetic or lazy");
            }
        }
        return (int) n;
    }

    // ---- factories ----

    public static Tensor ofFloats(float[] data, int... shape) { return new Tensor(DType.FP32, shape, data); }

    public static Tensor ofInts(int[] data, int... shape) { return new Tensor(DType.INT32, shape, data); }

    public static Tensor ofLongs(long[] data, int... shape) { return new Tensor(DType.INT64, shape, data); }

    /** int8, uint8 or bool data. */
    public static Tensor ofBytes(DType dtype, byte[] data, int... shape) {
        if (dtype != DType.INT8 && dtype != DType.UINT8 && dtype != DType.BOOL) {
            throw new IllegalArgumentException("byte[] storage holds int8, uint8 or bool, not " + dtype);
        }
        return new Tensor(dtype, shape, data);
    }

    /** int16 data, or the raw bits of float16/bfloat16 data. */
    public static Tensor ofShorts(DType dtype, short[] data, int... shape) {
        if (dtype != DType.INT16 && dtype != DType.FP16 && dtype != DType.BF16) {
            throw new IllegalArgumentException("short[] storage holds int16, float16 or bfloat16, not " + dtype);
        }
        return new Tensor(dtype, shape, data);
    }

    /** A tensor of zeros with backing storage of the right width. */
    public static Tensor zeros(DType dtype, int... shape) {
        int n = checkedSize(shape);
        Object data = switch (dtype) {
            case FP32 -> new float[n];
            case INT8, UINT8, BOOL -> new byte[n];
            case INT16, FP16, BF16 -> new short[n];
            case INT32 -> new int[n];
            case INT64 -> new long[n];
        };
        return new Tensor(dtype, shape, data);
    }

    public static Tensor zeros(TensorType type) { return zeros(type.dtype(), type.shapeArray()); }

    /** A rank-0 tensor holding {@code value} converted as by {@link #setDouble}. */
    public static Tensor scalar(DType dtype, double value) {
        Tensor t = zeros(dtype);
        t.setDouble(0, value);
        return t;
    }

    /** A rank-0 integer (or bool) tensor holding {@code value} exactly (checked against the range). */
    public static Tensor scalarLong(DType dtype, long value) {
        Tensor t = zeros(dtype);
        t.setLong(0, value);
        return t;
    }

    /** Values converted element by element as by {@link #setDouble}. */
    public static Tensor fromDoubles(DType dtype, double[] values, int... shape) {
        Tensor t = zeros(dtype, shape);
        if (values.length != t.size) {
            throw new IllegalArgumentException(values.length + " values given for shape " + Arrays.toString(shape)
                    + " which needs " + t.size);
        }
        for (int i = 0; i < values.length; i++) t.setDouble(i, values[i]);
        return t;
    }

    // ---- shape ----

    public DType dtype() { return dtype; }

    public int[] shape() { return shape.clone(); }

    public List<Integer> shapeList() { return Arrays.stream(shape).boxed().toList(); }

    public int rank() { return shape.length; }

    public int dim(int axis) { return shape[axis < 0 ? axis + shape.length : axis]; }

    /** Number of elements. */
    public int size() { return size; }

    public TensorType type() { return new TensorType(shapeList(), dtype); }

    /** Same data, new shape (no copy). */
    public Tensor reshape(int... newShape) {
        return new Tensor(dtype, newShape, data);
    }

    public Tensor copy() {
        Object copied = switch (data) {
            case float[] a -> a.clone();
            case byte[] a -> a.clone();
            case short[] a -> a.clone();
            case int[] a -> a.clone();
            case long[] a -> a.clone();
            default -> throw new IllegalStateException("unexpected storage " + data.getClass());
        };
        return new Tensor(dtype, shape, copied);
    }

    // ---- typed storage (the fast path) ----

    public float[] floats() { return storage(float[].class, "floats()", "float32"); }

    public byte[] bytes() { return storage(byte[].class, "bytes()", "int8, uint8 or bool"); }

    public short[] shorts() { return storage(short[].class, "shorts()", "int16, float16 or bfloat16"); }

    public int[] ints() { return storage(int[].class, "ints()", "int32"); }

    public long[] longs() { return storage(long[].class, "longs()", "int64"); }

    /** The backing array itself (float[], byte[], short[], int[] or long[]). */
    public Object storage() { return data; }

    private <T> T storage(Class<T> cls, String what, String dtypes) {
        if (!cls.isInstance(data)) {
            throw new IllegalStateException(what + " needs a " + dtypes + " tensor, this one is " + dtype);
        }
        return cls.cast(data);
    }

    // ---- generic element access (the readable path) ----

    /** Element {@code i} (flat row-major index) as a double; uint8 is read unsigned, float16/bfloat16 decoded. */
    public double getDouble(int i) {
        return switch (dtype) {
            case FP32 -> ((float[]) data)[i];
            case FP16 -> Float.float16ToFloat(((short[]) data)[i]);
            case BF16 -> bf16ToFloat(((short[]) data)[i]);
            default -> getLong(i);
        };
    }

    /** Element {@code i} as a long (integers and bool; floats are truncated toward zero). */
    public long getLong(int i) {
        return switch (dtype) {
            case INT8, BOOL -> ((byte[]) data)[i];
            case UINT8 -> ((byte[]) data)[i] & 0xFF;
            case INT16 -> ((short[]) data)[i];
            case INT32 -> ((int[]) data)[i];
            case INT64 -> ((long[]) data)[i];
            case FP32, FP16, BF16 -> (long) getDouble(i);
        };
    }

    /**
     * Stores {@code v} at flat index {@code i}. Floats round to nearest (float16/bfloat16 to
     * nearest even); integers round half to even and saturate to the dtype's range (NaN
     * becomes 0); bool stores {@code v != 0}.
     */
    public void setDouble(int i, double v) {
        switch (dtype) {
            case FP32 -> ((float[]) data)[i] = (float) v;
            case FP16 -> ((short[]) data)[i] = Float.floatToFloat16((float) v);
            case BF16 -> ((short[]) data)[i] = floatToBf16((float) v);
            case BOOL -> ((byte[]) data)[i] = (byte) (v != 0 ? 1 : 0);
            default -> setLong(i, saturate(v));
        }
    }

    private long saturate(double v) {
        if (Double.isNaN(v)) return 0;
        double r = Math.rint(v);
        if (r <= dtype.minValue()) return dtype.minValue();
        if (r >= dtype.maxValue()) return dtype.maxValue();
        return (long) r;
    }

    /** Stores an integer exactly; an error if it does not fit the dtype. Floats store the nearest value. */
    public void setLong(int i, long v) {
        if (dtype.isFloat()) {
            setDouble(i, v);
            return;
        }
        if (v < dtype.minValue() || v > dtype.maxValue()) {
            throw new IllegalArgumentException("value " + v + " does not fit " + dtype
                    + " [" + dtype.minValue() + ", " + dtype.maxValue() + "]");
        }
        switch (dtype) {
            case INT8, UINT8, BOOL -> ((byte[]) data)[i] = (byte) v;
            case INT16 -> ((short[]) data)[i] = (short) v;
            case INT32 -> ((int[]) data)[i] = (int) v;
            case INT64 -> ((long[]) data)[i] = v;
            default -> throw new IllegalStateException("unreachable");
        }
    }

    /** A float32 copy of all elements (decoding uint8 unsigned, float16/bfloat16 exactly). */
    public float[] toFloatArray() {
        if (data instanceof float[] f) return f.clone();
        float[] out = new float[size];
        for (int i = 0; i < size; i++) out[i] = (float) getDouble(i);
        return out;
    }

    // ---- float16 / bfloat16 ----

    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** Round to nearest even; NaN stays NaN. */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x0040);
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    // ---- content equality ----

    /** Same dtype, shape and element bits (all NaNs of a dtype count as equal). */
    public boolean contentEquals(Tensor o) {
        if (this == o) return true;
        if (o == null || dtype != o.dtype || !Arrays.equals(shape, o.shape)) return false;
        return switch (data) {
            case float[] a -> Arrays.equals(a, (float[]) o.data);
            case byte[] a -> Arrays.equals(a, (byte[]) o.data);
            case int[] a -> Arrays.equals(a, (int[]) o.data);
            case long[] a -> Arrays.equals(a, (long[]) o.data);
            case short[] a -> dtype == DType.INT16 ? Arrays.equals(a, (short[]) o.data)
                    : halfEquals(a, (short[]) o.data);
            default -> false;
        };
    }

    private boolean halfEquals(short[] a, short[] b) {
        for (int i = 0; i < a.length; i++) {
            if (canonicalHalf(a[i]) != canonicalHalf(b[i])) return false;
        }
        return true;
    }

    private int canonicalHalf(short s) {
        double v = getDoubleOfBits(s);
        return Double.isNaN(v) ? -1 : (s & 0xFFFF);
    }

    private double getDoubleOfBits(short s) {
        return dtype == DType.FP16 ? Float.float16ToFloat(s) : bf16ToFloat(s);
    }

    /** Hash consistent with {@link #contentEquals}. */
    public int contentHash() {
        int h = dtype.hashCode() * 31 + Arrays.hashCode(shape);
        int dh = switch (data) {
            case float[] a -> Arrays.hashCode(a);
            case byte[] a -> Arrays.hashCode(a);
            case int[] a -> Arrays.hashCode(a);
            case long[] a -> Arrays.hashCode(a);
            case short[] a -> {
                if (dtype == DType.INT16) yield Arrays.hashCode(a);
                int x = 1;
                for (short s : a) x = 31 * x + canonicalHalf(s);
                yield x;
            }
            default -> 0;
        };
        return h * 31 + dh;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append(type()).append(" [");
        int n = Math.min(size, 8);
        for (int i = 0; i < n; i++) {
            if (i > 0) sb.append(", ");
            if (dtype.isFloat()) sb.append((float) getDouble(i)); else sb.append(getLong(i));
        }
        if (size > n) sb.append(", ...");
        return sb.append(']').toString();
    }
}
