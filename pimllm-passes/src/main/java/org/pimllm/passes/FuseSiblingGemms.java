package org.pimllm.passes;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pimllm.ir.Attrs;
import org.pimllm.ir.Call;
import org.pimllm.ir.Constant;
import org.pimllm.ir.Expr;
import org.pimllm.ir.ExprMutator;
import org.pimllm.ir.ExprVisitor;
import org.pimllm.ir.Function;
import org.pimllm.ir.Op;
import org.pimllm.ir.Ops;
import org.pimllm.ir.TupleGetItem;
import org.pimllm.ir.attrs.AxisAttrs;
import org.pimllm.ir.attrs.DenseAttrs;
import org.pimllm.ir.attrs.SplitAttrs;
import org.pimllm.passes.eval.DerivedConstants;
import org.pimllm.passes.pim.GemmMatch;
import org.pimllm.pgemm.Layout;

/**
 * The paper's QKV fusion, generalized: GEMMs that read the same input with constant 2-D weights
 * (same op, attributes and dtype) become one GEMM on the concatenated weight followed by a
 * {@code split} of its output. Q/K/V projections of BERT and LLaMA fuse into one, LLaMA's SwiGLU
 * gate and up projections into another; GPT-2's c_attn, already one GEMM, stays as it is.
 * Weights are concatenated at compile time (lazily for synthetic weights); the fused weight is
 * named after its parts joined by {@code +}.
 */
public final class FuseSiblingGemms {

    public static final String NAME = "FuseSiblingGemms";

    private FuseSiblingGemms() {
    }

    public static Pass pass() {
        return Pass.function(NAME, 1, List.of(), (f, m, ctx) -> fuse(f));
    }

    /**
     * Siblings share: the input (by identity), the op, the attributes (units aside), the weight dtype and
     * any further arguments (qnn.dense's zero points: the same expression, or equal scalar constants).
     */
    private record GroupKey(Expr input, Op op, Attrs attrs, Layout layout, List<Object> extraArgs) {
    }

    private static final class Group {
        final Layout layout;
        final List<Call> members = new ArrayList<>();
        Call fused;

        Group(Layout layout) {
            this.layout = layout;
        }
    }

    static Function fuse(Function f) {
        Map<GroupKey, Group> groups = new LinkedHashMap<>();
        for (Expr e : ExprVisitor.postOrder(f)) {
            if (e instanceof Call c) {
                GemmMatch.of(c).filter(g -> g.b() instanceof Constant && g.b().tensorType().rank() == 2)
                        .map(FuseSiblingGemms::keyOf)
                        .ifPresent(key -> groups.computeIfAbsent(key, k -> new Group(k.layout())).members.add(c));
            }
        }
        Map<Call, Group> memberOf = new IdentityHashMap<>();
        for (Group g : groups.values()) {
            if (g.members.size() >= 2) for (Call c : g.members) memberOf.put(c, g);
        }
        if (memberOf.isEmpty()) return f;
        return new ExprMutator() {
            @Override
            protected Expr rewriteCall(Call c, List<Expr> args) {
                Group g = memberOf.get(c);
                if (g == null) return c.withArgs(args);
                if (g.fused == null) g.fused = fusedCall(g, args);
                return new TupleGetItem(g.fused, g.members.indexOf(c));
            }
        }.mutateFunction(f);
    }

    /** The group of a GEMM, or null if it cannot be fused (see {@link #extraArgsKey}). */
    private static GroupKey keyOf(GemmMatch g) {
        List<Object> extra = extraArgsKey(g.call());
        if (extra == null) return null;
        Attrs a = g.call().attrs();
        if (a instanceof DenseAttrs d) a = new DenseAttrs(null, d.outDtype(), d.weightInt4Group());
        return new GroupKey(g.a(), g.call().op(), a, g.bLayout(), extra);
    }

    /** Marks a per-output-feature weight zero point in a group key: the members' ones are concatenated. */
    private static final String PER_FEATURE = "per-feature";

    /**
     * The arguments after A and B (qnn.dense's zero points) as a grouping key: scalar constants by
     * value, qnn.dense's per-feature weight zero points as {@link #PER_FEATURE} (concatenated like the
     * weights), other expressions (a run-time activation zero point) by identity; null if another
     * constant would have to be combined (such GEMMs are not fused).
     */
    private static List<Object> extraArgsKey(Call c) {
        List<Object> key = new ArrayList<>();
        for (int i = 2; i < c.args().size(); i++) {
            Expr e = c.arg(i);
            if (e instanceof Constant k) {
                if (k.type().numElements() == 1) key.add(k.data().getLong(0));
                else if (isPerFeatureWeightZeroPoint(c, i)) key.add(PER_FEATURE);
                else return null;
            } else {
                key.add(e);
            }
        }
        return key;
    }

    private static boolean isPerFeatureWeightZeroPoint(Call c, int i) {
        return c.is(Ops.QNN_DENSE) && i == 3 && c.arg(i).tensorType().rank() == 1;
    }

    /** split(op(input, concat(weights)), at the members' output boundaries, axis=-1). */
    private static Call fusedCall(Group g, List<Expr> firstArgs) {
        Expr input = firstArgs.get(0);
        Call first = g.members.getFirst();
        boolean colMajor = g.layout == Layout.COL_MAJOR;
        List<Expr> weights = new ArrayList<>();
        List<Integer> splits = new ArrayList<>();
        List<String> names = new ArrayList<>();
        int n = 0;
        for (Call c : g.members) {
            Constant w = (Constant) c.arg(1);
            weights.add(w);
            names.add(w.name() == null ? "w" : w.name());
            if (n > 0) splits.add(n);
            n += colMajor ? w.type().dim(0) : w.type().dim(1);
        }
        Call concat = new Call(Ops.CONCATENATE, weights, new AxisAttrs(colMajor ? 0 : 1));
        Constant fusedW = DerivedConstants.fold(concat, String.join("+", names));
        Attrs attrs = first.attrs() instanceof DenseAttrs d ? new DenseAttrs(null, d.outDtype(), d.weightInt4Group()) : first.attrs();
        List<Expr> args = new ArrayList<>(List.of(input, fusedW));
        for (int i = 2; i < firstArgs.size(); i++) { // zero points: shared (see GroupKey), or per feature: concatenated
            final int arg = i;
            if (!isPerFeatureWeightZeroPoint(first, i)) {
                args.add(firstArgs.get(i));
                continue;
            }
            List<Expr> parts = g.members.stream().map(c -> c.arg(arg)).toList();
            args.add(DerivedConstants.fold(new Call(Ops.CONCATENATE, parts, new AxisAttrs(0)), null));
        }
        Call gemm = new Call(first.op(), args, attrs);
        return new Call(Ops.SPLIT, List.of(gemm), SplitAttrs.indices(splits, -1));
    }
}
