package org.pimllm.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MutatorTest {

    private final Builder b = new Builder();

    @Test
    void identityMutatorReturnsTheSameGraph() {
        Function f = TestModels.bertLayer(b, 8, 16, 2);
        assertSame(f, new ExprMutator() { }.mutateFunction(f));
    }

    @Test
    void rewriteKeepsSharingAndVisitsSharedNodesOnce() {
        // before: relu(exp(x)) used twice; after: exp(x) used twice (relu removed)
        Var x = b.var("x", DType.FP32, 4);
        Expr r = b.relu(b.exp(x));
        Function before = b.function(b.add(r, r), x);
        int[] calls = {0};
        Function after = new ExprMutator() {
            @Override
            protected Expr rewriteCall(Call c, List<Expr> args) {
                calls[0]++;
                return c.is(Ops.RELU) ? args.get(0) : super.rewriteCall(c, args);
            }
        }.mutateFunction(before);
        Var y = b.var("y", DType.FP32, 4);
        Expr e = b.exp(y);
        Function expected = b.function(b.add(e, e), y);
        assertTrue(StructuralEqual.equal(expected, after), StructuralEqual.mismatch(expected, after).orElse(""));
        assertEquals(3, calls[0]); // exp, relu, add: each once
    }

    @Test
    void rewritingChangesTypesDownstream() {
        Var x = b.var("x", DType.FP32, 4, 8);
        Function f = b.function(b.relu(b.reshape(x, 32)), x);
        Function g = new ExprMutator() {
            @Override
            protected Expr rewriteCall(Call c, List<Expr> args) {
                return c.is(Ops.RESHAPE) ? b.reshape(args.get(0), 8, 4) : super.rewriteCall(c, args);
            }
        }.mutateFunction(f);
        assertEquals(TensorType.of(DType.FP32, 8, 4), g.retType());
    }

    @Test
    void visitorSeesChildrenFirstAndEachNodeOnce() {
        Var x = b.var("x", DType.FP32, 4);
        Expr e = b.exp(x);
        Expr root = b.add(e, b.negative(e));
        List<String> seen = new ArrayList<>();
        new ExprVisitor() {
            @Override
            protected void visitCall(Call c) { seen.add(c.op().name()); }

            @Override
            protected void visitVar(Var v) { seen.add("%" + v.name()); }
        }.visit(root);
        assertEquals(List.of("%x", "exp", "negative", "add"), seen);
    }

    @Test
    void typeInferenceAcceptsGoodModulesAndRejectsStaleTypesAndFreeVars() {
        IRModule m = IRModule.of(TestModels.bertLayer(b, 8, 16, 2));
        assertSame(m, TypeInference.infer(m));
        Var x = b.var("x", DType.FP32, 4);
        Call wrong = new Call(Ops.EXP, List.of(x), null, TensorType.of(DType.FP32, 5));
        Function f = new Function(List.of(x), wrong, null, null);
        IRModule fixed = TypeInference.infer(IRModule.of(f));
        assertEquals(TensorType.of(DType.FP32, 4), fixed.main().retType());
        Var free = b.var("free", DType.FP32, 4);
        TypeCheckException e = assertThrows(TypeCheckException.class,
                () -> TypeInference.infer(IRModule.of(b.function(b.add(x, free), x))));
        assertTrue(e.getMessage().contains("@main") && e.getMessage().contains("%free"), e.getMessage());
    }
}
