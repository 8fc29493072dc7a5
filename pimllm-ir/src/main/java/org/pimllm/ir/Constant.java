package org.pimllm.ir;

import java.util.Objects;

/**
 * A constant tensor. Its data comes from a {@link TensorSource}: real data, a synthetic
 * seeded tensor, or a lazy loader; {@link #data()} materializes it. The name is an optional
 * hint (e.g. {@code "layers.0.attention.wq"}) for printing and reports; structural equality ignores it.
 */
public record Constant(TensorType type, TensorSource source, String name) implements Expr {

    public Constant {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(source, "source");
        if (source instanceof TensorSource.Materialized m && !m.tensor().type().equals(type)) {
            throw new IllegalArgumentException("constant declared " + type + " but its data is " + m.tensor().type());
        }
    }

    /** A constant holding real data. */
    public static Constant of(Tensor data) {
        return new Constant(data.type(), new TensorSource.Materialized(data), null);
    }

    public static Constant of(Tensor data, String name) {
        return new Constant(data.type(), new TensorSource.Materialized(data), name);
    }

    /** A float32 scalar. */
    public static Constant scalar(float value) {
        return of(Tensor.ofFloats(new float[] {value}));
    }

    /** A scalar of any dtype (integers: rounded, saturated; see {@link Tensor#setDouble}). */
    public static Constant scalar(DType dtype, double value) {
        return of(Tensor.scalar(dtype, value));
    }

    /** A synthetic seeded tensor, generated only when {@link #data()} is called. */
    public static Constant synthetic(TensorType type, long seed, TensorSource.Distribution dist, double scale, String name) {
        return new Constant(type, new TensorSource.Synthetic(seed, dist, scale), name);
    }

    /** The data, materialized now (synthetic and lazy sources generate or load it on every call). */
    public Tensor data() { return source.materialize(type); }

    public boolean isMaterialized() { return source instanceof TensorSource.Materialized; }

    public boolean isSynthetic() { return source instanceof TensorSource.Synthetic; }

    public boolean isScalar() { return type.isScalar(); }

    /** The value of a scalar constant. */
    public double scalarValue() {
        if (!type.isScalar()) throw new IllegalStateException("constant of type " + type + " is not a scalar");
        return data().getDouble(0);
    }

    @Override
    public boolean equals(Object o) { return this == o; }

    @Override
    public int hashCode() { return System.identityHashCode(this); }

    @Override
    public String toString() {
        return "Constant(" + type + (name != null ? ", " + name : "") + ", " + source.getClass().getSimpleName() + ")";
    }
}
