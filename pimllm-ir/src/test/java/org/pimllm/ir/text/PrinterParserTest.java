package org.pimllm.ir.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pimllm.ir.Builder;
import org.pimllm.ir.Constant;
import org.pimllm.ir.DType;
import org.pimllm.ir.Expr;
import org.pimllm.ir.Function;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.StructuralEqual;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.TensorType;
import org.pimllm.ir.Var;
import org.pimllm.ir.attrs.RopeAttrs;

class PrinterParserTest {

    private final Builder b = new Builder(11);

    private static void assertRoundTrip(IRModule m) {
        String text = Printer.print(m);
        IRModule back = Parser.parse(text);
        assertTrue(StructuralEqual.equal(m, back), () -> StructuralEqual.mismatch(m, back).orElse("") + "\n" + text);
        assertEquals(text, Printer.print(back), "printing is stable");
    }

    @Test
    void sharedScalarKeepsItsSharingThroughTheText() {
        Var x = b.var("x", DType.FP32, 4);
        Constant half = b.scalar(0.5f);
        IRModule m = b.module(b.function(b.add(b.multiply(x, half), b.multiply(b.exp(x), half)), x));
        String text = Printer.print(m);
        assertTrue(text.contains("meta[Constant][0]") && !text.contains("0.5f,") , text);
        assertRoundTrip(m);
        // A scalar used once stays an inline literal.
        IRModule single = b.module(b.function(b.multiply(x, b.scalar(0.25f)), x));
        assertTrue(Printer.print(single).contains("0.25f"), Printer.print(single));
        assertRoundTrip(single);
    }

    @Test
    void denseListingLooksLikeRelay() {
        Var x = b.var("x", DType.FP32, 128, 768);
        Var w = b.var("w", DType.FP32, 768, 768);
        IRModule m = b.module(b.function(b.relu(b.dense(x, w, new org.pimllm.ir.attrs.DenseAttrs(768, null))), x, w));
        String expected = """
                #[version = "pimllm-ir/1"]
                def @main(%x: Tensor[(128, 768), float32], %w: Tensor[(768, 768), float32]) -> Tensor[(128, 768), float32] {
                  %0 = nn.dense(%x, %w, units=768) /* ty=Tensor[(128, 768), float32] */;
                  nn.relu(%0) /* ty=Tensor[(128, 768), float32] */
                }

                """;
        assertEquals(expected, Printer.print(m));
        assertRoundTrip(m);
    }

    @Test
    void constantsGoToMetadataScalarsInline() {
        Var x = b.var("x", DType.FP32, 2, 3);
        Constant data = b.constant(Tensor.ofFloats(new float[] {1, -2.5f, 3e-7f, Float.NaN, Float.POSITIVE_INFINITY, 0}, 2, 3), "bias");
        Constant syn = b.weight("w", 4, 3);
        Expr e = b.dense(b.add(b.multiply(x, b.scalar(0.125f)), data), syn);
        Expr ids = b.add(b.arange(0, 4, 1, DType.INT64), b.scalar(DType.INT64, 3));
        IRModule m = b.module(b.function(b.tuple(e, ids, b.add(e, e)), x));
        String text = Printer.print(m);
        assertTrue(text.contains("multiply(%x, 0.125f)"), text);
        assertTrue(text.contains("add(%0, meta[Constant][0] /* bias */)"), text);
        assertTrue(text.contains("3i64"), text);
        assertTrue(text.contains("meta[Constant][0] = tensor(Tensor[(2, 3), float32], [1.0, -2.5, 3.0E-7, nan, inf, 0.0], name=\"bias\");"), text);
        assertTrue(text.contains("meta[Constant][1] = synthetic(Tensor[(4, 3), float32], normal, seed="), text);
        assertRoundTrip(m);
    }

    @Test
    void allDtypesRoundTrip() {
        Var x = b.var("x", DType.FP32, 3);
        List<Expr> fields = new java.util.ArrayList<>();
        for (DType d : DType.values()) {
            Tensor t = Tensor.fromDoubles(d, new double[] {1, 0, d.isFloat() ? -0.333 : 2}, 3);
            fields.add(b.constant(t));
            fields.add(b.constant(Tensor.scalar(d, 1)));
        }
        fields.add(b.constant(Tensor.fromDoubles(DType.FP16, new double[] {Double.NaN, 65504, Double.NEGATIVE_INFINITY}, 3)));
        fields.add(x);
        assertRoundTrip(b.module(b.function(b.tuple(fields.toArray(Expr[]::new)), x)));
    }

    @Test
    void bertLayerRoundTrips() {
        IRModule m = b.module(org.pimllm.ir.TestModels.bertLayer(b, 16, 32, 4));
        assertRoundTrip(m);
        assertTrue(Printer.print(m, PrintOptions.SUMMARY).contains("constant(s) elided"));
    }

    @Test
    void attributesOfEveryKindRoundTrip() {
        Var q = b.var("q", DType.FP32, 8, 4, 16);
        Expr r = b.rotaryEmbedding(q, new RopeAttrs(500000.0, 3, -3, RopeAttrs.Style.INTERLEAVED, 8));
        Expr s = b.stridedSlice(r, List.of(1, -1), List.of(Integer.MAX_VALUE, -9), List.of(2, -1), List.of(0, 2));
        Expr c = b.causalMask(b.reshape(s, 4, -1), Double.NEGATIVE_INFINITY, 2);
        Expr g = b.geluTanh(b.cast(c, DType.BF16));
        Var x8 = b.var("x8", DType.INT8, 4, 8);
        Expr acc = b.denseInt8(x8, b.weight("w8", TensorType.of(DType.INT8, 6, 8), org.pimllm.ir.TensorSource.Distribution.UNIFORM, 127));
        Expr rq = b.requantize(acc, b.scalar(0.5f), b.scalar(DType.INT32, 0), b.scalar(0.25f), b.scalar(DType.INT32, 1), DType.UINT8, -1);
        IRModule m = b.module(b.function(b.tuple(g, rq, b.squeeze(b.expandDims(c, 0)), b.split(c, 2, 0)), q, x8));
        String text = Printer.print(m);
        assertTrue(text.contains("style=interleaved"), text);
        assertTrue(text.contains("fill_value=-inf"), text);
        assertTrue(text.contains("approximate=tanh"), text);
        assertRoundTrip(m);
    }

    @Test
    void nestedFunctionsAndAttrsRoundTrip() {
        Var x = b.var("x", DType.FP32, 4);
        Var y = b.var("y", DType.FP32, 4);
        Expr outer = b.exp(x);
        Function inner = new Function(List.of(y), b.add(b.add(y, outer), b.negative(y)), null, Map.of("Composite", "add2"));
        IRModule m = b.module(b.function(b.tuple(inner, outer), x)).with("helper", b.function(b.sqrt(y), y));
        assertRoundTrip(m);
    }

    @Test
    void lazyConstantsKeepTheirKeyAndUseTheResolver() {
        TensorType ty = TensorType.of(DType.FP32, 2);
        Constant lazy = new Constant(ty, new org.pimllm.ir.TensorSource.Lazy("file:w", () -> Tensor.ofFloats(new float[] {1, 2}, 2)), "w");
        Var x = b.var("x", DType.FP32, 2);
        IRModule m = b.module(b.function(b.add(x, lazy), x));
        assertRoundTrip(m);
        IRModule back = Parser.parse(Printer.print(m), key -> () -> Tensor.ofFloats(new float[] {5, 6}, 2));
        Constant c = (Constant) ((org.pimllm.ir.Call) back.main().body()).arg(1);
        assertEquals(6f, c.data().floats()[1]);
        Constant noLoader = (Constant) ((org.pimllm.ir.Call) Parser.parse(Printer.print(m)).main().body()).arg(1);
        assertThrows(IllegalStateException.class, noLoader::data);
    }

    @Test
    void handWrittenTextWithRelayShorthands() {
        String text = """
                // a hand-written module
                def @main(%x: Tensor[(2, 3), float32], %s: float32) {
                  %t = (%x, %s,);
                  %m = multiply(%t.0, %t.1);
                  nn.softmax(%m, axis=0)
                }
                """;
        IRModule m = Parser.parse(text);
        assertEquals(TensorType.of(DType.FP32, 2, 3), m.main().retType());
    }

    private static ParseException parseError(String text) {
        return assertThrows(ParseException.class, () -> Parser.parse(text));
    }

    @Test
    void errorsCarryPositionAndExpectation() {
        ParseException e = parseError("def @main(%x: Tensor[(2, 3), float32]) {\n  nn.softmax(%x, axis=0\n}");
        assertEquals(3, e.line());
        assertEquals(1, e.column());
        assertTrue(e.getMessage().contains("expected ')' or ','"), e.getMessage());

        e = parseError("def @main(%x: Tensor[(2, 3), float32], %w: Tensor[(3, 2), float32]) {\n  nn.dense(%x, %w)\n}");
        assertEquals(2, e.line());
        assertEquals(3, e.column());
        assertTrue(e.getMessage().contains("nn.dense") && e.getMessage().contains("reduction dimensions"), e.getMessage());

        e = parseError("def @main(%x: Tensor[(2, 3), float32]) {\n  add(%x, %y)\n}");
        assertEquals(2, e.line());
        assertEquals(11, e.column());
        assertTrue(e.getMessage().contains("%y is not defined"), e.getMessage());

        e = parseError("def @main(%x: Tensor[(2, 3), flaot32]) { %x }");
        assertTrue(e.getMessage().contains("unknown dtype 'flaot32'"), e.getMessage());

        e = parseError("def @main(%x: float32) { nn.softmx(%x) }");
        assertTrue(e.getMessage().contains("unknown op 'nn.softmx'") && e.getMessage().contains("nn.softmax"), e.getMessage());

        e = parseError("def @main(%x: float32) { nn.softmax(%x, axes=0) }");
        assertTrue(e.getMessage().contains("has no attribute 'axes'"), e.getMessage());

        e = parseError("def @main(%x: Tensor[(4), float32]) { reshape(%x) }");
        assertTrue(e.getMessage().contains("needs attribute 'shape'"), e.getMessage());

        e = parseError("def @main(%x: Tensor[(4), float32]) { nn.softmax(%x, axis=1.5) }");
        assertTrue(e.getMessage().contains("expected an integer but found number 1.5"), e.getMessage());

        e = parseError("def @main(%x: float32) -> int8 { %x }");
        assertTrue(e.getMessage().contains("declares return type"), e.getMessage());

        e = parseError("def @main(%x: float32) { add(%x, meta[Constant][0]) }");
        assertTrue(e.getMessage().contains("meta[Constant][0] is not defined"), e.getMessage());

        e = parseError("def @main(%x: float32) { %x }\n#[metadata]\nmeta[Constant][0] = tensor(Tensor[(3), int8], [1, 2, 300]);");
        assertTrue(e.getMessage().contains("300 does not fit int8"), e.getMessage());
        assertEquals(3, e.line());

        e = parseError("def @main(%x: float32) { %x }\n#[metadata]\nmeta[Constant][0] = tensor(Tensor[(100000, 100000), int8], [1]);");
        assertTrue(e.getMessage().contains("1 values are given"), e.getMessage());

        e = parseError("def @main(%x: float32) { %x /* unterminated }");
        assertTrue(e.getMessage().contains("unterminated comment"), e.getMessage());

        e = parseError("(".repeat(5000));
        assertTrue(e.getMessage().contains("expected 'def'"), e.getMessage());
        e = parseError("def @main(%x: float32) { " + "(".repeat(5000) + " }");
        assertTrue(e.getMessage().contains("nesting deeper"), e.getMessage());
    }

    /**
     * LISTING, the form the CLI prints: synthetic weights as one-line descriptors (seed, distribution, scale), so the
     * listing parses back to the same module; only materialized data over 64 elements is elided, and loading such a
     * listing names the elided entry.
     */
    @Test
    void listingKeepsSyntheticWeightsAndElidesOnlyBigMaterializedData() {
        Var x = b.var("x", DType.FP32, 4, 256);
        Constant w = b.weight("w", 256, 256);                     // synthetic: 65536 elements, one line
        Constant bias = b.constant(Tensor.ofFloats(new float[] {1, 2, 3, 4}, 4, 1), "bias"); // small: printed
        IRModule m = b.module(b.function(b.add(b.dense(x, w, new org.pimllm.ir.attrs.DenseAttrs(256, null)),
                b.constant(Tensor.ofFloats(new float[256], 1, 256), "zeros")), x));
        String text = Printer.print(m, PrintOptions.LISTING);
        assertTrue(text.contains("= synthetic(Tensor[(256, 256), float32], "), text);
        assertTrue(text.contains("= elided(Tensor[(1, 256), float32], name=\"zeros\");"), text);
        ParseException e = assertThrows(ParseException.class, () -> Parser.parse(text));
        assertTrue(e.getMessage().contains("printed without its data"), e.getMessage());

        IRModule small = b.module(b.function(b.add(b.dense(x, w, new org.pimllm.ir.attrs.DenseAttrs(256, null)), bias), x));
        String listing = Printer.print(small, PrintOptions.LISTING);
        assertTrue(listing.contains("tensor(Tensor[(4, 1), float32], [1.0, 2.0, 3.0, 4.0], name=\"bias\")"), listing);
        IRModule back = Parser.parse(listing);
        assertTrue(StructuralEqual.equal(small, back), listing);
        assertEquals(listing, Printer.print(back, PrintOptions.LISTING));
    }
}
