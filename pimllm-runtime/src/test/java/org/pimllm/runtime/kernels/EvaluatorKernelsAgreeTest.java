package org.pimllm.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.IdentityHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pimllm.ir.Call;
import org.pimllm.ir.Expr;
import org.pimllm.ir.ExprVisitor;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.Var;
import org.pimllm.ir.eval.Interpreter;
import org.pimllm.ir.eval.Value;
import org.pimllm.models.zoo.Gpt2Config;
import org.pimllm.models.zoo.LlamaConfig;
import org.pimllm.models.zoo.ModelConfig;
import org.pimllm.models.zoo.ModelZoo;

/**
 * The IR's evaluator on the Vector API kernels gives the reference evaluator's bits at every node of whole float32
 * models (fp32 GEMMs, softmax, layer/RMS norm along real shapes), not only kernel by kernel.
 */
class EvaluatorKernelsAgreeTest {

    @ParameterizedTest
    @ValueSource(strings = {"bert-tiny", "gpt2-tiny", "llama-tiny"})
    void vectorEvaluatorEqualsReferenceAtEveryNode(String name) {
        ModelConfig cfg = switch (name) {
            case "llama-tiny" -> LlamaConfig.tiny(2, 64, 4, 96, 128);
            case "gpt2-tiny" -> new Gpt2Config("gpt2-tiny", 2, 64, 4, 256, 128, 32, 1e-5);
            default -> ModelZoo.get(name);
        };
        IRModule m = ModelZoo.build(cfg, 6);
        Map<String, Tensor> in = ModelZoo.sampleInputs(cfg, 6, 3);
        Map<Expr, Value> ref = new IdentityHashMap<>();
        Map<Expr, Value> fast = new IdentityHashMap<>();
        for (Var p : m.main().params()) {
            ref.put(p, Value.of(in.get(p.name())));
            fast.put(p, Value.of(in.get(p.name())));
        }
        Interpreter vector = new Interpreter(VectorKernels.INSTANCE);
        int calls = 0;
        for (Expr e : ExprVisitor.postOrder(m.main().body())) {
            if (ref.containsKey(e)) continue;
            Value r = Interpreter.reference().node(e, ref);
            Value f = vector.node(e, fast);
            ref.put(e, r);
            fast.put(e, f);
            if (e instanceof Call c && r instanceof Value.TensorValue(Tensor rt)) {
                calls++;
                assertTrue(rt.contentEquals(f.tensor()), name + ": " + c.op().name() + " " + c.type() + " differs");
            }
        }
        assertTrue(calls > 20, name + " has only " + calls + " calls");
    }

}
