package org.pimllm.ir.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pimllm.ir.Attrs;
import org.pimllm.ir.Builder;
import org.pimllm.ir.DType;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.ModuleAttr;
import org.pimllm.ir.StructuralEqual;
import org.pimllm.ir.Var;

/** Typed module attributes: the typed accessor, the text form and its errors. */
class ModuleAttrsTextTest {

    /** A module attribute of this test only. */
    record Budget(int units, String owner) implements Attrs {
    }

    static final ModuleAttr<Budget> BUDGET = ModuleAttr.define("test.budget", Budget.class);

    private final Builder b = new Builder(3);

    private IRModule small() {
        Var x = b.var("x", DType.FP32, 2);
        return b.module(b.function(b.relu(x), x));
    }

    @Test
    void typedValueIsSetReadAndKeptByFunctionRewrites() {
        IRModule m = small();
        assertTrue(m.attr(BUDGET).isEmpty());
        IRModule with = m.withAttr(BUDGET, new Budget(7, "me"));
        assertEquals(new Budget(7, "me"), with.attr(BUDGET).orElseThrow());
        assertEquals(new Budget(7, "me"), with.with("other", with.main()).attr(BUDGET).orElseThrow());
        assertFalse(StructuralEqual.equal(m, with), "module attributes take part in structural equality");
    }

    @Test
    void attributesPrintAfterTheVersionAndParseBack() {
        IRModule m = small().withAttr(BUDGET, new Budget(2048, "pool"));
        String text = Printer.print(m);
        assertTrue(text.startsWith("#[version = \"pimllm-ir/1\"]\n#[attributes = {test.budget={units=2048, owner=\"pool\"}}]\n"), text);
        IRModule back = Parser.parse(text);
        assertEquals(new Budget(2048, "pool"), back.attr(BUDGET).orElseThrow());
        assertTrue(StructuralEqual.equal(m, back));
        assertEquals(text, Printer.print(back));
    }

    @Test
    void moduleWithoutAttributesPrintsNoAttributeLine() {
        assertFalse(Printer.print(small()).contains("#[attributes"));
    }

    @Test
    void unknownAttributeIsAParseErrorNamingTheDefinedOnes() {
        ParseException e = assertThrows(ParseException.class, () -> Parser.parse(
                "#[attributes = {test.nope={units=1}}]\ndef @main(%x: float32) { %x }"));
        assertTrue(e.getMessage().contains("unknown module attribute 'test.nope'") && e.getMessage().contains("test.budget"),
                e.getMessage());
    }

    @Test
    void badAttributeValueIsAParseErrorAtItsPosition() {
        ParseException e = assertThrows(ParseException.class, () -> Parser.parse(
                "#[attributes = {test.budget={units=\"many\"}}]\ndef @main(%x: float32) { %x }"));
        assertTrue(e.getMessage().contains("module attribute test.budget attribute units: expected an integer"), e.getMessage());
    }

    @Test
    void valueOfTheWrongTypeIsRejected() {
        record Other(int n) implements Attrs {
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new IRModule(small().functions(), java.util.Map.of("test.budget", new Other(1))));
        assertEquals("module attribute test.budget holds Budget, got Other", e.getMessage());
    }
}
