package org.pimllm.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.pimllm.ir.DType;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.TensorType;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.Layout;
import org.pimllm.pgemm.Matrix;

/** Conversions between IR tensors and PGEMMlib's little-endian byte matrices (same element order, no transposition). */
final class TensorMatrix {

    private TensorMatrix() {
    }

    /**
     * The tensor's elements as a matrix batch of {@code rows x cols} in {@code layout}: the tensor's row-major
     * order must already be that layout's storage order (e.g. a (N, K) tensor is a K x N column-major matrix).
     */
    static Matrix of(Tensor t, GemmDType type, int batch, int rows, int cols, Layout layout) {
        byte[] bytes = switch (type) {
            case INT8 -> t.bytes();
            case INT16 -> {
                ByteBuffer bb = ByteBuffer.allocate(t.size() * 2).order(ByteOrder.LITTLE_ENDIAN);
                bb.asShortBuffer().put(t.shorts());
                yield bb.array();
            }
            case INT32 -> {
                ByteBuffer bb = ByteBuffer.allocate(t.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
                bb.asIntBuffer().put(t.ints());
                yield bb.array();
            }
            case FP32 -> {
                ByteBuffer bb = ByteBuffer.allocate(t.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
                bb.asFloatBuffer().put(t.floats());
                yield bb.array();
            }
        };
        return new Matrix(type, batch, rows, cols, layout, bytes);
    }

    /** A row-major int32/fp32 result matrix as a tensor of the given type. */
    static Tensor toTensor(Matrix c, TensorType type) {
        if (c.layout() != Layout.ROW_MAJOR) throw new IllegalStateException("PGEMMlib returns C row-major");
        ByteBuffer bb = ByteBuffer.wrap(c.data()).order(ByteOrder.LITTLE_ENDIAN);
        Tensor t = Tensor.zeros(type);
        if (type.dtype() == DType.INT32) bb.asIntBuffer().get(t.ints());
        else if (type.dtype() == DType.FP32) bb.asFloatBuffer().get(t.floats());
        else throw new IllegalStateException("pim.gemm produces int32 or float32, not " + type.dtype());
        return t;
    }
}
