package org.pimllm.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pimllm.ir.Call;
import org.pimllm.ir.IRModule;
import org.pimllm.passes.SharedResidency;
import org.pimllm.pgemm.TilingPlan;
import org.pimllm.target.PimGemmAttrs;
import org.pimllm.target.PimModule;

/** The prefill of pimllm uses the decode steps' resident weights: the same B cut, resident, no weight pushes in TTFT. */
class GeneratorSharedResidencyTest {

    private static final CompileOptions PIMLLM = GeneratorTest.onPim(CompileOptions.variant("pimllm").withActivationAbsMax(6.0));

    @Test
    void prefillPlansCutBAsTheDecodePlansAndKeepItResident() {
        Generator g = new Generator(GeneratorTest.graphs(GeneratorTest.model("llama")), GeneratorTest.TARGET, PIMLLM);
        var graphs = GeneratorTest.graphs(GeneratorTest.model("llama"));
        CompileOptions dec = new CompileOptions("pimllm+res", PIMLLM.precision(), PIMLLM.activationAbsMax(), PIMLLM.mode(),
                PIMLLM.disabledPasses(), PIMLLM.optLevel(), false, PIMLLM.floatGemms());
        IRModule step = g.decodePipeline(dec, 8, 2).run(graphs.decode(8), GeneratorTest.TARGET, dec);
        SharedResidency shared = SharedResidency.of(step);
        assertFalse(shared.isEmpty());
        IRModule prefill = g.prefillPipeline(PIMLLM, shared).run(graphs.prefill(8), GeneratorTest.TARGET, PIMLLM);
        int matched = 0;
        for (Call c : PimModule.pimGemms(prefill)) {
            TilingPlan want = shared.planFor(c.arg(1));
            if (want == null) continue;
            PimGemmAttrs a = c.attrs(PimGemmAttrs.class);
            TilingPlan got = a.plan();
            assertEquals(8, got.shape().m(), "the prefill's M");
            assertEquals(1, got.partition().fM());
            assertEquals(want.partition().fB(), got.partition().fB());
            assertEquals(want.partition().fK(), got.partition().fK());
            assertEquals(want.partition().fN(), got.partition().fN());
            assertEquals(want.kernel().tileK(), got.kernel().tileK());
            assertEquals(want.slice().bBytes(), got.slice().bBytes(), "the same B slice per DPU");
            assertTrue(a.resident(), a.name());
            matched++;
        }
        assertTrue(matched > 0, "the prefill runs some shared weights on PIM");
    }

    @Test
    void sharingTheResidentWeightsTakesTheWeightPushesOutOfTtft() {
        var graphs = GeneratorTest.graphs(GeneratorTest.model("llama"));
        Generator g = new Generator(graphs, GeneratorTest.TARGET, PIMLLM);
        Generator.Result shared = g.simulate(8, 3, 2);
        Generator.Result pushed = g.withSharedResidency(false).simulate(8, 3, 2);
        assertTrue(shared.ttftSeconds() < pushed.ttftSeconds(), shared.ttftSeconds() + " vs " + pushed.ttftSeconds());
        assertEquals(pushed.stepSeconds(), shared.stepSeconds(), "the decode steps do not change");
        assertTrue(shared.oneTimeSeconds() > 0);
    }

    /** Every decode step keeps the first step's resident weights with their B cut: one copy for the whole run. */
    @Test
    void laterDecodeStepsKeepTheFirstStepsResidentWeights() {
        var graphs = GeneratorTest.graphs(GeneratorTest.model("gpt2"));
        Generator g = new Generator(graphs, GeneratorTest.TARGET, PIMLLM);
        CompileOptions dec = new CompileOptions("pimllm+res", PIMLLM.precision(), PIMLLM.activationAbsMax(), PIMLLM.mode(),
                PIMLLM.disabledPasses(), PIMLLM.optLevel(), false, PIMLLM.floatGemms());
        SharedResidency first = SharedResidency.of(g.decodePipeline(dec, 8, 40).run(graphs.decode(8), GeneratorTest.TARGET, dec));
        IRModule later = g.decodePipeline(dec, 8, 40, first).run(graphs.decode(47), GeneratorTest.TARGET, dec);
        SharedResidency again = SharedResidency.of(later);
        assertEquals(first.plans().keySet(), again.plans().keySet(), "the same weights resident");
        first.plans().forEach((w, p) -> {
            TilingPlan q = again.plans().get(w);
            assertEquals(p.partition(), q.partition(), w);
            assertEquals(p.kernel().tileK(), q.kernel().tileK(), w);
        });
    }
}
