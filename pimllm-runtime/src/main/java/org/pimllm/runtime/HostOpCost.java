package org.pimllm.runtime;

import org.pimllm.ir.Call;
import org.pimllm.ir.Expr;
import org.pimllm.ir.TensorType;
import org.pimllm.ir.TupleType;
import org.pimllm.ir.Type;
import java.util.List;
import org.pimllm.ir.attrs.DenseAttrs;
import org.pimllm.ir.attrs.MatmulAttrs;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.GemmShape;
import org.pimllm.target.HostCpuModel;

/**
 * What a host op costs the host-CPU model: GEMMs as a GEMM shape, everything else as elements, DRAM bytes per
 * element (reads + writes) and fp32 operations per element. The per-element operation counts are the op's
 * arithmetic as the executor does it (e.g. layer norm: sum, subtract, square-add, divide, scale, shift), not
 * timings; the host model turns them into seconds with the preset's parameters.
 */
public record HostOpCost(GemmShape gemm, GemmDType gemmType, long elements, int bytesPerElement, double flopsPerElement) {

    /** Reshape-like ops are views: no work, no call (TVM folds them away too). */
    static final HostOpCost FREE = new HostOpCost(null, null, 0, 0, 0);

    public boolean isFree() { return gemm == null && elements == 0; }

    public boolean isGemm() { return gemm != null; }

    /** Seconds of the op on the host model. */
    public double seconds(HostCpuModel host) {
        if (isFree()) return 0;
        if (isGemm()) return host.gemmSeconds(gemm, gemmType);
        return host.elementwiseSeconds(elements, bytesPerElement, flopsPerElement);
    }

    /** The cost of a host op (any op but pim.gemm). */
    public static HostOpCost of(Call c) {
        String op = c.op().name();
        return switch (op) {
            case "reshape", "expand_dims", "squeeze" -> FREE;
            case "nn.dense", "qnn.dense" -> denseGemm(c);
            case "nn.matmul", "nn.batch_matmul" -> matmulGemm(c);
            case "exp", "log", "erf", "tanh", "sigmoid", "cos", "sin", "nn.silu", "nn.gelu" -> over(c, 2, 20);
            case "nn.softmax", "nn.log_softmax" -> over(c, 2, 25);
            case "nn.layer_norm" -> over(c, 2, 8);
            case "nn.rms_norm" -> over(c, 2, 6);
            case "nn.rotary_embedding" -> over(c, 2, 6);
            case "qnn.quantize", "qnn.dequantize", "qnn.requantize" -> over(c, 2, 3);
            // two passes over the fp32 input: min and max (2 comparisons), then quantize as qnn.quantize (3)
            case "qnn.dynamic_quantize" -> overInput(c, 2, 5);
            case "add", "subtract", "multiply", "divide", "power", "maximum", "minimum", "equal", "not_equal", "less",
                 "less_equal", "greater", "greater_equal", "where", "nn.attention_mask" -> over(c, 3, 1);
            case "sum", "mean", "max", "min", "argmax" -> overInput(c, 1, 1);
            default -> over(c, 2, 0); // data movement: transpose, concatenate, split, slices, take, casts, masks
        };
    }

    /** Cost over the output's elements (all fields of a tuple). */
    private static HostOpCost over(Call c, int accesses, double flops) {
        TensorType t = widest(c.type());
        return new HostOpCost(null, null, elements(c.type()), accesses * t.dtype().bytes(), flops);
    }

    private static HostOpCost overInput(Call c, int accesses, double flops) {
        Expr in = c.arg(0);
        return new HostOpCost(null, null, elements(in.type()), accesses * widest(in.type()).dtype().bytes(), flops);
    }

    private static long elements(Type t) {
        if (t instanceof TensorType tt) return tt.numElements();
        long n = 0;
        for (Type f : ((TupleType) t).fields()) n += elements(f);
        return n;
    }

    private static TensorType widest(Type t) {
        if (t instanceof TensorType tt) return tt;
        TensorType best = null;
        for (Type f : ((TupleType) t).fields()) {
            TensorType x = widest(f);
            if (best == null || x.dtype().bytes() > best.dtype().bytes()) best = x;
        }
        return best;
    }

    private static HostOpCost denseGemm(Call c) {
        TensorType x = c.arg(0).tensorType();
        TensorType w = c.arg(1).tensorType();
        int k = x.dim(-1);
        long m = x.numElements() / Math.max(k, 1);
        if (c.attrs() instanceof DenseAttrs d && d.int4Weight() && GemmDType.hasInt4Group(d.weightInt4Group())) {
            // an int4 weight: the host streams its packed 4-bit values and multipliers, not the int16 it is held as
            return new HostOpCost(new GemmShape(1, Math.toIntExact(m), k, w.dim(0)), GemmDType.int4(d.weightInt4Group()), 0, 0, 0);
        }
        return gemm(c, 1, m, k, w.dim(0), x);
    }

    private static HostOpCost matmulGemm(Call c) {
        MatmulAttrs a = c.attrs(MatmulAttrs.class);
        TensorType x = c.arg(0).tensorType();
        TensorType y = c.arg(1).tensorType();
        TensorType out = c.tensorType();
        int k = a.transposeA() ? x.dim(x.rank() >= 2 ? -2 : -1) : x.dim(-1);
        int n = y.rank() == 1 ? 1 : a.transposeB() ? y.dim(-2) : y.dim(-1);
        int m = x.rank() == 1 ? 1 : a.transposeA() ? x.dim(-1) : x.dim(-2);
        long batch = out.numElements() / Math.max(1L * m * n, 1);
        return gemm(c, batch, m, k, n, x);
    }

    private static HostOpCost gemm(Call c, long batch, long m, int k, int n, TensorType x) {
        GemmDType t = switch (x.dtype()) {
            case INT8, UINT8 -> GemmDType.INT8;
            case INT16 -> GemmDType.INT16;
            case INT32, INT64 -> GemmDType.INT32;
            default -> GemmDType.FP32;
        };
        if (batch > Integer.MAX_VALUE || m > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(c.op().name() + " is too large to cost: batch " + batch + ", M " + m);
        }
        return new HostOpCost(new GemmShape((int) batch, (int) m, k, n), t, 0, 0, 0);
    }

    @Override
    public String toString() {
        return isGemm() ? "gemm " + gemm + " " + gemmType.cliName() : elements + " elements";
    }

}
