package org.pimllm.ir;

import java.util.ArrayList;
import java.util.List;

/**
 * A tensor type: static shape (row-major; rank 0 is a scalar) and element type.
 * Printed as {@code Tensor[(128, 768), float32]}.
 */
public record TensorType(List<Integer> shape, DType dtype) implements Type {

    /** Largest rank accepted (numpy's limit is 64 too). */
    public static final int MAX_RANK = 64;

    public TensorType {
        if (dtype == null) throw new IllegalArgumentException("tensor type needs a dtype");
        if (shape == null) throw new IllegalArgumentException("tensor type needs a shape");
        shape = List.copyOf(shape);
        if (shape.size() > MAX_RANK) {
            throw new IllegalArgumentException("tensor rank " + shape.size() + " exceeds the maximum " + MAX_RANK);
        }
        long n = 1;
        for (int i = 0; i < shape.size(); i++) {
            int d = shape.get(i);
            if (d < 0) {
                throw new IllegalArgumentException("tensor shape " + shape + " has a negative dimension at axis " + i);
            }
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("tensor shape " + shape + " has more than 2^63 elements", e);
            }
        }
    }

    public static TensorType of(DType dtype, int... shape) {
        List<Integer> s = new ArrayList<>(shape.length);
        for (int d : shape) s.add(d);
        return new TensorType(s, dtype);
    }

    public static TensorType scalar(DType dtype) {
        return new TensorType(List.of(), dtype);
    }

    public int rank() { return shape.size(); }

    /** Dimension at {@code axis}; negative axes count from the end. */
    public int dim(int axis) {
        return shape.get(axis < 0 ? axis + shape.size() : axis);
    }

    public int[] shapeArray() {
        int[] a = new int[shape.size()];
        for (int i = 0; i < a.length; i++) a[i] = shape.get(i);
        return a;
    }

    public long numElements() {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    public long sizeInBytes() {
        return numElements() * dtype.bytes();
    }

    public boolean isScalar() { return shape.isEmpty(); }

    public TensorType withShape(List<Integer> newShape) { return new TensorType(newShape, dtype); }

    public TensorType withDtype(DType newDtype) { return new TensorType(shape, newDtype); }

    /** Shape as {@code (128, 768)}; a scalar is {@code ()}. */
    public String shapeText() {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.size(); i++) {
            if (i > 0) sb.append(", ");
            sb.append(shape.get(i));
        }
        return sb.append(')').toString();
    }

    @Override
    public String toString() {
        return "Tensor[" + shapeText() + ", " + dtype.text() + "]";
    }
}
