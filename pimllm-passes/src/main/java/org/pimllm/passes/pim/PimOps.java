package org.pimllm.passes.pim;

import java.util.List;
import org.pimllm.ir.Call;
import org.pimllm.ir.DType;
import org.pimllm.ir.Expr;
import org.pimllm.ir.Ops;
import org.pimllm.ir.attrs.DenseAttrs;
import org.pimllm.ir.attrs.MatmulAttrs;
import org.pimllm.ir.eval.Kernels;
import org.pimllm.pgemm.Layout;
import org.pimllm.ir.Op;
import org.pimllm.ir.OpPattern;
import org.pimllm.ir.Rel;
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
     * {@code pim.gemm(a, b)}: C = A x B through PGEMMlib on the DPUs, with the plan and B's layout in
     * {@link PimGemmAttrs} (see {@link GemmGeometry} for how operands map onto GEMM(b, M, K, N)).
     * int8/int16/int32 inputs give int32, fp32 gives fp32, as PGEMMlib's accumulators.
     */
    public static final Op GEMM = Op.define("pim.gemm").args("a", "b")
            .attrs(PimGemmAttrs.class, null).relation(PimOps::gemmRelation).pattern(OpPattern.OUT_ELEMWISE_FUSABLE)
            .describe("C = A x B on the PIM DPUs through PGEMMlib; attrs: plan, b_layout (col_major: B is (N, K);"
                    + " row_major: B is (K, N), transposed on the host at run time), resident, estimated_seconds")
            .register();

    static {
        // the executable specification of pim.gemm: the host GEMM op computing the same product
        Kernels.register(GEMM, (call, args) -> {
            Call host = hostEquivalent(call.arg(0), call.arg(1), call.attrs(PimGemmAttrs.class));
            return Kernels.get(host.op()).apply(host, args);
        });
    }

    /**
     * The host op that computes the same product as a pim.gemm: {@code nn.dense} for a column-major
     * 2-D B, {@code nn.matmul} for a row-major one, {@code nn.batch_matmul} for batched GEMMs.
     */
    public static Call hostEquivalent(Expr a, Expr b, PimGemmAttrs attrs) {
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
        if (a.dtype() != in || b.dtype() != in) {
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
}
