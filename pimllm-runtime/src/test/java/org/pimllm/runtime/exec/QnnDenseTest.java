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
import org.pimllm.ir.eval.Interpreter;
import org.pimllm.runtime.kernels.HostKernels;
import org.pimllm.runtime.kernels.ScalarKernels;
import org.pimllm.runtime.kernels.VectorKernels;

/**
 * qnn.dense with zero points (uint8 or int8 activations x int8 weights) on the int8 GEMM kernel plus the
 * zero-point correction, against the IR's own reference interpreter and the scalar loop: the same bits.
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
        Tensor expected = Interpreter.run(f, List.of(x)).tensor();
        Call typed = (Call) f.body();
        for (HostKernels k : List.of(ScalarKernels.INSTANCE, VectorKernels.INSTANCE)) {
            Tensor got = (Tensor) new OpEvaluator(k).eval(typed, List.of(x, w, xzp, wzp));
            assertArrayEquals(expected.ints(), got.ints(), k.getClass().getSimpleName());
        }
        Tensor loop = Tensor.zeros(DType.INT32, expected.shape());
        int k = x.dim(-1);
        OpEvaluator.qnnDenseReference(x, w, xzp, wzp, loop, x.size() / k, k, w.dim(0));
        assertArrayEquals(expected.ints(), loop.ints(), "scalar loop");
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
