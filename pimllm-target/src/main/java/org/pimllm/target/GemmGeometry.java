package org.pimllm.target;

import java.util.ArrayList;
import java.util.List;
import org.pimllm.ir.DType;
import org.pimllm.ir.TensorType;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.GemmShape;
import org.pimllm.pgemm.Layout;

/**
 * How the operands of a pim.gemm map onto PGEMMlib's GEMM(b, M, K, N).
 *
 * <ul>
 *   <li>B of rank 2: A is (..., K); all leading dimensions of A fold into M (b = 1); C is (..., N).</li>
 *   <li>B of rank r >= 3: A has rank r and the same leading (batch) dimensions; b is their product,
 *       A is (..., M, K) and C is (..., M, N).</li>
 * </ul>
 * B is (..., N, K) when {@link Layout#COL_MAJOR} (B^T stored row-major, PGEMMlib's layout) and
 * (..., K, N) when {@link Layout#ROW_MAJOR}.
 *
 * @param shape    the GEMM
 * @param outShape the shape of C as an IR tensor
 */
public record GemmGeometry(GemmShape shape, List<Integer> outShape) {

    /** The geometry of A x B, or an IllegalArgumentException saying why the operands do not fit. */
    public static GemmGeometry of(TensorType a, TensorType b, Layout bLayout) {
        if (a.rank() < 1) throw new IllegalArgumentException("A must have rank >= 1, got " + a);
        if (b.rank() < 2) throw new IllegalArgumentException("B must have rank >= 2, got " + b);
        boolean col = bLayout == Layout.COL_MAJOR;
        int n = col ? b.dim(-2) : b.dim(-1);
        int kb = col ? b.dim(-1) : b.dim(-2);
        int k = a.dim(-1);
        if (k != kb) {
            throw new IllegalArgumentException("reduction dimensions differ: A " + a + " has K=" + k + " but B " + b
                    + " (" + (col ? "N, K" : "K, N") + ") has K=" + kb);
        }
        if (b.rank() == 2) {
            long m = 1;
            for (int i = 0; i < a.rank() - 1; i++) m *= a.dim(i);
            if (m > Integer.MAX_VALUE) throw new IllegalArgumentException("A " + a + " has too many rows");
            List<Integer> out = new ArrayList<>(a.shape().subList(0, a.rank() - 1));
            out.add(n);
            return new GemmGeometry(new GemmShape(1, (int) m, k, n), out);
        }
        if (a.rank() != b.rank() || !a.shape().subList(0, a.rank() - 2).equals(b.shape().subList(0, b.rank() - 2))) {
            throw new IllegalArgumentException("batched GEMM operands need the same leading dimensions: A " + a + ", B " + b);
        }
        long batch = 1;
        for (int i = 0; i < a.rank() - 2; i++) batch *= a.dim(i);
        if (batch > Integer.MAX_VALUE) throw new IllegalArgumentException("batch of " + a + " is too large");
        List<Integer> out = new ArrayList<>(a.shape().subList(0, a.rank() - 2));
        out.add(a.dim(-2));
        out.add(n);
        return new GemmGeometry(new GemmShape((int) batch, a.dim(-2), k, n), out);
    }

    /** PGEMMlib's element type for an IR input dtype, or null if PGEMMlib has none (uint8, fp16, ...). */
    public static GemmDType gemmType(DType d) {
        return switch (d) {
            case INT8 -> GemmDType.INT8;
            case INT16 -> GemmDType.INT16;
            case INT32 -> GemmDType.INT32;
            case FP32 -> GemmDType.FP32;
            default -> null;
        };
    }

    /** The IR dtype of a PGEMMlib element type (of A, for the int4 types). */
    public static DType irType(GemmDType t) {
        return switch (t) {
            case INT8 -> DType.INT8;
            case INT16 -> DType.INT16;
            case INT32 -> DType.INT32;
            case FP32 -> DType.FP32;
            case INT4_G32, INT4_G64, INT4_G128 -> DType.INT8; // A's type; B is held as effective int16 values
        };
    }
}
