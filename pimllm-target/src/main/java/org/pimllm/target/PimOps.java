package org.pimllm.target;

import java.util.List;
import org.pimllm.ir.Call;
import org.pimllm.ir.DType;
import org.pimllm.ir.Expr;
import org.pimllm.ir.Ops;
import org.pimllm.ir.attrs.DenseAttrs;
import org.pimllm.ir.attrs.MatmulAttrs;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.eval.HostKernels;
import org.pimllm.ir.eval.Value;
import org.pimllm.pgemm.Layout;
import org.pimllm.ir.Op;
import org.pimllm.ir.OpPattern;
import org.pimllm.ir.Rel;
import org.pimllm.ir.Relations;
import org.pimllm.ir.TensorType;
import org.pimllm.ir.Type;
import org.pimllm.pgemm.GemmDType;

/**
 * Ops of the lowered (PIM) form. They are registered with the IR's op registry when this class
 * is initialized, and found by the parser through {@link PimOpLibrary} (a ServiceLoader entry).
 */
public final class PimOps {

    private PimOps() {
    }

    /**
     * {@code pim.gemm(a, b[, a_zp, b_zp])}: C = A x B through PGEMMlib on the DPUs, with the plan and B's layout in
     * {@link PimGemmAttrs} (see {@link GemmGeometry} for how operands map onto GEMM(b, M, K, N)).
     * int8/int16/int32 inputs give int32, fp32 gives fp32, as PGEMMlib's accumulators. With zero points it is
     * {@code qnn.dense}: C = (A - a_zp) x (B - b_zp)^T with uint8 (or int8) A, int8 B stored (N, K), an int32
     * scalar a_zp (may be a run-time value) and an int32 b_zp (scalar or one per output feature), int32 C;
     * PGEMMlib runs an int8 plan plus a host zero-point correction ({@code PgemmLib.gemmU8S8}). With an int4 plan
     * it is {@code nn.dense(a, b, weight_int4_group=G)}: int8 A, B the (N, K) int16 effective values of int4 weights
     * with group multipliers, which PGEMMlib factors and packs into 4-bit tile records ({@code PgemmLib.gemmInt4}).
     */
    public static final Op GEMM = Op.define("pim.gemm").args("a", "b").optionalArgs("a_zp", "b_zp")
            .attrs(PimGemmAttrs.class, null).relation(PimOps::gemmRelation).pattern(OpPattern.OUT_ELEMWISE_FUSABLE)
            .describe("C = A x B on the PIM DPUs through PGEMMlib; with a_zp, b_zp: (A - a_zp) x (B - b_zp)^T of uint8 A"
                    + " and int8 B (qnn.dense); attrs: plan, b_layout (col_major: B is (N, K);"
                    + " row_major: B is (K, N), transposed on the host at run time), resident, estimated_seconds")
            .compute(PimOps::gemmCompute).register();

    /** What pim.gemm computes: the compute function of the host GEMM op that gives the same product. */
    static Value gemmCompute(Call call, List<Tensor> args, HostKernels kernels) {
        Call host = hostEquivalent(call.args(), call.attrs(PimGemmAttrs.class));
        return host.op().compute().apply(host, args, kernels);
    }

    /** True if this pim.gemm has zero points (uint8 x int8, PGEMMlib's gemmU8S8). */
    public static boolean hasZeroPoints(Call pimGemm) {
        return pimGemm.args().size() == 4;
    }

    /**
     * The host op that computes the same product as a pim.gemm with these arguments: {@code qnn.dense} when it
     * has zero points, else {@code nn.dense} for a column-major 2-D B, {@code nn.matmul} for a row-major one,
     * {@code nn.batch_matmul} for batched GEMMs.
     */
    public static Call hostEquivalent(List<Expr> args, PimGemmAttrs attrs) {
        if (args.size() == 4) return new Call(Ops.QNN_DENSE, args, DenseAttrs.INT32_OUT);
        GemmDType gt = attrs.plan().dtype();
        if (gt.isInt4()) return new Call(Ops.DENSE, args, new DenseAttrs(null, DType.INT32, gt.int4Group()));
        Expr a = args.get(0);
        Expr b = args.get(1);
        DType out = GemmGeometry.irType(attrs.plan().dtype().outputType());
        DType outAttr = out == a.dtype() ? null : out;
        boolean col = attrs.bLayout() == Layout.COL_MAJOR;
        if (b.tensorType().rank() == 2) {
            if (col) return new Call(Ops.DENSE, List.of(a, b), new DenseAttrs(null, outAttr));
            return new Call(Ops.MATMUL, List.of(a, b), new MatmulAttrs(false, false, outAttr));
        }
        return new Call(Ops.BATCH_MATMUL, List.of(a, b), new MatmulAttrs(false, col, outAttr));
    }

    static Type gemmRelation(Rel r, PimGemmAttrs attrs) {
        TensorType a = r.tensor(0);
        TensorType b = r.tensor(1);
        GemmDType gt = attrs.plan().dtype();
        DType in = GemmGeometry.irType(gt);
        if (r.size() == 4) {
            checkZeroPointOperands(r, attrs, a, b);
        } else if (gt.isInt4()) {
            if (a.dtype() != DType.INT8 || b.dtype() != DType.INT16 || b.rank() != 2 || attrs.bLayout() != Layout.COL_MAJOR) {
                throw r.fail("an " + gt.cliName() + " plan takes int8 A and a 2-D int16 (N, K) weight of effective int4"
                        + " values with b_layout=col_major, got " + a + " and " + b);
            }
        } else if (a.dtype() != in || b.dtype() != in) {
            throw r.fail("the plan multiplies " + gt.cliName() + " but the operands are " + a + " and " + b);
        }
        GemmGeometry g;
        try {
            g = GemmGeometry.of(a, b, attrs.bLayout());
        } catch (IllegalArgumentException e) {
            throw r.fail(e.getMessage());
        }
        if (!g.shape().equals(attrs.plan().shape())) {
            throw r.fail("the plan is for GEMM " + attrs.plan().shape() + " (b, M, K, N) but the operands " + a + " x " + b
                    + " (b_layout=" + attrs.bLayout().name().toLowerCase(java.util.Locale.ROOT) + ") give " + g.shape());
        }
        return new TensorType(g.outShape(), GemmGeometry.irType(gt.outputType()));
    }

    /** The zero-point form: an int8 plan, uint8/int8 A, int8 B (N, K), int32 zero points as qnn.dense takes them. */
    private static void checkZeroPointOperands(Rel r, PimGemmAttrs attrs, TensorType a, TensorType b) {
        if (attrs.plan().dtype() != GemmDType.INT8) {
            throw r.fail("a pim.gemm with zero points runs an int8 plan, got " + attrs.plan().dtype().cliName());
        }
        if ((a.dtype() != DType.UINT8 && a.dtype() != DType.INT8) || b.dtype() != DType.INT8) {
            throw r.fail("with zero points A must be uint8 or int8 and B int8, got " + a + " and " + b);
        }
        if (b.rank() != 2 || attrs.bLayout() != Layout.COL_MAJOR) {
            throw r.fail("with zero points B must be a 2-D (N, K) weight with b_layout=col_major, got " + b);
        }
        Relations.denseZeroPoints(r, b);
    }
}
