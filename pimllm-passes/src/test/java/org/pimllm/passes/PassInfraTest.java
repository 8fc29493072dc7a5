package org.pimllm.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pimllm.ir.Builder;
import org.pimllm.ir.DType;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.StructuralEqual;
import org.pimllm.ir.Var;
import org.pimllm.ir.text.Parser;

class PassInfraTest {

    private static IRModule small() {
        Builder b = new Builder(1);
        Var x = b.var("x", DType.FP32, 2, 3);
        return b.module(b.function(b.relu(b.add(x, b.scalar(1f))), x));
    }

    /** A pass that records its name when it runs and returns the module unchanged. */
    private static Pass recording(String name, int level, List<String> log, String... required) {
        return Pass.module(name, level, List.of(required), (m, ctx) -> {
            log.add(name);
            return m;
        });
    }

    @Test
    void optLevelAndDisabledPassesAreSkipped() {
        List<String> log = new ArrayList<>();
        Sequential seq = Sequential.of(recording("A", 0, log), recording("B", 2, log), recording("C", 1, log));
        PassContext ctx = PassContext.builder().optLevel(1).build();
        seq.run(small(), ctx);
        assertEquals(List.of("A", "C"), log);
        log.clear();
        PassContext off = PassContext.builder().disable(FoldConstant.NAME).build();
        IRModule m = small();
        assertSame(m, off.run(FoldConstant.pass(), m), "a disabled pass returns its input");
    }

    @Test
    void requiredPassesRunFirstUnlessTheyAlreadyRan() {
        List<String> log = new ArrayList<>();
        PassTiming timing = new PassTiming();
        PassContext ctx = PassContext.builder().instrument(timing).build();
        // LowerToPgemm-like: requires InferType, which is resolved from the registry
        Pass p = recording("Needy", 0, log, InferType.NAME);
        Sequential.of(p).run(small(), ctx);
        assertEquals(List.of("InferType", "Needy"), timing.entries().stream().map(PassTiming.Entry::pass).toList());
        PassTiming t2 = new PassTiming();
        Sequential.of(InferType.pass(), p).run(small(), PassContext.builder().instrument(t2).build());
        assertEquals(List.of("InferType", "Needy"), t2.entries().stream().map(PassTiming.Entry::pass).toList());
    }

    @Test
    void aPassWhoseRequirementIsDisabledIsSkipped() {
        List<String> log = new ArrayList<>();
        PassTiming timing = new PassTiming();
        PassContext ctx = PassContext.builder().disable(LowerToPgemm.NAME).instrument(timing).build();
        Sequential.of(recording("After", 0, log, LowerToPgemm.NAME)).run(small(), ctx);
        assertTrue(log.isEmpty());
        assertEquals("requires LowerToPgemm, which is disabled", timing.entries().getFirst().skipped());
        assertTrue(timing.report().contains("skipped (requires LowerToPgemm"), timing.report());
    }

    @Test
    void unknownPassNamesAreRejectedWithTheKnownNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PassContext.builder().disable("FoldConstants"));
        assertTrue(e.getMessage().contains("unknown pass 'FoldConstants'"), e.getMessage());
        assertTrue(e.getMessage().contains("FoldConstant,"), e.getMessage());
    }

    @Test
    void irDumpsAreWrittenBeforeAndAfterEachPassAndParseBack(@TempDir Path dir) throws Exception {
        IrDump dump = new IrDump(dir, true, true);
        IRModule m = small();
        IRModule out = Sequential.of(InferType.pass(), FoldConstant.pass())
                .run(m, PassContext.builder().instrument(dump).build());
        List<String> names = dump.written().stream().map(p -> p.getFileName().toString()).toList();
        assertEquals(List.of("01-InferType.before.relay", "01-InferType.after.relay",
                "02-FoldConstant.before.relay", "02-FoldConstant.after.relay"), names);
        IRModule parsed = Parser.parse(Files.readString(dir.resolve("02-FoldConstant.after.relay")));
        assertTrue(StructuralEqual.equal(out, parsed));
    }

    @Test
    void timingReportsEveryPassThatRan() {
        PassTiming timing = new PassTiming();
        Sequential.of(InferType.pass(), DeadCodeElimination.pass())
                .run(small(), PassContext.builder().instrument(timing).build());
        assertEquals(2, timing.entries().size());
        assertTrue(timing.entries().stream().allMatch(e -> e.ran() && e.millis() >= 0));
    }
}
