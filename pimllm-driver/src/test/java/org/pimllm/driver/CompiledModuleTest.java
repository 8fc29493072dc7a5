package org.pimllm.driver;

import org.pimllm.runtime.CompiledModule;
import org.pimllm.runtime.OpRecord;
import org.pimllm.runtime.RunReport;
import org.pimllm.runtime.TimeCategory;
import org.pimllm.target.Target;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pimllm.ir.Builder;
import org.pimllm.ir.Constant;
import org.pimllm.ir.DType;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.TensorSource;
import org.pimllm.ir.TensorType;
import org.pimllm.ir.StructuralEqual;
import org.pimllm.ir.Var;
import org.pimllm.passes.QuantizeInt8;
import org.pimllm.models.zoo.ModelZoo;
import org.pimllm.sim.Mode;

/** Timing-only runs, one-time costs, host-model time and the errors users can cause. */
class CompiledModuleTest {

    private static final Target SMALL = Target.of("upmem-2556-350", 128);

    /** y = dense(x, W) with a weight that fails if anything tries to load it. */
    private static IRModule untouchableWeight() {
        Builder b = new Builder(1);
        Var x = b.var("x", DType.FP32, 16, 256);
        TensorType wt = TensorType.of(DType.FP32, 512, 256);
        Constant w = new Constant(wt, new TensorSource.Lazy("never-loaded", () -> {
            throw new AssertionError("TIMING_ONLY must not materialize weights");
        }), "w");
        return b.module(b.function(b.dense(x, w), x));
    }

    @Test
    void timingOnlyNeverMaterializesWeights() {
        for (String variant : new String[] {"cpu", "naive", "base", "pimllm"}) {
            // AS_BUILT: no quantization pass (it would compute per-channel scales from the weight at compile time)
            CompileOptions o = CompileOptions.variant(variant).withPrecision(CompileOptions.Precision.AS_BUILT);
            try (CompiledModule m = PimLlm.compile(untouchableWeight(), SMALL, o)) {
                RunReport r = m.simulate();
                assertTrue(r.totalSeconds() > 0, variant);
                assertTrue(r.byCategory().values().stream().allMatch(v -> v >= 0));
            }
        }
    }

    @Test
    void unpooledGemmsPayAllocationEveryInferencePooledOnesOnce() {
        IRModule model = ModelZoo.build(ModelZoo.get("bert-tiny"), 16);
        try (CompiledModule naive = PimLlm.compile(model, SMALL, CompileOptions.variant("naive"));
             CompiledModule base = PimLlm.compile(model, SMALL, CompileOptions.variant("base"))) {
            RunReport n = naive.simulate();
            RunReport b = base.simulate();
            assertTrue(n.byCategory().get(TimeCategory.ALLOC) > 0);
            assertTrue(n.oneTime().isEmpty());
            assertEquals(0.0, b.byCategory().get(TimeCategory.ALLOC));
            assertTrue(b.oneTimeByCategory().get(TimeCategory.ALLOC) > 0, "the pool is allocated once");
            // the same GEMMs with the same BaseGEMM plans: the pooled run is faster per inference
            assertEquals(n.pimGemms(), b.pimGemms());
            assertTrue(b.totalSeconds() < n.totalSeconds());
            // a second inference costs the same and adds no one-time work
            assertEquals(b.totalSeconds(), base.simulate().totalSeconds(), 1e-12);
        }
    }

    @Test
    void cpuVariantTimesEveryOpWithTheHostModel() {
        IRModule model = ModelZoo.build(ModelZoo.get("bert-tiny"), 16);
        try (CompiledModule cpu = PimLlm.compile(model, SMALL, CompileOptions.variant("cpu"));
             CompiledModule peak = PimLlm.compile(model, SMALL, CompileOptions.variant("cpu-peak"))) {
            RunReport r = cpu.simulate();
            assertEquals(0, r.pimGemms());
            assertTrue(r.cpuGemms() > 0);
            double sum = r.ops().stream().mapToDouble(OpRecord::totalSeconds).sum();
            assertEquals(r.totalSeconds(), sum, 1e-12, "the timeline is the sum of the ops");
            assertTrue(peak.simulate().totalSeconds() < r.totalSeconds(), "the PEAK profile is the faster host");
        }
    }

    @Test
    void measureHostTimesKernelsOnThisMachine() {
        IRModule model = ModelZoo.build(ModelZoo.get("bert-tiny"), 8);
        try (CompiledModule m = PimLlm.compile(model, SMALL, CompileOptions.variant("cpu").withMeasureHost(true))) {
            RunReport r = m.simulate();
            assertTrue(r.measuredHostSeconds() > 0);
            assertTrue(r.ops().stream().anyMatch(o -> o.measuredHostSeconds() > 0));
        }
    }

    @Test
    void tooManyDpusIsAClearError() {
        var e = assertThrows(IllegalArgumentException.class, () -> Target.of("upmem-2556-350", 4096));
        assertTrue(e.getMessage().contains("has 2556"), e.getMessage());
    }

    @Test
    void functionalRunNeedsItsInputs() {
        IRModule model = ModelZoo.build(ModelZoo.get("bert-tiny"), 8);
        try (CompiledModule m = PimLlm.compile(model, SMALL, CompileOptions.variant("base").withMode(Mode.FUNCTIONAL))) {
            var e = assertThrows(IllegalArgumentException.class, () -> m.run(Map.of()));
            assertTrue(e.getMessage().contains("missing input"), e.getMessage());
        }
    }

    @Test
    void aCallersQuantizationConfigCompilesLikeTheSamePrecisionOption() {
        IRModule model = ModelZoo.build(ModelZoo.get("bert-tiny"), 16);
        CompileOptions int8 = CompileOptions.variant("pimllm").withActivationAbsMax(6.0);
        CompileOptions asBuilt = CompileOptions.variant("pimllm").withPrecision(CompileOptions.Precision.AS_BUILT);
        try (CompiledModule a = PimLlm.compile(model, SMALL, int8);
             CompiledModule b = PimLlm.compile(model, SMALL, asBuilt, QuantizeInt8.Config.ranges(6.0))) {
            assertTrue(StructuralEqual.equal(a.module(), b.module()), () -> StructuralEqual.mismatch(a.module(), b.module()).orElse(""));
            assertEquals(a.simulate().totalSeconds(), b.simulate().totalSeconds());
        }
        var e = assertThrows(IllegalArgumentException.class,
                () -> PimLlm.compile(model, SMALL, int8, QuantizeInt8.Config.ranges(6.0)));
        assertEquals("a QuantizeInt8 configuration replaces the options' precision INT8: compile with precision AS_BUILT",
                e.getMessage());
    }
}
