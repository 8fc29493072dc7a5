package org.pimllm.driver;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.pimllm.ir.Call;
import org.pimllm.ir.Constant;
import org.pimllm.ir.ExprVisitor;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Ops;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.TensorType;
import org.pimllm.passes.KvCachePlacement;
import org.pimllm.passes.Pass;
import org.pimllm.passes.PoolPimResources;
import org.pimllm.passes.ResidentWeights;
import org.pimllm.passes.Sequential;
import org.pimllm.passes.SharedResidency;
import org.pimllm.passes.TileSelect;
import org.pimllm.runtime.CompiledModule;
import org.pimllm.runtime.KvCache;
import org.pimllm.runtime.RunReport;
import org.pimllm.runtime.RunResult;
import org.pimllm.runtime.TimeCategory;
import org.pimllm.sim.Mode;
import org.pimllm.target.PimGemmAttrs;
import org.pimllm.target.PimOps;
import org.pimllm.target.Target;

/**
 * Token generation: prefill the prompt, then one decode step per further token, greedy (argmax) sampling.
 *
 * <p>The graphs come from the caller ({@link Graphs}; the zoo's {@code ModelZoo.buildPrefill/buildDecode}): the
 * prefill graph returns the logits and each layer's K and V; a decode step at position p takes each layer's cache
 * (p rows) as inputs and returns the logits and the new K/V row. <b>Each KV cache lives on the host or in MRAM</b>, as
 * the KvCachePlacement pass decides for PIM decode steps with resident weights ({@link KvCachePlacement.Mode}: host,
 * MRAM or by cost): on the host the generator keeps it as host tensors and the decode graph concatenates it with the
 * new row (a host op charged by the host model); in MRAM the step appends its row and runs attention's GEMVs on the
 * DPUs against it ({@code pim.kv_gemm}), the run's {@link KvCache} keeping it across steps.
 *
 * <p>Variants: the prefill runs {@link #prefillVariant} of the given variant, a decode step {@link #decodeVariant}:
 * {@code pimllm} decodes as the full system, the decode ablation's last step ({@link Pipelines#DECODE_ABLATION}):
 * constant weights placed once in the pool's MRAM (a one-time cost, reported apart from TTFT and per-token time),
 * each step moving only activations and results, calls asynchronous per rank, sibling fusion, host ops at the
 * tuned profile; its prefill uses the same resident copy ({@link #withSharedResidency}). Every constant weight of a
 * resident decode step must be resident; if the model does not fit the DPUs' MRAM that is an error
 * naming the first weight that does not fit and the sizes.
 *
 * <p>Timing: TTFT is the simulated time of the prefill (logits of the last prompt token); each further token
 * costs one decode step, whose time depends on the cache length only through attention and the cache copy.
 * In TIMING_ONLY, {@link #simulate} compiles the decode step at {@code timingSamples} cache lengths spread over
 * the run and interpolates linearly between them (exact when there are no more lengths than samples);
 * {@link #generate} (FUNCTIONAL) compiles and times every step.
 */
public final class Generator {

    /** The graphs of one decoder model (the zoo builds them; the driver does not depend on the models module). */
    public interface Graphs {
        /** Prefill for {@code seq} tokens: main(input_ids) -> (logits (1, seq, vocab), k_0, v_0, ...). */
        IRModule prefill(int seq);

        /** A decode step at position {@code past}: main(input_ids, past_key_0, past_value_0, ...) -> (logits, k_0, v_0, ...). */
        IRModule decode(int past);

        /** The plain full-sequence graph for {@code seq} tokens (main(input_ids) -> logits), the reference without cache. */
        IRModule full(int seq);
    }

    /**
     * Where a decode step's KV caches lived and what their attention cost.
     *
     * @param cacheLength   the step's cache length before its append
     * @param placement     KvCachePlacement's decision ({@code mram 64/64}: caches in MRAM / caches; {@code host} when the
     *                      variant has no MRAM placement)
     * @param kvGemmSeconds simulated seconds of the step's GEMVs against MRAM caches (appends included)
     * @param estimate      the cost model's per-step estimate of attention with every cache on the host and in MRAM at
     *                      the run's mean cache length (KvCachePlacement's {@code kv_estimate}), or null
     */
    public record KvStep(int cacheLength, String placement, double kvGemmSeconds, String estimate) {
    }

    /**
     * One generation run: generated token ids (FUNCTIONAL only, else empty) and simulated times; the decode step's
     * breakdown by category (mean of the timed steps; categories overlap when calls run asynchronously, by
     * {@code stepOverlapSeconds} in all) and the roofline of a token ({@link Roofline}, mean over the steps). The KV
     * caches' placement is reported per compiled step ({@code kvSteps}); {@code kvPlacementSeconds} is the per-request
     * push of the prompt's caches into MRAM, included in the first step's time; {@code kvNote} says why caches stayed
     * on the host although MRAM was cheaper (capacity), or is null.
     */
    public record Result(String variant, int promptLen, int tokens, List<Integer> generated, double ttftSeconds,
                         List<Double> stepSeconds, double oneTimeSeconds, long decodePimGemms, Boolean matchesReference,
                         double maxAbsLogitError, Map<TimeCategory, Double> stepBreakdown, double stepOverlapSeconds,
                         Roofline roofline, List<TimedStep> timedSteps, List<KvStep> kvSteps, double kvPlacementSeconds,
                         String kvNote) {

        public Result(String variant, int promptLen, int tokens, List<Integer> generated, double ttftSeconds,
                      List<Double> stepSeconds, double oneTimeSeconds, long decodePimGemms, Boolean matchesReference,
                      double maxAbsLogitError) {
            this(variant, promptLen, tokens, generated, ttftSeconds, stepSeconds, oneTimeSeconds, decodePimGemms,
                    matchesReference, maxAbsLogitError, Map.of(), 0, null, List.of(), List.of(), 0, null);
        }

        /** The bound of the mean decode step (null without steps or roofline). */
        public Roofline.Bound bound() {
            return roofline == null || stepBreakdown.isEmpty() ? null : roofline.boundOf(stepBreakdown);
        }

        /** Mean simulated seconds of a decode step (0 if only one token is generated). */
        public double secondsPerToken() {
            return stepSeconds.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        }

        /** Decode throughput: tokens per second of the decode steps (0 if none). */
        public double tokensPerSecond() {
            double s = secondsPerToken();
            return s > 0 ? 1 / s : 0;
        }
    }

    /**
     * One decode step that was compiled and simulated (TIMING_ONLY: the sampled cache lengths; FUNCTIONAL: every
     * step), with the bound of its own breakdown ({@link Roofline#boundOf}).
     */
    public record TimedStep(int cacheLength, double seconds, double rooflineSeconds, Roofline.Bound bound) {
    }

    private final Graphs graphs;
    private final Target target;
    private final CompileOptions options;
    private final KvCachePlacement.Mode kvMode;
    private final boolean shareResidency;

    /** A generator whose PIM decode steps place their KV caches by cost ({@link KvCachePlacement.Mode#AUTO}). */
    public Generator(Graphs graphs, Target target, CompileOptions options) {
        this(graphs, target, options, KvCachePlacement.Mode.AUTO);
    }

    /** A generator with the KV caches of PIM decode steps placed as {@code kvMode} says (host, MRAM, or by cost). */
    public Generator(Graphs graphs, Target target, CompileOptions options, KvCachePlacement.Mode kvMode) {
        this(graphs, target, options, kvMode, true);
    }

    private Generator(Graphs graphs, Target target, CompileOptions options, KvCachePlacement.Mode kvMode, boolean shareResidency) {
        this.graphs = Objects.requireNonNull(graphs, "graphs");
        this.target = Objects.requireNonNull(target, "target");
        this.options = Objects.requireNonNull(options, "options");
        this.kvMode = Objects.requireNonNull(kvMode, "kvMode");
        this.shareResidency = shareResidency;
    }

    /**
     * The same generator with the prefill sharing the decode steps' resident weights ({@code true}, the default: one
     * copy placed once, so TTFT pays no weight pushes) or pushing its weights with every call ({@code false}, as the
     * paper's prefill does); only variants that decode with resident weights ({@code pimllm}) are affected.
     */
    public Generator withSharedResidency(boolean on) {
        return new Generator(graphs, target, options, kvMode, on);
    }

    /**
     * The prefill's pipeline: the variant's own, or, when it shares the decode step's resident weights, the decode
     * variant's passes with TileSelect matching the shared weights' B cut and ResidentWeights keeping only those.
     */
    Pipelines.Pipeline prefillPipeline(CompileOptions pre, SharedResidency shared) {
        if (shared.isEmpty()) return PimLlm.pipeline(pre);
        Pipelines.Pipeline p = PimLlm.pipeline(decodeOptionsOf(pre));
        List<Pass> ps = sharing(p, shared);
        // the prefill keeps its own variant's host profile (pimllm: the paper's TVM-CPU host), so the runtime's host
        // model and the placement's cost model agree
        return new Pipelines.Pipeline(p.variant(), new Sequential(p.passes().info().name(), ps), PimLlm.pipeline(pre).hostProfile());
    }

    /**
     * The pipeline's passes with TileSelect and ResidentWeights keeping {@code shared}'s resident weights (their B
     * cut and their residency); the passes as they are when it is empty. A mutable list, for the caller to extend.
     */
    private static List<Pass> sharing(Pipelines.Pipeline p, SharedResidency shared) {
        List<Pass> ps = new ArrayList<>();
        for (Pass x : p.passes().passes()) {
            ps.add(shared.isEmpty() ? x : switch (x.name()) {
                case TileSelect.NAME -> TileSelect.pass(shared);
                case ResidentWeights.NAME -> ResidentWeights.pass(shared);
                default -> x;
            });
        }
        return ps;
    }

    /** True if the prefill should share the decode steps' resident weights. */
    private boolean sharesResidency(int tokens) {
        return shareResidency && tokens > 1 && !decodeVariant(options.variant()).equals(options.variant())
                && PimLlm.pipeline(decodeOptionsOf(options)).passNames().contains(ResidentWeights.NAME);
    }

    /**
     * The decode step's pipeline: the decode variant's, plus KvCachePlacement before PoolPimResources when the variant
     * keeps weights resident (the caches then share the pool's MRAM with them).
     */
    Pipelines.Pipeline decodePipeline(CompileOptions dec, int promptLen, int steps) {
        return decodePipeline(dec, promptLen, steps, SharedResidency.NONE);
    }

    /**
     * {@link #decodePipeline(CompileOptions, int, int)} of a later step: with the first step's resident weights
     * ({@code first}, not empty), TileSelect keeps their B cut and ResidentWeights keeps them, so every step of the run
     * uses the copy placed once (its other choices, e.g. the attention GEMMs' plans at this cache length, stay free).
     */
    Pipelines.Pipeline decodePipeline(CompileOptions dec, int promptLen, int steps, SharedResidency first) {
        Pipelines.Pipeline p = PimLlm.pipeline(dec);
        List<String> names = p.passNames();
        if (!names.contains(ResidentWeights.NAME) || steps < 1) return p;
        List<Pass> ps = sharing(p, first);
        ps.add(names.indexOf(PoolPimResources.NAME), KvCachePlacement.pass(new KvCachePlacement.Config(kvMode, promptLen, steps)));
        return new Pipelines.Pipeline(p.variant(), new Sequential(p.passes().info().name(), ps), p.hostProfile());
    }

    private CompiledModule compileStep(IRModule step, CompileOptions dec, int promptLen, int steps, SharedResidency first) {
        return PimLlm.compile(step, target, dec, decodePipeline(dec, promptLen, steps, first));
    }

    /** True if the decode steps keep weights resident (their variant's pipeline runs ResidentWeights). */
    private boolean decodesResident(int tokens) {
        return tokens > 1 && PimLlm.pipeline(decodeOptionsOf(options)).passNames().contains(ResidentWeights.NAME);
    }

    /** The step's KV decision (the {@code kv_cache} attribute), or "host" if the pipeline has no KV placement. */
    private static String kvDecision(IRModule lowered) {
        return Objects.requireNonNullElse(kvAttr(lowered, KvCachePlacement.ATTR), "host");
    }

    private static String kvNote(IRModule lowered) {
        return kvAttr(lowered, KvCachePlacement.NOTE_ATTR);
    }

    private static String kvAttr(IRModule lowered, String key) {
        var attrs = lowered.main().attrs();
        return attrs == null ? null : attrs.get(key);
    }

    private static double kvSeconds(RunReport r) {
        return r.ops().stream().filter(o -> o.op().equals("pim.kv_gemm"))
                .mapToDouble(o -> o.seconds().values().stream().mapToDouble(Double::doubleValue).sum()).sum();
    }

    /** The past_* inputs of a decode graph, in parameter order (the caches of every layer). */
    private static List<String> cacheNames(IRModule step) {
        return step.main().params().stream().map(v -> v.name()).filter(n -> n.startsWith("past_")).toList();
    }

    /**
     * The variant a decode step runs: {@code pimllm} is the full system, the last step of the decode ablation
     * ({@code +host}: weights resident, asynchronous calls per rank, sibling fusion, host ops at the tuned profile);
     * others as given.
     */
    public static String decodeVariant(String variant) {
        return variant.equals("pimllm") ? Pipelines.DECODE_ABLATION.getLast() : variant;
    }

    /**
     * The variant the prefill runs: the decode ablation's steps prefill as the paper's {@code pimllm} (their steps
     * are about decode; a resident placement would hide the prefill's weight pushes in the one-time cost); others as
     * given.
     */
    public static String prefillVariant(String variant) {
        return Pipelines.DECODE_ABLATION.contains(variant) ? "pimllm" : variant;
    }

    private CompileOptions decodeOptions(Mode mode) {
        return decodeOptionsOf(options.withMode(mode));
    }

    private static CompileOptions decodeOptionsOf(CompileOptions o) {
        return withVariant(o, decodeVariant(o.variant()));
    }

    private CompileOptions prefillOptions(Mode mode) {
        return withVariant(options.withMode(mode), prefillVariant(options.variant()));
    }

    private static CompileOptions withVariant(CompileOptions o, String variant) {
        return new CompileOptions(variant, o.precision(), o.activationAbsMax(), o.mode(), o.disabledPasses(), o.optLevel(),
                o.measureHost(), o.floatGemms());
    }

    /**
     * FUNCTIONAL generation from {@code prompt}: {@code tokens} new tokens (1 from the prefill, the rest from decode
     * steps). With {@code checkReference}, each step's logits are compared with the last row of a full-sequence run
     * (same variant and precision, no cache) on the tokens so far; {@code tolerance} 0 asks for bit-exact logits.
     */
    public Result generate(int[] prompt, int tokens, boolean checkReference, double tolerance) {
        checkCounts(prompt.length, tokens);
        CompileOptions pre = prefillOptions(Mode.FUNCTIONAL);
        CompileOptions dec = decodeOptions(Mode.FUNCTIONAL);
        List<Integer> seqSoFar = new ArrayList<>();
        for (int t : prompt) seqSoFar.add(t);
        List<Integer> generated = new ArrayList<>();
        List<Double> steps = new ArrayList<>();
        List<RunReport> stepReports = new ArrayList<>();
        List<TimedStep> timed = new ArrayList<>();
        List<Roofline> roofs = new ArrayList<>();
        double ttft;
        double oneTime = 0;
        long pimGemms = 0;
        boolean matches = true;
        double maxErr = 0;
        List<Tensor> cache;
        Tensor logits;
        KvCache kv = new KvCache();
        List<KvStep> kvSteps = new ArrayList<>();
        String note = null;
        // the first step's resident weights: every step keeps them, and the prefill shares them
        SharedResidency first = decodesResident(tokens)
                ? SharedResidency.of(decodePipeline(dec, prompt.length, tokens - 1).run(graphs.decode(prompt.length), target, dec))
                : SharedResidency.NONE;
        SharedResidency shared = sharesResidency(tokens) ? first : SharedResidency.NONE;
        try (CompiledModule m = PimLlm.compile(graphs.prefill(prompt.length), target, pre, prefillPipeline(pre, shared))) {
            RunResult r = m.run(Map.of("input_ids", Tensor.ofInts(prompt.clone(), 1, prompt.length)));
            ttft = r.report().totalSeconds();
            oneTime = r.report().oneTimeSeconds();
            logits = r.outputs().get(0);
            cache = new ArrayList<>(r.outputs().subList(1, r.outputs().size()));
        }
        for (int i = 0; i < cache.size(); i++) kv.seed(cacheName(i), cache.get(i));
        while (true) {
            if (checkReference) {
                double err = compareWithFullRun(seqSoFar, logits, pre);
                maxErr = Math.max(maxErr, err);
                if (!(err <= tolerance)) matches = false;
            }
            int next = argmaxLastRow(logits);
            generated.add(next);
            seqSoFar.add(next);
            if (generated.size() == tokens) break;
            int past = seqSoFar.size() - 1;
            IRModule step = graphs.decode(past);
            try (CompiledModule m = compileStep(step, dec, prompt.length, tokens - 1, first)) {
                checkWeightsResident(m.module(), target, dec.variant());
                // the caches still on the host are inputs; those in MRAM are the KvCache's (the step no longer takes them)
                Map<String, Tensor> in = new HashMap<>();
                in.put("input_ids", Tensor.ofInts(new int[] {next}, 1, 1));
                var params = m.module().main().params().stream().map(v -> v.name()).toList();
                for (int i = 0; i < cache.size(); i++) {
                    if (params.contains(cacheName(i))) in.put(cacheName(i), cache.get(i));
                }
                RunResult r = m.run(in, kv);
                double kvPlace = steps.isEmpty() ? kv.placementSeconds() : 0;
                steps.add(r.report().totalSeconds() + kvPlace);
                stepReports.add(r.report());
                Roofline stepRoof = Roofline.of(m.module(), target);
                roofs.add(stepRoof);
                timed.add(new TimedStep(past, r.report().totalSeconds(), stepRoof.seconds(), stepRoof.boundOf(r.report().byCategory())));
                kvSteps.add(new KvStep(past, kvDecision(m.module()), kvSeconds(r.report()), kvAttr(m.module(), KvCachePlacement.ESTIMATE_ATTR)));
                if (note == null) note = kvNote(m.module());
                oneTime = Math.max(oneTime, r.report().oneTimeSeconds());
                pimGemms = r.report().pimGemms();
                logits = r.outputs().get(0);
                List<Tensor> rows = r.outputs().subList(1, r.outputs().size());
                for (int i = 0; i < cache.size(); i++) cache.set(i, KvCache.appendRow(cache.get(i), rows.get(i)));
            }
        }
        // every step was timed: the breakdown and the roofline are plain means over them
        Map<TimeCategory, Double> breakdown = new EnumMap<>(TimeCategory.class);
        double overlap = 0;
        for (RunReport rep : stepReports) {
            rep.byCategory().forEach((c, v) -> breakdown.merge(c, v / stepReports.size(), Double::sum));
            overlap += rep.overlappedSeconds() / stepReports.size();
        }
        Roofline roof = roofs.isEmpty() ? null : new Roofline(
                roofs.stream().mapToDouble(Roofline::computeSeconds).average().orElseThrow(),
                roofs.stream().mapToDouble(Roofline::mramSeconds).average().orElseThrow(),
                roofs.stream().mapToDouble(Roofline::transferSeconds).average().orElseThrow(),
                roofs.stream().mapToDouble(Roofline::hostSeconds).average().orElseThrow(),
                roofs.getFirst().weightMacs(), roofs.getFirst().weightBytes());
        return new Result(options.variant(), prompt.length, tokens, List.copyOf(generated), ttft, List.copyOf(steps), oneTime, pimGemms,
                checkReference ? matches : null, checkReference ? maxErr : Double.NaN, breakdown, overlap, roof, List.copyOf(timed),
                List.copyOf(kvSteps), kv.placementSeconds(), note);
    }

    /**
     * TIMING_ONLY: TTFT of a {@code promptLen}-token prefill and the time of each of the {@code tokens - 1} decode steps
     * (cache lengths promptLen .. promptLen + tokens - 2), compiled at {@code timingSamples} (>= 2) lengths and
     * interpolated linearly in between; nothing is materialized.
     */
    public Result simulate(int promptLen, int tokens, int timingSamples) {
        checkCounts(promptLen, tokens);
        if (timingSamples < 2) {
            throw new IllegalArgumentException("decode timing needs at least 2 sampled cache lengths, got " + timingSamples);
        }
        int steps = tokens - 1;
        List<Integer> lengths = sampleLengths(promptLen, steps, timingSamples);
        Map<Integer, Double> sampled = new HashMap<>();
        Map<Integer, Roofline> roofs = new HashMap<>();
        List<TimedStep> timed = new ArrayList<>();
        Map<TimeCategory, Double> breakdown = new EnumMap<>(TimeCategory.class);
        double overlap = 0;
        double oneTime = 0;
        long pimGemms = 0;
        CompileOptions dec = decodeOptions(Mode.TIMING_ONLY);
        KvCache kv = new KvCache();
        List<KvStep> kvSteps = new ArrayList<>();
        String note = null;
        SharedResidency first = null; // the first step's resident weights, kept by every later step
        for (int past : lengths) {
            IRModule step = graphs.decode(past);
            for (String name : cacheNames(step)) if (!kv.contains(name)) kv.seedLength(name, past);
            try (CompiledModule m = compileStep(step, dec, promptLen, steps, first == null ? SharedResidency.NONE : first)) {
                checkWeightsResident(m.module(), target, dec.variant());
                RunReport r = m.simulate(kv);
                sampled.put(past, r.totalSeconds());
                Roofline stepRoof = Roofline.of(m.module(), target);
                roofs.put(past, stepRoof);
                timed.add(new TimedStep(past, r.totalSeconds(), stepRoof.seconds(), stepRoof.boundOf(r.byCategory())));
                r.byCategory().forEach((c, v) -> breakdown.merge(c, v / lengths.size(), Double::sum));
                overlap += r.overlappedSeconds() / lengths.size();
                kvSteps.add(new KvStep(past, kvDecision(m.module()), kvSeconds(r), kvAttr(m.module(), KvCachePlacement.ESTIMATE_ATTR)));
                if (note == null) note = kvNote(m.module());
                if (first == null) first = decodesResident(tokens) ? SharedResidency.of(m.module()) : SharedResidency.NONE;
                oneTime = Math.max(oneTime, r.oneTimeSeconds());
                pimGemms = r.pimGemms();
            }
        }
        // the prefill, after the first decode step was compiled: it shares that step's resident weights
        double ttft;
        CompileOptions pre = prefillOptions(Mode.TIMING_ONLY);
        try (CompiledModule m = PimLlm.compile(graphs.prefill(promptLen), target, pre,
                prefillPipeline(pre, first != null && sharesResidency(tokens) ? first : SharedResidency.NONE))) {
            RunReport r = m.simulate();
            ttft = r.totalSeconds();
            oneTime = Math.max(oneTime, r.oneTimeSeconds());
        }
        List<Double> stepSeconds = new ArrayList<>();
        for (int s = 0; s < steps; s++) stepSeconds.add(interpolate(lengths, sampled, promptLen + s));
        // the prompt's caches are pushed to MRAM before the first step can run
        if (!stepSeconds.isEmpty()) stepSeconds.set(0, stepSeconds.get(0) + kv.placementSeconds());
        return new Result(options.variant(), promptLen, tokens, List.of(), ttft, List.copyOf(stepSeconds), oneTime, pimGemms, null,
                Double.NaN, breakdown, overlap, meanRoofline(lengths, roofs, promptLen, steps), List.copyOf(timed),
                List.copyOf(kvSteps), kv.placementSeconds(), note);
    }

    /** The decode graph's input of prefill output {@code i + 1}: past_key_0, past_value_0, past_key_1, ... */
    static String cacheName(int i) {
        return (i % 2 == 0 ? "past_key_" : "past_value_") + i / 2;
    }

    /** The roofline of the mean step: each term interpolated over the cache lengths like the step times, then averaged. */
    static Roofline meanRoofline(List<Integer> lengths, Map<Integer, Roofline> roofs, int promptLen, int steps) {
        if (steps <= 0 || roofs.isEmpty()) return null;
        double[] sum = new double[4];
        List<java.util.function.ToDoubleFunction<Roofline>> terms = List.of(Roofline::computeSeconds, Roofline::mramSeconds,
                Roofline::transferSeconds, Roofline::hostSeconds);
        for (int t = 0; t < terms.size(); t++) {
            Map<Integer, Double> byLength = new HashMap<>();
            var term = terms.get(t);
            roofs.forEach((len, r) -> byLength.put(len, term.applyAsDouble(r)));
            for (int s = 0; s < steps; s++) sum[t] += interpolate(lengths, byLength, promptLen + s) / steps;
        }
        Roofline any = roofs.get(lengths.getFirst());
        return new Roofline(sum[0], sum[1], sum[2], sum[3], any.weightMacs(), any.weightBytes());
    }

    /** The cache lengths to compile: every one if there are at most {@code samples}, else {@code samples} evenly spread with both ends. */
    static List<Integer> sampleLengths(int promptLen, int steps, int samples) {
        List<Integer> out = new ArrayList<>();
        if (steps <= 0) return out;
        if (steps <= samples) {
            for (int s = 0; s < steps; s++) out.add(promptLen + s);
            return out;
        }
        for (int i = 0; i < samples; i++) {
            int len = promptLen + (int) Math.round((double) i * (steps - 1) / (samples - 1));
            if (out.isEmpty() || out.getLast() != len) out.add(len);
        }
        return out;
    }

    /** Linear interpolation of the sampled step times at cache length {@code past} (lengths sorted ascending). */
    static double interpolate(List<Integer> lengths, Map<Integer, Double> sampled, int past) {
        Double exact = sampled.get(past);
        if (exact != null) return exact;
        for (int i = 1; i < lengths.size(); i++) {
            int lo = lengths.get(i - 1);
            int hi = lengths.get(i);
            if (past > lo && past < hi) {
                double f = (double) (past - lo) / (hi - lo);
                return sampled.get(lo) + f * (sampled.get(hi) - sampled.get(lo));
            }
        }
        throw new IllegalArgumentException("cache length " + past + " is outside the sampled lengths " + lengths);
    }

    /**
     * A PIM decode step with resident weights must keep its constant weights in MRAM (else each token would push them
     * again). Two checks, each an error naming the weight and the sizes: all GEMM weights of the step (wherever the
     * passes placed them; a GEMM whose plan cannot fit stays on the CPU) must fit the DPUs' total MRAM ({@link MramFit},
     * the check {@code pimllm bench} makes too), and every
     * pim.gemm with a constant B must have been made resident.
     */
    static void checkWeightsResident(IRModule lowered, Target target, String variant) {
        if (!Pipelines.forVariant(variant).passNames().contains(ResidentWeights.NAME)) return;
        MramFit.check(MramFit.gemmWeights(lowered, false), target.dpus(), target.mramBytesPerDpu(), target.hw().name(),
                "the decode step", "use more DPUs or fewer layers");
        List<Call> calls = ExprVisitor.postOrder(lowered.main().body()).stream()
                .filter(e -> e instanceof Call).map(Call.class::cast).toList();
        List<Call> gemms = calls.stream().filter(c -> c.is(PimOps.GEMM)).toList();
        long used = 0;
        long activations = 0;
        for (Call g : gemms) {
            var s = g.attrs(PimGemmAttrs.class).plan().slice();
            activations = Math.max(activations, roundUp8(s.aBytes()) + roundUp8(s.cBytes()));
        }
        for (Call g : gemms) {
            PimGemmAttrs a = g.attrs(PimGemmAttrs.class);
            if (!(g.arg(1) instanceof Constant w)) continue;
            long bytes = roundUp8(a.plan().slice().bBytes());
            if (!a.resident()) {
                throw new IllegalArgumentException(String.format("the model's weights do not fit the DPUs' MRAM: weight '%s'"
                        + " (%s, %.2f MiB per DPU on %d DPUs) does not fit after %.1f MiB of resident weights and %.2f MiB"
                        + " for activations per DPU (%.1f MiB of MRAM); use more DPUs or fewer layers", name(w), w.type(),
                        bytes / MIB, a.plan().dpus(), used / MIB, activations / MIB, target.mramBytesPerDpu() / MIB));
            }
            used += bytes;
        }
    }

    private static final double MIB = 1024.0 * 1024;

    private static String name(Constant w) {
        return w.name() == null ? "(unnamed constant)" : w.name();
    }

    private static long roundUp8(long v) {
        return (v + 7) & ~7L;
    }

    private double compareWithFullRun(List<Integer> seq, Tensor logits, CompileOptions pre) {
        int n = seq.size();
        int[] ids = seq.stream().mapToInt(Integer::intValue).toArray();
        Tensor full;
        try (CompiledModule m = PimLlm.compile(graphs.full(n), target, pre)) {
            full = m.run(Map.of("input_ids", Tensor.ofInts(ids, 1, n))).output();
        }
        float[] want = lastRow(full);
        float[] got = lastRow(logits);
        double err = 0;
        for (int i = 0; i < want.length; i++) err = Math.max(err, Math.abs((double) want[i] - got[i]));
        return Float.isNaN(got[0]) ? Double.NaN : err;
    }

    /** The last position's logits of a (1, seq, vocab) tensor. */
    static float[] lastRow(Tensor logits) {
        float[] all = logits.toFloatArray();
        int vocab = logits.dim(-1);
        float[] row = new float[vocab];
        System.arraycopy(all, all.length - vocab, row, 0, vocab);
        return row;
    }

    /** Greedy sampling: the index of the largest logit of the last position (the lowest index on ties). */
    static int argmaxLastRow(Tensor logits) {
        float[] row = lastRow(logits);
        int best = 0;
        for (int i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
        return best;
    }

    private static void checkCounts(int promptLen, int tokens) {
        if (promptLen < 1) throw new IllegalArgumentException("the prompt needs at least 1 token, got " + promptLen);
        if (tokens < 1) throw new IllegalArgumentException("generate at least 1 token, got " + tokens);
    }
}
