package org.pimllm.passes;

import java.util.ArrayList;
import java.util.List;
import org.pimllm.ir.Call;
import org.pimllm.ir.Constant;
import org.pimllm.ir.Expr;
import org.pimllm.ir.ExprMutator;
import org.pimllm.ir.Ops;
import org.pimllm.ir.attrs.AxesAttrs;
import org.pimllm.ir.attrs.DenseAttrs;
import org.pimllm.ir.attrs.MatmulAttrs;
import org.pimllm.passes.eval.DerivedConstants;
import org.pimllm.passes.pim.GemmMatch;
import org.pimllm.pgemm.Layout;

/**
 * Build-time layout adjustment: a GEMM whose constant B is stored row-major (K, N) (a Conv1D /
 * numpy-style {@code nn.matmul(x, W)}, as GPT-2 stores its weights) gets the weight transposed once
 * at compile time into PGEMMlib's column-major layout, i.e. (N, K), and becomes
 * {@code nn.dense(x, W^T)} (batched: {@code nn.batch_matmul(x, W^T, transpose_b=true)}). The new
 * constant is named {@code <name>.T}. Without this pass such a GEMM reaches PIM with
 * {@code b_layout=row_major} and PGEMMlib transposes B on the host at every call.
 */
public final class AdjustLayout {

    public static final String NAME = "AdjustLayout";

    private AdjustLayout() {
    }

    public static Pass pass() {
        return Pass.function(NAME, 1, List.of(), (f, m, ctx) -> new ExprMutator() {
            @Override
            protected Expr rewriteCall(Call c, List<Expr> args) {
                Call nc = c.withArgs(args);
                return GemmMatch.of(nc)
                        .filter(g -> g.bLayout() == Layout.ROW_MAJOR && g.b() instanceof Constant)
                        .map(AdjustLayout::adjust)
                        .orElse(nc);
            }
        }.mutateFunction(f));
    }

    private static Expr adjust(GemmMatch g) {
        Constant w = (Constant) g.b();
        int rank = w.type().rank();
        List<Integer> perm = new ArrayList<>();
        for (int i = 0; i < rank - 2; i++) perm.add(i);
        perm.add(rank - 1);
        perm.add(rank - 2);
        Call t = new Call(Ops.TRANSPOSE, List.of(w), new AxesAttrs(perm));
        Constant wt = DerivedConstants.fold(t, w.name() == null ? null : w.name() + ".T");
        MatmulAttrs ma = g.call().attrs(MatmulAttrs.class);
        if (rank == 2) {
            return new Call(Ops.DENSE, List.of(g.a(), wt), new DenseAttrs(null, ma.outDtype()));
        }
        return new Call(Ops.BATCH_MATMUL, List.of(g.a(), wt), new MatmulAttrs(false, true, ma.outDtype()));
    }
}
