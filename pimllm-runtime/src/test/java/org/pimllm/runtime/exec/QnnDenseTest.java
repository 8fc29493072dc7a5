package org.pimllm.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.pimllm.ir.Builder;
import org.pimllm.ir.Call;
import org.pimllm.ir.DType;
import org.pimllm.ir.Function;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.Var;
import org.pimllm.ir.eval.HostKernels;
import org.pimllm.ir.eval.Interpreter;
import org.pimllm.ir.eval.ScalarKernels;
import org.pimllm.ir.eval.Value;
import org.pimllm.runtime.kernels.VectorKernels;

/**
 * qnn.dense with zero points (uint8 or int8 activations x int8 weights) on the int8 GEMM kernel plus the
 * zero-point correction, with the scalar and the Vector API kernels, against the textbook loop: the same bits.
 */
class QnnDenseTest {

    private static Tensor bytes(SplittableRandom r, DType t, int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        byte[] v = new byte[n];
        for (int i = 0; i < n; i++) v[i] = (byte) r.nextInt(256);
        return Tensor.ofBytes(t, v, shape);
    }

    private static void check(Tensor x, Tensor w, Tensor xzp, Tensor wzp) {
        Builder b = new Builder(1);
        Var xv = b.var("x", x.dtype(), x.shape());
        Call c = b.qnnDense(xv, b.constant(w), b.constant(xzp), b.constant(wzp));
        IRModule mod = b.module(b.function(c, xv));
        Function f = mod.main();
        int[] expected = textbook(x, w, xzp, wzp);
        assertArrayEquals(expected, Interpreter.run(f, List.of(x)).tensor().ints(), "reference interpreter");
        Call typed = (Call) f.body();
        List<Value> args = List.of(Value.of(x), Value.of(w), Value.of(xzp), Value.of(wzp));
        for (HostKernels k : List.of(ScalarKernels.INSTANCE, VectorKernels.INSTANCE)) {
            Tensor got = new Interpreter(k).apply(typed, args).tensor();
            assertArrayEquals(expected, got.ints(), k.name());
        }
    }

    /** sum_p (x[i][p] - xz) * (w[j][p] - wz_j) in long, wrapped to int32. */
    private static int[] textbook(Tensor x, Tensor w, Tensor xzp, Tensor wzp) {
        int k = x.dim(-1);
        int m = x.size() / k;
        int n = w.dim(0);
        int[] out = new int[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                long wz = wzp.getLong(wzp.size() > 1 ? j : 0);
                long s = 0;
                for (int p = 0; p < k; p++) s += (x.getLong(i * k + p) - xzp.getLong(0)) * (w.getLong(j * k + p) - wz);
                out[i * n + j] = (int) s;
            }
        }
        return out;
    }

    @Test
    void zeroPointsOfEveryKindGiveTheReferenceBits() {
        SplittableRandom r = new SplittableRandom(11);
        for (DType xt : List.of(DType.UINT8, DType.INT8)) {
            for (int trial = 0; trial < 6; trial++) {
                int m = 1 + r.nextInt(9);
                int k = 1 + r.nextInt(70);
                int n = 1 + r.nextInt(9);
                Tensor x = bytes(r, xt, 2, m, k);
                Tensor w = bytes(r, DType.INT8, n, k);
                Tensor xzp = Tensor.scalarLong(DType.INT32, trial == 0 ? 0 : xt == DType.UINT8 ? r.nextInt(256) : r.nextInt(256) - 128);
                Tensor wzp = trial % 2 == 0 ? Tensor.scalarLong(DType.INT32, trial == 0 ? 0 : r.nextInt(256) - 128)
                        : Tensor.ofInts(r.ints(n, -128, 128).toArray(), n);
                check(x, w, xzp, wzp);
            }
        }
    }

    @Test
    void int32OverflowWrapsLikeTheReference() {
        // |(255 - 0) * (-128 - 127)| * 40000 > 2^31: the wrapped sum must still agree
        int k = 40_000;
        byte[] xs = new byte[k];
        byte[] ws = new byte[2 * k];
        java.util.Arrays.fill(xs, (byte) 255);
        java.util.Arrays.fill(ws, (byte) -128);
        check(Tensor.ofBytes(DType.UINT8, xs, 1, k), Tensor.ofBytes(DType.INT8, ws, 2, k),
                Tensor.scalarLong(DType.INT32, 0), Tensor.ofInts(new int[] {127, -5}, 2));
    }
}
