package org.pimllm.passes;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pimllm.ir.Builder;
import org.pimllm.ir.DType;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.StructuralEqual;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.Var;
import org.pimllm.ir.text.Parser;
import org.pimllm.ir.text.Printer;
import org.pimllm.passes.eval.DerivedConstants;

class DerivedConstantsTest {

    @Test
    void derivedLazyConstantsParseBackWithTheirData() {
        Builder b = new Builder(21);
        Var x = b.var("x", DType.FP32, 3, 8);
        IRModule m = b.module(b.function(b.gelu(b.matmul(x, b.weight("c_fc.weight", 8, 12))), x));
        IRModule compiled = Sequential.of(QuantizeInt8.pass(QuantizeInt8.Config.ranges(2.0)), CommonSubexpressionElimination.pass(),
                AdjustLayout.pass(), FoldConstant.pass()).run(m, PassContext.defaults());
        String text = Printer.print(compiled);
        assertTrue(text.contains("lazy("), text);
        IRModule back = Parser.parse(text, DerivedConstants.resolver(Parser.NO_LOADERS));
        // scalars print inline, so a scalar CSE shared comes back as two nodes: compare as trees
        assertTrue(StructuralEqual.equalIgnoringSharing(compiled.main(), back.main()), text);
        Tensor in = Tensor.ofFloats(new float[24], 3, 8);
        for (int i = 0; i < 24; i++) in.floats()[i] = (float) Math.sin(3 * i);
        Tensor y0 = GraphInterpreter.run(compiled.main(), Map.of("x", in));
        Tensor y1 = GraphInterpreter.run(back.main(), Map.of("x", in));
        assertTrue(y0.contentEquals(y1), y0 + " vs " + y1);
    }
}
