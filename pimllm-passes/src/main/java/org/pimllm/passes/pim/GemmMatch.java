package org.pimllm.passes.pim;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pimllm.ir.Call;
import org.pimllm.ir.Constant;
import org.pimllm.ir.DType;
import org.pimllm.ir.Expr;
import org.pimllm.ir.Ops;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.TensorType;
import org.pimllm.ir.attrs.DenseAttrs;
import org.pimllm.ir.attrs.MatmulAttrs;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.Layout;
import org.pimllm.target.GemmGeometry;

/**
 * A host GEMM op that PGEMMlib can run: {@code nn.dense} (B stored (N, K): column-major),
 * {@code nn.matmul} / {@code nn.batch_matmul} without transpose_a (B column-major if transpose_b),
 * and {@code qnn.dense} (int32 output). Inputs must be int8, int16, int32 or fp32 with PGEMMlib's
 * accumulator as the output dtype (int32 for integers, fp32 for fp32).
 *
 * <p>{@code qnn.dense} of int8 x int8 with all-zero constant zero points is a plain int8 GEMM. Any other
 * {@code qnn.dense} with an int8 weight (ONNX MatMulInteger: uint8 activations, an activation zero point
 * that may be a run-time value, constant weight zero points) matches with {@link #zeroPoints}: PGEMMlib runs
 * it as an int8 GEMM plus a host zero-point correction ({@code PgemmLib.gemmU8S8}). The weight zero points
 * must be a constant within int8 (one, or one per output feature); int8 activations with a zero point are
 * run as uint8 (the runtime flips their top bit and adds 128 to the zero point).
 *
 * @param call       the original call
 * @param a          the A operand
 * @param b          the B operand as stored
 * @param bLayout    how B is stored
 * @param geometry   the GEMM and the output shape
 * @param dtype      PGEMMlib's element type (INT8 for a GEMM with zero points: the DPUs' kernel)
 * @param zeroPoints empty, or the activation and weight zero points (int32 scalar, int32 constant)
 */
public record GemmMatch(Call call, Expr a, Expr b, Layout bLayout, GemmGeometry geometry, GemmDType dtype,
                        List<Expr> zeroPoints) {

    public GemmMatch {
        zeroPoints = List.copyOf(zeroPoints);
    }

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
            boolean symmetricInt8 = isZero(c.arg(2)) && isZero(c.arg(3)) && c.arg(0).dtype() == DType.INT8;
            if (!symmetricInt8) return withZeroPoints(c);
            layout = Layout.COL_MAJOR;
        } else {
            return Optional.empty();
        }
        Expr a = c.arg(0);
        Expr b = c.arg(1);
        if (!(a.type() instanceof TensorType ta) || !(b.type() instanceof TensorType tb)) {
            return Optional.empty();
        }
        if (c.is(Ops.DENSE) && c.attrs(DenseAttrs.class).int4Weight()) return int4(c, ta, tb);
        GemmDType gt = GemmGeometry.gemmType(ta.dtype());
        if (gt == null || tb.dtype() != ta.dtype()) return Optional.empty();
        if (c.dtype() != GemmGeometry.irType(gt.outputType())) return Optional.empty();
        return geometry(ta, tb, layout, c).map(g -> new GemmMatch(c, a, b, layout, g, gt, List.of()));
    }

    /**
     * nn.dense(int8 A, int16 effective int4 weight (N, K), weight_int4_group = G) into int32: PGEMMlib's int4 GEMM
     * for a group PGEMMlib has (32, 64, 128); other groups stay on the host.
     */
    private static Optional<GemmMatch> int4(Call c, TensorType a, TensorType b) {
        int group = c.attrs(DenseAttrs.class).weightInt4Group();
        if (!GemmDType.hasInt4Group(group)) return Optional.empty();
        if (a.dtype() != DType.INT8 || b.dtype() != DType.INT16 || c.dtype() != DType.INT32) return Optional.empty();
        GemmDType gt = GemmDType.int4(group);
        return geometry(a, b, Layout.COL_MAJOR, c).map(g -> new GemmMatch(c, c.arg(0), c.arg(1), Layout.COL_MAJOR, g, gt, List.of()));
    }

    /** qnn.dense(uint8 or int8 A, int8 B (N, K), a_zp, constant b_zp) into int32, as PGEMMlib's u8 x s8 GEMM. */
    private static Optional<GemmMatch> withZeroPoints(Call c) {
        Expr a = c.arg(0);
        Expr b = c.arg(1);
        Expr aZp = c.arg(2);
        Expr bZp = c.arg(3);
        boolean aOk = a.dtype() == DType.UINT8 || a.dtype() == DType.INT8;
        if (!aOk || b.dtype() != DType.INT8 || c.dtype() != DType.INT32) return Optional.empty();
        if (!withinInt8(bZp) || (aZp instanceof Constant k && !activationZeroPointFits(a.dtype(), k.data().getLong(0)))) {
            return Optional.empty();
        }
        return geometry(a.tensorType(), b.tensorType(), Layout.COL_MAJOR, c)
                .map(g -> new GemmMatch(c, a, b, Layout.COL_MAJOR, g, GemmDType.INT8, List.of(aZp, bZp)));
    }

    private static Optional<GemmGeometry> geometry(TensorType a, TensorType b, Layout layout, Call c) {
        GemmGeometry g;
        try {
            g = GemmGeometry.of(a, b, layout);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return g.outShape().equals(c.shape()) ? Optional.of(g) : Optional.empty();
    }

    /** True if PGEMMlib's uint8 path can take this activation zero point (int8 data: shifted by 128). */
    public static boolean activationZeroPointFits(DType aType, long zp) {
        long u = aType == DType.INT8 ? zp + 128 : zp;
        return u >= 0 && u <= 255;
    }

    /** True for a constant zero point (scalar or per channel) whose elements are all 0. */
    static boolean isZero(Expr e) {
        return constantWithin(e, 0, 0);
    }

    private static boolean withinInt8(Expr e) {
        return constantWithin(e, -128, 127);
    }

    private static boolean constantWithin(Expr e, long lo, long hi) {
        if (!(e instanceof Constant k) || k.type().numElements() > 1 << 16) return false;
        Tensor t = k.data();
        for (int i = 0; i < t.size(); i++) {
            long v = t.getLong(i);
            if (v < lo || v > hi) return false;
        }
        return true;
    }

    /** True if the GEMM has zero points (PGEMMlib's uint8 x int8 path). */
    public boolean hasZeroPoints() {
        return !zeroPoints.isEmpty();
    }

    /** The arguments of the pim.gemm running this GEMM: A, B and the zero points if any. */
    public List<Expr> operands() {
        List<Expr> ops = new ArrayList<>(List.of(a, b));
        ops.addAll(zeroPoints);
        return ops;
    }

    /** A label for reports: the weight's constant name, or the op name. */
    public String label() {
        if (b instanceof Constant k && k.name() != null) return k.name();
        return call.op().name();
    }
}
