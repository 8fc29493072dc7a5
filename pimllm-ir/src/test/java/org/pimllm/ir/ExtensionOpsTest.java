package org.pimllm.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pimllm.ir.eval.Interpreter;
import org.pimllm.ir.eval.Value;
import org.pimllm.ir.text.Parser;
import org.pimllm.ir.text.Printer;

/**
 * An op defined outside the IR (as pimllm-passes defines pim.gemm): registered through the
 * OpLibrary service entry in src/test/resources, with a nested-record attribute, a type relation
 * and a compute function; the parser knows it without the test touching the class first.
 */
class ExtensionOpsTest {

    /** A nested record attribute, like PimGemmAttrs' TilingPlan. */
    public record Plan(String strategy, List<Integer> factors, Mode mode) {
    }

    public enum Mode { FAST, EXACT }

    public record ScaleAttrs(double factor, Plan plan) implements Attrs {
    }

    /** The library the service entry names. */
    public static final class TestOps implements OpLibrary {
        public static final Op SCALE = Op.define("test.scale").args("data")
                .attrs(ScaleAttrs.class, null).relation((r, a) -> r.floatTensor(0))
                .pattern(OpPattern.ELEMWISE).describe("data * factor (test extension op)")
                .compute((call, args, kernels) -> {
                    Tensor in = args.get(0);
                    Tensor out = Tensor.zeros(in.type());
                    double f = call.attrs(ScaleAttrs.class).factor();
                    for (int i = 0; i < in.size(); i++) out.setDouble(i, in.getDouble(i) * f);
                    return Value.of(out);
                }).register();

        @Override
        public List<Op> ops() { return List.of(SCALE); }
    }

    @Test
    void parserFindsServiceLoadedOpsAndNestedAttributesRoundTrip() {
        String text = """
                def @main(%x: Tensor[(3), float32]) {
                  test.scale(%x, factor=2.5, plan={strategy="ktile", factors=[1, 4], mode=exact})
                }
                """;
        IRModule m = Parser.parse(text);
        Call c = (Call) m.main().body();
        assertEquals(new ScaleAttrs(2.5, new Plan("ktile", List.of(1, 4), Mode.EXACT)), c.attrs());
        String printed = Printer.print(m);
        assertTrue(printed.contains("test.scale(%x, factor=2.5, plan={strategy=\"ktile\", factors=[1, 4], mode=exact})"), printed);
        assertTrue(StructuralEqual.equal(m, Parser.parse(printed)));
        Tensor out = Interpreter.eval(new Builder().call(TestOps.SCALE, c.attrs(),
                Constant.of(Tensor.ofFloats(new float[] {1, 2, 3}, 3))), Map.of()).tensor();
        assertEquals(7.5f, out.floats()[2]);
    }
}
