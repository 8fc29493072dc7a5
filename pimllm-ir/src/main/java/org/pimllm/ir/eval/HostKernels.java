package org.pimllm.ir.eval;

/**
 * The hot host-CPU kernels the op semantics ({@link OpSemantics}) are computed with, as one contract with two
 * implementations: {@link ScalarKernels} (plain loops, the readable specification, used by the reference
 * interpreter) and {@code org.pimllm.runtime.kernels.VectorKernels} (Vector API, used by compiled runs).
 * Both give bit-identical results: integer sums are exact (int32 wrap-around), and float sums use a fixed order, eight partial sums where partial {@code j} takes the elements {@code i = j mod 8} in
 * order, then {@code ((p0 + p1) + p2) + ... + p7}, then the tail; products are rounded before they are added
 * (no fused multiply-add). A test checks every pair on random inputs.
 *
 * <p>Matrix arguments are flat row-major arrays with offsets; the weight of a GEMM is {@code (N, K)}, the
 * layout of {@code nn.dense} (C = A x W^T), so both operands are read along K.
 */
public interface HostKernels {

    /** Number of float partial sums of the fixed reduction order. */
    int LANES = 8;

    /**
     * B of a matmul, (batches, K, N), as the (batches, N, K) rows the GEMM kernels read; {@code transpose} computes
     * them. Kernels that keep constant weights may return the copy they made for an earlier call on the same
     * constant (the same values): the default transposes every time.
     */
    default org.pimllm.ir.Tensor weightRows(org.pimllm.ir.Tensor b, java.util.function.UnaryOperator<org.pimllm.ir.Tensor> transpose) {
        return transpose.apply(b);
    }

    /** C[m][n] = sum_k A[m][k] * W[n][k] for int8 operands, int32 accumulation with wrap-around. */
    void gemmInt8(byte[] a, int aOff, byte[] w, int wOff, int[] c, int cOff, int m, int k, int n);

    /** C[m][n] = sum_k A[m][k] * W[n][k] for float32: one {@link #dotFloat} per element, so its fixed order. */
    default void gemmFp32(float[] a, int aOff, float[] w, int wOff, float[] c, int cOff, int m, int k, int n) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                c[cOff + i * n + j] = dotFloat(a, aOff + i * k, w, wOff + j * k, k);
            }
        }
    }

    /** Sum of x[off..off+n) * y[off..off+n) in the fixed eight-lane order. */
    float dotFloat(float[] x, int xOff, float[] y, int yOff, int n);

    /** Sum of x[off..off+n) in the fixed eight-lane order. */
    float sumFloat(float[] x, int off, int n);

    /** Softmax of each of {@code rows} contiguous rows of length n. */
    void softmaxRows(float[] x, float[] y, int rows, int n);

    /** Layer norm of each contiguous row of length n: (x - mean) / sqrt(var + eps) * gamma + beta. */
    void layerNormRows(float[] x, float[] y, int rows, int n, float[] gamma, float[] beta, float eps);

    /** RMS norm of each contiguous row of length n: x / sqrt(mean(x^2) + eps) * gamma. */
    void rmsNormRows(float[] x, float[] y, int rows, int n, float[] gamma, float eps);

    /** Name for reports ("scalar", "vector"). */
    String name();
}
