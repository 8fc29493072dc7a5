package org.pimllm.driver;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.pimllm.ir.Call;
import org.pimllm.ir.Constant;
import org.pimllm.ir.Expr;
import org.pimllm.ir.ExprVisitor;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Ops;
import org.pimllm.target.PimGemmAttrs;
import org.pimllm.target.PimOps;

/**
 * Whether a model's GEMM weights can fit the MRAM of a DPU budget at all: the one check behind {@code pimllm bench}
 * (before a PIM variant would stream every weight on every call) and {@code Generator} (before a decode step with
 * resident weights). The error names the weight at which the running total passes the DPUs' MRAM and the sizes.
 */
public final class MramFit {

    private MramFit() {
    }

    /** One GEMM weight: its name, type text and the bytes it takes in MRAM. */
    public record Weight(String name, String type, long bytes) {
    }

    /**
     * The constant B operands of the graph's GEMMs ({@code nn.dense}, {@code nn.matmul}, {@code qnn.dense},
     * {@code pim.gemm}), each constant once, in execution order; {@code asInt8}: one byte per element (what an int8
     * compilation of an fp32 graph will hold), else the bytes of the stored dtype.
     */
    public static List<Weight> gemmWeights(IRModule m, boolean asInt8) {
        Set<Constant> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Weight> out = new ArrayList<>();
        for (Expr e : ExprVisitor.postOrder(m.main().body())) {
            if (!(e instanceof Call c) || c.args().size() < 2 || !(c.arg(1) instanceof Constant w)) continue;
            boolean gemm = c.is(Ops.DENSE) || c.is(Ops.MATMUL) || c.is(Ops.QNN_DENSE) || c.is(PimOps.GEMM);
            if (!gemm || !seen.add(w)) continue;
            long bytes = asInt8 ? w.type().numElements() : storedBytes(c, w);
            out.add(new Weight(w.name() == null ? "(unnamed constant)" : w.name(), w.type().toString(), bytes));
        }
        return out;
    }

    /** Bytes a GEMM weight takes where it is stored: an int4 weight (held as int16 in the IR) by its packed bytes. */
    static long storedBytes(Call gemm, Constant w) {
        if (gemm.is(PimOps.GEMM) && gemm.attrs(PimGemmAttrs.class).plan().dtype().isInt4()) {
            var plan = gemm.attrs(PimGemmAttrs.class).plan();
            return plan.shape().b() * plan.dtype().bBytes(plan.shape().k(), plan.shape().n());
        }
        if (gemm.is(Ops.DENSE) && gemm.attrs() instanceof org.pimllm.ir.attrs.DenseAttrs d && d.int4Weight()
                && w.type() instanceof org.pimllm.ir.TensorType t) {
            return (long) t.dim(0) * (Math.ceilDiv(t.dim(1), 2) + Math.ceilDiv(t.dim(1), d.weightInt4Group()));
        }
        return w.type().sizeInBytes();
    }

    /**
     * Throws an IllegalArgumentException if the weights' total passes {@code dpus} x {@code mramPerDpu}: "{subject}'s
     * weights do not fit the DPUs' MRAM: with weight 'W' (type) they reach X GiB but N DPUs have Y GiB (N x M MiB of
     * preset); {hint}".
     */
    public static void check(List<Weight> weights, int dpus, long mramPerDpu, String preset, String subject, String hint) {
        long capacity = dpus * mramPerDpu;
        long total = 0;
        for (Weight w : weights) {
            total += w.bytes();
            if (total > capacity) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "%s's weights do not fit the DPUs' MRAM: with"
                                + " weight '%s' (%s) they reach %.2f GiB but %d DPUs have %.2f GiB (%d x %d MiB of %s); %s", subject,
                        w.name(), w.type(), total / GIB, dpus, capacity / GIB, dpus, mramPerDpu >> 20, preset, hint));
            }
        }
    }

    /** Bytes of all the weights. */
    public static long total(List<Weight> weights) {
        return weights.stream().mapToLong(Weight::bytes).sum();
    }

    private static final double GIB = 1024.0 * 1024 * 1024;
}
