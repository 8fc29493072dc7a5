package org.pimllm.benchmarks.e2e;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Tensor;
import org.pimllm.models.zoo.ModelConfig;
import org.pimllm.models.zoo.ModelStats;
import org.pimllm.models.zoo.ModelZoo;
import org.pimllm.driver.CompileOptions;
import org.pimllm.runtime.CompiledModule;
import org.pimllm.driver.PimLlm;
import org.pimllm.runtime.ReferenceExecutor;
import org.pimllm.runtime.RunReport;
import org.pimllm.runtime.RunResult;
import org.pimllm.target.Target;
import org.pimllm.runtime.TimeCategory;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.sim.Mode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The paper's end-to-end evaluation: every (model, seq, dpus, variant) compiled with {@link PimLlm} and run once;
 * simulated time per inference from the simulator and the host-CPU model, one-time costs apart.
 */
public final class EndToEnd {

    private static final Logger LOG = LoggerFactory.getLogger(EndToEnd.class);
    /** --functional materializes every weight; beyond this int8 footprint it would not fit a test machine's heap. */
    public static final long FUNCTIONAL_WEIGHT_LIMIT_BYTES = 200L << 20;

    private EndToEnd() {
    }

    /** Results: one record per run, and the run reports of the first (model, seq, dpus) for the trace. */
    public record Results(BenchConfig config, List<BenchRecord> records, Map<String, RunReport> traced) {
    }

    /**
     * A model the benchmark can run: its name in the tables, its IR module for a sequence length (batch 1), sample
     * inputs for --functional, and the precision it is compiled with.
     *
     * @param precision INT8 (static ranges, the zoo's default) or INT8_DYNAMIC quantizes an fp32 graph; AS_BUILT keeps
     *                  a graph that is already quantized
     */
    public record NamedModel(String name, IntFunction<IRModule> build, IntFunction<Map<String, Tensor>> sampleInputs,
                             CompileOptions.Precision precision) {

        /** A zoo model, built fp32 and quantized to int8 at compile time with static activation ranges. */
        public static NamedModel zoo(String name) {
            return zoo(name, CompileOptions.Precision.INT8);
        }

        /** A zoo model, built fp32 and compiled at {@code precision}. */
        public static NamedModel zoo(String name, CompileOptions.Precision precision) {
            ModelConfig model = ModelZoo.get(name);
            return new NamedModel(model.name(), seq -> ModelZoo.build(model, seq), seq -> ModelZoo.sampleInputs(model, seq, 1),
                    precision);
        }
    }

    /** Checks the preset, the DPU counts and the model names, so a bad configuration fails before any work. */
    public static HardwareConfig validate(BenchConfig cfg) {
        HardwareConfig hw = validateTarget(cfg);
        cfg.models().forEach(ModelZoo::get);
        return hw;
    }

    /** Checks the preset and the DPU counts only (for models that are not in the zoo). */
    public static HardwareConfig validateTarget(BenchConfig cfg) {
        HardwareConfig hw = HardwareConfig.presetOrFile(cfg.hw());
        for (int d : cfg.dpus()) new Target(hw, d);
        return hw;
    }

    /** Runs the benchmark on the zoo models named in {@code cfg}; {@code onRunDone} is called after every run (progress). */
    public static Results run(BenchConfig cfg, Consumer<BenchRecord> onRunDone) {
        validate(cfg);
        return run(cfg, cfg.models().stream().map(NamedModel::zoo).toList(), onRunDone);
    }

    /** Runs the benchmark on {@code models}, whose names must be {@code cfg.models()} in that order. */
    public static Results run(BenchConfig cfg, List<NamedModel> models, Consumer<BenchRecord> onRunDone) {
        return run(cfg, models, MeasuredCpu.Settings.DEFAULT, onRunDone);
    }

    /** As {@link #run(BenchConfig, List, Consumer)}, with the repetitions of cpu-measured runs. */
    public static Results run(BenchConfig cfg, List<NamedModel> models, MeasuredCpu.Settings measured,
                              Consumer<BenchRecord> onRunDone) {
        if (!models.stream().map(NamedModel::name).toList().equals(cfg.models())) {
            throw new IllegalArgumentException("the benchmark's model names " + cfg.models() + " do not match the models given");
        }
        HardwareConfig hw = validateTarget(cfg);
        List<BenchRecord> out = new ArrayList<>();
        Map<String, RunReport> traced = new LinkedHashMap<>();
        for (NamedModel model : models) {
            for (int seq : cfg.seqs()) {
                IRModule graph = model.build().apply(seq);
                if (cfg.functional()) checkFunctionalSize(model.name(), graph);
                boolean realData = cfg.functional() || cfg.variants().contains(MeasuredCpu.VARIANT);
                Map<String, Tensor> inputs = realData ? model.sampleInputs().apply(seq) : Map.of();
                // the reference graph (cpu pipeline: type inference, folding, quantization) does not depend on the
                // DPU count, so one reference run serves every DPU count of this (model, seq)
                Tensor expected = null;
                BenchRecord measuredOnce = null;
                for (int dpus : cfg.dpus()) {
                    Target target = new Target(hw, dpus);
                    for (String variant : cfg.variants()) {
                        if (variant.equals(MeasuredCpu.VARIANT)) {
                            if (cfg.functional() && expected == null) {
                                expected = new ReferenceExecutor().runTensor(PimLlm.referenceGraph(graph, target,
                                        CompileOptions.variant("cpu").withPrecision(model.precision()).withMode(Mode.FUNCTIONAL)
                                                .withFloatGemms(cfg.floatGemms())), inputs);
                            }
                            // the CPU path uses no DPU: measured once per (model, seq), the same record for every --dpus
                            BenchRecord rec = measuredOnce != null ? measuredOnce.withDpus(dpus)
                                    : MeasuredCpu.measure(model.name(), seq, dpus, graph, inputs, model.precision(),
                                            target, measured, cfg.functional() ? expected : null);
                            measuredOnce = rec;
                            LOG.debug("{} seq {} cpu-measured: {} ms on this machine", model.name(), seq, rec.totalMs());
                            out.add(rec);
                            onRunDone.accept(rec);
                            continue;
                        }
                        CompileOptions opts = CompileOptions.variant(variant).withPrecision(model.precision())
                                .withMode(cfg.functional() ? Mode.FUNCTIONAL : Mode.TIMING_ONLY)
                                .withMeasureHost(cfg.measureHost()).withFloatGemms(cfg.floatGemms());
                        if (cfg.functional() && expected == null) {
                            expected = new ReferenceExecutor().runTensor(PimLlm.referenceGraph(graph, target, opts), inputs);
                        }
                        long t0 = System.nanoTime();
                        BenchRecord rec;
                        try (CompiledModule m = PimLlm.compile(graph, target, opts)) {
                            double compileSeconds = (System.nanoTime() - t0) * 1e-9;
                            RunResult r = m.run(inputs);
                            String check = null;
                            if (cfg.functional()) check = expected.contentEquals(r.output()) ? "exact" : "MISMATCH";
                            rec = record(model.name(), seq, dpus, variant, r.report(), compileSeconds, check);
                            if (out.size() < cfg.variants().size()) traced.put(variant, r.report()); // the first (model, seq, dpus)
                        }
                        LOG.debug("{} seq {} {} DPUs {}: {} ms", model.name(), seq, dpus, variant, rec.totalMs());
                        out.add(rec);
                        onRunDone.accept(rec);
                    }
                }
            }
        }
        return new Results(cfg, out, traced);
    }

    private static void checkFunctionalSize(String model, IRModule graph) {
        ModelStats s = ModelZoo.stats(graph);
        if (s.int8WeightBytes() > FUNCTIONAL_WEIGHT_LIMIT_BYTES) {
            throw new IllegalArgumentException(String.format("--functional runs real data: %s has %.0f MiB of int8 weights"
                    + " (plus their fp32 originals), more than the %d MiB this check allows; use smaller models"
                    + " (bert-tiny, bert-mini, bert-small, bert-medium) or drop --functional",
                    model, s.int8WeightBytes() / 1048576.0, FUNCTIONAL_WEIGHT_LIMIT_BYTES >> 20));
        }
    }

    static BenchRecord record(String model, int seq, int dpus, String variant, RunReport r, double compileSeconds, String check) {
        Map<String, Double> cats = new LinkedHashMap<>();
        r.byCategory().forEach((k, v) -> cats.put(k.key(), v * 1e3));
        Double measured = Double.isNaN(r.measuredHostSeconds()) ? null : r.measuredHostSeconds() * 1e3;
        return new BenchRecord(model, seq, dpus, variant, r.totalSeconds() * 1e3, cats, r.oneTimeSeconds() * 1e3,
                r.pimGemms(), r.cpuGemms(), compileSeconds, measured, check);
    }

    /** Category keys in table order. */
    static List<String> categoryKeys() {
        return java.util.Arrays.stream(TimeCategory.values()).map(TimeCategory::key).toList();
    }
}
