package org.pimllm.ir.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.pimllm.ir.IRModule;
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

    @Property(tries = 100)
    void printingWithoutTypesStillParses(@ForAll("choices") List<Integer> choices) {
        IRModule m = GraphGen.module(choices);
        IRModule back = Parser.parse(Printer.print(m, new PrintOptions(false, true)));
        assertTrue(StructuralEqual.equal(m, back), () -> StructuralEqual.mismatch(m, back).orElse(""));
    }
}
