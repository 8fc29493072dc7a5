package org.pimllm.passes.pim;

import java.util.Optional;
import org.pimllm.ir.Call;
import org.pimllm.ir.Constant;
import org.pimllm.ir.Expr;
import org.pimllm.ir.Ops;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.attrs.MatmulAttrs;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.Layout;

/**
 * A host GEMM op that PGEMMlib can run: {@code nn.dense} (B stored (N, K): column-major),
 * {@code nn.matmul} / {@code nn.batch_matmul} without transpose_a (B column-major if transpose_b),
 * and {@code qnn.dense} with zero zero-points (symmetric int8). Inputs must be int8, int16, int32
 * or fp32 with PGEMMlib's accumulator as the output dtype (int32 for integers, fp32 for fp32).
 *
 * @param call     the original call
 * @param a        the A operand
 * @param b        the B operand as stored
 * @param bLayout  how B is stored
 * @param geometry the GEMM and the output shape
 * @param dtype    PGEMMlib's element type
 */
public record GemmMatch(Call call, Expr a, Expr b, Layout bLayout, GemmGeometry geometry, GemmDType dtype) {

    /** The GEMM view of {@code c}, or empty if {@code c} is not a GEMM PGEMMlib can run. */
    public static Optional<GemmMatch> of(Call c) {
        Layout layout;
        if (c.is(Ops.DENSE)) {
            layout = Layout.COL_MAJOR;
        } else if (c.is(Ops.MATMUL) || c.is(Ops.BATCH_MATMUL)) {
            MatmulAttrs m = c.attrs(MatmulAttrs.class);
            if (m.transposeA()) return Optional.empty();
            layout = m.transposeB() ? Layout.COL_MAJOR : Layout.ROW_MAJOR;
        } else if (c.is(Ops.QNN_DENSE)) {
            if (!isZero(c.arg(2)) || !isZero(c.arg(3))) return Optional.empty();
            layout = Layout.COL_MAJOR;
        } else {
            return Optional.empty();
        }
        Expr a = c.arg(0);
        Expr b = c.arg(1);
        if (!(a.type() instanceof org.pimllm.ir.TensorType ta) || !(b.type() instanceof org.pimllm.ir.TensorType tb)) {
            return Optional.empty();
        }
        GemmDType gt = GemmGeometry.gemmType(ta.dtype());
        if (gt == null || tb.dtype() != ta.dtype()) return Optional.empty();
        if (c.dtype() != GemmGeometry.irType(gt.outputType())) return Optional.empty();
        GemmGeometry g;
        try {
            g = GemmGeometry.of(ta, tb, layout);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!g.outShape().equals(c.shape())) return Optional.empty();
        return Optional.of(new GemmMatch(c, a, b, layout, g, gt));
    }

    /** True for a constant zero point (scalar or per channel) whose elements are all 0. */
    static boolean isZero(Expr e) {
        if (!(e instanceof Constant k) || k.type().numElements() > 4096) return false;
        Tensor t = k.data();
        for (int i = 0; i < t.size(); i++) if (t.getLong(i) != 0) return false;
        return true;
    }

    /** A label for reports: the weight's constant name, or the op name. */
    public String label() {
        if (b instanceof Constant k && k.name() != null) return k.name();
        return call.op().name();
    }
}
