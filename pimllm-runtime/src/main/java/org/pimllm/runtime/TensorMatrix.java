package org.pimllm.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.pimllm.ir.DType;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.TensorType;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.Int4Weights;
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
            case INT4_G32, INT4_G64, INT4_G128 -> throw new IllegalArgumentException("an int4 B is int4Weights(...)");
        };
        return new Matrix(type, batch, rows, cols, layout, bytes);
    }

    /**
     * The (N, K) int16 tensor of effective int4 weight values (q * m) of an int4 pim.gemm as PGEMMlib's int4 B:
     * factored back into 4-bit weights and group multipliers (same products, so the same C).
     */
    static Int4Weights int4Weights(Tensor t, GemmDType type, int k, int n) {
        return Int4Weights.fromEffective(of(t, GemmDType.INT16, 1, k, n, Layout.COL_MAJOR), type);
    }

    /** A uint8 activation matrix (as PGEMMlib's byte matrix) and its zero point. */
    record U8(Matrix matrix, int zeroPoint) {
    }

    /**
     * The row-major A of a GEMM with zero points as uint8 with a uint8 zero point, as PGEMMlib's gemmU8S8 takes it.
     * uint8 data is taken as is; int8 data is shifted into uint8 (x + 128: the top bit flipped) with its zero point
     * shifted the same way, which leaves every difference x - zp unchanged.
     */
    static U8 asUint8(Tensor a, long zeroPoint, int batch, int rows, int cols, String what) {
        boolean signed = a.dtype() == DType.INT8;
        if (!signed && a.dtype() != DType.UINT8) {
            throw new IllegalStateException("A of " + what + " must be uint8 or int8, got " + a.dtype());
        }
        long zp = signed ? zeroPoint + 128 : zeroPoint;
        if (zp < 0 || zp > 255) {
            throw new IllegalArgumentException("the activation zero point of " + what + " is " + zeroPoint
                    + ", outside the " + a.dtype().name().toLowerCase(java.util.Locale.ROOT) + " range of its data");
        }
        byte[] bytes = a.bytes();
        if (signed) {
            byte[] flipped = new byte[bytes.length];
            for (int i = 0; i < bytes.length; i++) flipped[i] = (byte) (bytes[i] ^ 0x80);
            bytes = flipped;
        }
        return new U8(new Matrix(GemmDType.INT8, batch, rows, cols, Layout.ROW_MAJOR, bytes), (int) zp);
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
