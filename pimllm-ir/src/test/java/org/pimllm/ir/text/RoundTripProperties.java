package org.pimllm.ir.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Assume;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.pimllm.ir.ExprVisitor;
import org.pimllm.ir.Function;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.TensorSource;
import org.pimllm.ir.TupleType;
import org.pimllm.ir.Type;
import org.pimllm.ir.Var;
import org.pimllm.ir.eval.Interpreter;
import org.pimllm.ir.eval.Value;
import org.pimllm.ir.StructuralEqual;
import org.pimllm.ir.StructuralHash;

/** parse(print(m)) is structurally equal to m, for generated graphs. */
class RoundTripProperties {

    @Provide
    Arbitrary<List<Integer>> choices() {
        return Arbitraries.integers().between(0, 1 << 20).list().ofMaxSize(120);
    }

    @Property(tries = 300)
    void printThenParseIsStructurallyEqual(@ForAll("choices") List<Integer> choices) {
        IRModule m = GraphGen.module(choices);
        String text = Printer.print(m);
        IRModule back = Parser.parse(text);
        assertTrue(StructuralEqual.equal(m, back), () -> StructuralEqual.mismatch(m, back).orElse("") + "\n" + text);
        assertEquals(StructuralHash.hash(m), StructuralHash.hash(back));
        assertEquals(text, Printer.print(back));
    }

    /** The ops' compute functions produce values of exactly the types the relations inferred. */
    @Property(tries = 100)
    void generatedGraphsEvaluateToTheirTypes(@ForAll("choices") List<Integer> choices) {
        IRModule m = GraphGen.module(choices);
        Function main = m.main();
        boolean nested = ExprVisitor.postOrder(main.body()).stream().anyMatch(e -> e instanceof Function);
        Assume.that(!nested);
        List<Tensor> inputs = new ArrayList<>();
        for (Var p : main.params()) {
            inputs.add(new TensorSource.Synthetic(p.name().hashCode(), TensorSource.Distribution.NORMAL, 1).materialize(p.tensorType()));
        }
        assertEquals(main.retType(), typeOf(Interpreter.run(main, inputs)));
    }

    private static Type typeOf(Value v) {
        return switch (v) {
            case Value.TensorValue t -> t.tensor().type();
            case Value.TupleValue t -> new TupleType(t.fields().stream().map(RoundTripProperties::typeOf).toList());
        };
    }

    @Property(tries = 100)
    void printingWithoutTypesStillParses(@ForAll("choices") List<Integer> choices) {
        IRModule m = GraphGen.module(choices);
        IRModule back = Parser.parse(Printer.print(m, new PrintOptions(false, true)));
        assertTrue(StructuralEqual.equal(m, back), () -> StructuralEqual.mismatch(m, back).orElse(""));
    }
}
