package org.pimllm.runtime;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.pimllm.ir.Call;
import org.pimllm.ir.Constant;
import org.pimllm.ir.Expr;
import org.pimllm.ir.ExprVisitor;
import org.pimllm.ir.Function;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.TensorType;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.GemmResult;
import org.pimllm.pgemm.Int4Weights;
import org.pimllm.pgemm.GemmShape;
import org.pimllm.pgemm.Layout;
import org.pimllm.pgemm.PgemmLib;
import org.pimllm.pgemm.Matrix;
import org.pimllm.pgemm.ResidentB;
import org.pimllm.pgemm.ResidentU8S8;
import org.pimllm.pgemm.TilingPlan;
import org.pimllm.pgemm.ZeroPoints;
import org.pimllm.ir.eval.Interpreter;
import org.pimllm.ir.eval.Value;
import org.pimllm.runtime.exec.ConstantCache;
import org.pimllm.ir.eval.HostKernels;
import org.pimllm.runtime.kernels.OneDnnKernels;
import org.pimllm.runtime.kernels.VectorKernels;
import org.pimllm.sim.Category;
import org.pimllm.sim.DpuProgram;
import org.pimllm.sim.DpuSet;
import org.pimllm.sim.Event;
import org.pimllm.sim.Mode;
import org.pimllm.sim.PimSystem;
import org.pimllm.sim.Timeline;
import org.pimllm.target.HostCpuModel;
import org.pimllm.target.PimGemmAttrs;
import org.pimllm.target.PimKvGemmAttrs;
import org.pimllm.target.PimKvOps;
import org.pimllm.target.PimModule;
import org.pimllm.target.PimOps;
import org.pimllm.target.Target;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lowered module ready to run: host ops on the CPU (Vector API kernels, time from the host-CPU model),
 * {@code pim.gemm} calls through PGEMMlib on the simulated machine.
 *
 * <p>Creating it does the one-time work: allocate the DPU pool ({@code pim.dpu_pool}) if the module has one,
 * load the GEMM kernel, and place resident weights in MRAM; that time is reported apart from inference time.
 * Without a pool, every pim.gemm allocates, loads and frees its own DPU set (the paper's unpooled PGEMMlib).
 *
 * <p>Simulated time always comes from a TIMING_ONLY machine, so it never depends on data and never needs the
 * weights: LLaMA-7B runs without materializing a single weight. In FUNCTIONAL mode the data of each pim.gemm is
 * computed by PGEMMlib on a second, functional machine with the same plan (B pushed each call: PGEMMlib places
 * every resident B at the same MRAM offset, so several resident weights cannot share a functional DPU set).
 *
 * <p>A pim.gemm with zero points (uint8 x int8, ONNX MatMulInteger) runs as PGEMMlib's {@code gemmU8S8}: the int8
 * GEMM on the DPUs plus the host zero-point correction (HOST time), with this run's activation zero point.
 */
public final class CompiledModule implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CompiledModule.class);
    /** --measure-host in TIMING_ONLY runs kernels on zero tensors; bigger operands are not measured. */
    private static final long MEASURE_LIMIT_ELEMENTS = 1L << 26;

    private final IRModule module;
    private final Target target;
    private final RunOptions options;
    private final HostCpuModel host;
    private final PimSystem timing;
    private final PgemmLib timingLib;
    private final PimSystem data;
    private final PgemmLib dataLib;
    private final Map<Constant, Tensor> constants = new IdentityHashMap<>();
    /** Arrays holding this module's constants: the host GEMM kernels keep those in native memory (oneDNN). */
    private final java.util.Set<Object> constantArrays = OneDnnKernels.identitySet();
    /** The host kernels: Vector API, with GEMMs through oneDNN in FUNCTIONAL runs when it loads ({@link HostGemm}). */
    private final HostKernels kernels;
    /** The IR's evaluator on those kernels: host ops compute what their op defines, as the reference does. */
    private final Interpreter eval;
    private final List<Call> calls;
    private final DpuSet pool;
    private final Map<Integer, DpuSet> views = new HashMap<>();
    private final Map<Call, ResidentB> resident = new IdentityHashMap<>();
    private final Map<Call, ResidentU8S8> residentU8S8 = new IdentityHashMap<>();
    /** int4 weights factored from their effective int16 tensors, once per weight tensor (FUNCTIONAL mode). */
    private final Map<Tensor, Int4Weights> int4Weights = new IdentityHashMap<>();
    private final List<Span> oneTime = new ArrayList<>();

    public CompiledModule(IRModule module, Target target, RunOptions options, HostCpuModel host) {
        this.module = module;
        this.target = target;
        this.options = options;
        this.host = host;
        this.timing = new PimSystem(target.hw(), Mode.TIMING_ONLY);
        // rank-by-rank asynchronous calls (AsyncRankCalls) change time only; the functional machine's data is the same
        this.timingLib = new PgemmLib(timing, PimModule.asyncRanks(module));
        boolean functional = options.mode() == Mode.FUNCTIONAL;
        this.data = functional ? new PimSystem(target.hw(), Mode.FUNCTIONAL) : null;
        this.dataLib = functional ? new PgemmLib(data) : null;
        this.kernels = !functional || options.hostGemm() == HostGemm.JAVA ? VectorKernels.INSTANCE
                : OneDnnKernels.create(options.hostGemm() == HostGemm.ONEDNN, constantArrays);
        this.eval = new Interpreter(kernels, this::constant);
        this.calls = ExprVisitor.postOrder(module.main().body()).stream()
                .filter(e -> e instanceof Call).map(e -> (Call) e).toList();
        checkPlans();
        this.pool = setUpPool();
    }

    /** The lowered module. */
    public IRModule module() { return module; }

    public Target target() { return target; }

    public RunOptions options() { return options; }

    /** The host-CPU model host ops are timed with (the variant's profile). */
    public HostCpuModel hostModel() { return host; }

    /** One-time work done when the module was created, by category. */
    public List<Span> oneTime() { return List.copyOf(oneTime); }

    // ---- set-up ----

    private void checkPlans() {
        for (Call c : calls) {
            if (!c.is(PimOps.GEMM)) continue;
            TilingPlan p = c.attrs(PimGemmAttrs.class).plan();
            if (p.dpus() > target.dpus()) {
                throw new IllegalArgumentException("pim.gemm " + label(c) + " was planned for " + p.dpus()
                        + " DPUs but the target has " + target.dpus() + "; compile for this target");
            }
        }
    }

    /** Allocates the pool, loads the kernel and places resident weights (one-time spans). */
    private DpuSet setUpPool() {
        OptionalInt size = PimModule.dpuPool(module);
        if (size.isEmpty()) return null;
        int n = size.getAsInt();
        if (n < 1 || n > target.dpus()) {
            throw new IllegalArgumentException("the module asks for a pool of " + n + " DPUs but the target has "
                    + target.dpus() + "; compile for this target");
        }
        checkResidentFits();
        long mark = timing.timeline().mark();
        DpuSet set = timing.allocate(n);
        Map<Integer, TilingPlan> lastOnView = new HashMap<>();
        for (Call c : calls) {
            if (c.is(PimKvOps.KV_GEMM)) {
                TilingPlan p = c.attrs(PimKvGemmAttrs.class).plan();
                lastOnView.put(p.dpus(), p);
                continue;
            }
            if (!c.is(PimOps.GEMM)) continue;
            PimGemmAttrs a = c.attrs(PimGemmAttrs.class);
            lastOnView.put(a.plan().dpus(), a.plan());
            if (!a.resident()) continue;
            DpuSet v = view(set, a.plan().dpus());
            if (PimOps.hasZeroPoints(c)) residentU8S8.put(c, timingLib.prepareResidentU8S8(v, a.plan(), null, TIMING_ZP));
            else resident.put(c, timingLib.prepareResident(v, a.plan(), null, a.bLayout()));
        }
        // leave every view holding the kernel of the last GEMM that uses it: the state each inference starts from
        lastOnView.forEach((dpus, plan) -> PgemmLib.load(view(set, dpus), plan));
        appendEvents(oneTime, timing.timeline(), mark, -1, 0);
        return set;
    }

    private DpuSet view(DpuSet set, int dpus) {
        return views.computeIfAbsent(dpus, d -> d == set.size() ? set : set.subset(d));
    }

    /**
     * Resident B slices of all weights plus the largest A and C slices must fit one DPU's MRAM (the rule
     * PoolPimResources marks weights resident by). A non-resident B pushed per call is not counted, as there.
     */
    private void checkResidentFits() {
        long residentBytes = 0;
        long scratch = 0;
        long kvBytes = 0;
        for (Call c : calls) {
            if (c.is(PimKvOps.KV_GEMM)) {
                PimKvGemmAttrs k = c.attrs(PimKvGemmAttrs.class);
                kvBytes += k.reservedBytesPerDpu();
                TilingPlan.DpuSlice s = k.plan().slice();
                scratch = Math.max(scratch, roundUp8(s.aBytes()) + roundUp8(s.cBytes()));
                continue;
            }
            if (!c.is(PimOps.GEMM)) continue;
            PimGemmAttrs a = c.attrs(PimGemmAttrs.class);
            TilingPlan.DpuSlice s = a.plan().slice();
            if (a.resident()) residentBytes += roundUp8(s.bBytes());
            scratch = Math.max(scratch, roundUp8(s.aBytes()) + roundUp8(s.cBytes()));
        }
        long mram = target.hw().mramBytes();
        if (residentBytes + kvBytes + scratch > mram) {
            throw new IllegalArgumentException(String.format(
                    "resident weights need %.1f MiB per DPU (plus %.1f MiB of KV cache and %.1f MiB for A and C) but a DPU"
                            + " has %.1f MiB of MRAM; use more DPUs, or compile without PoolPimResources so weights are"
                            + " pushed per call", residentBytes / 1048576.0, kvBytes / 1048576.0, scratch / 1048576.0,
                    mram / 1048576.0));
        }
    }

    private static long roundUp8(long v) { return (v + 7) & ~7L; }

    // ---- running ----

    /**
     * Runs one inference. In FUNCTIONAL mode every parameter of {@code main} needs an input of its type; in
     * TIMING_ONLY inputs are not needed (pass an empty map) and no outputs are produced.
     */
    public RunResult run(Map<String, Tensor> inputs) {
        return run(inputs, null);
    }

    /**
     * Runs one inference (a decode step) whose {@code pim.kv_gemm} calls multiply against the MRAM-resident caches of
     * {@code kv}, appending this step's rows to them; {@code kv} may be null if the module has no such call.
     */
    public RunResult run(Map<String, Tensor> inputs, KvCache kv) {
        boolean functional = options.mode() == Mode.FUNCTIONAL;
        Function main = module.main();
        Map<Expr, Value> values = new IdentityHashMap<>();
        if (functional) ReferenceExecutor.bindInputs(main, inputs, values);
        List<Span> spans = new ArrayList<>();
        List<OpRecord> ops = new ArrayList<>();
        double measured = 0;
        boolean anyMeasured = false;
        int index = 0;
        double clock = 0; // when the next op starts: the latest end so far (an asynchronous call's spans overlap)
        for (Expr e : ExprVisitor.postOrder(main.body())) {
            if (!(e instanceof Call c)) {
                if (functional && !values.containsKey(e)) values.put(e, eval.node(e, values));
                continue;
            }
            double start = clock;
            int before = spans.size();
            OpRecord rec;
            if (c.is(PimOps.GEMM)) {
                rec = runPim(index, c, values, spans, start, functional);
            } else if (c.is(PimKvOps.KV_GEMM)) {
                rec = runKv(index, c, values, spans, start, functional, kv);
            } else {
                rec = runHost(index, c, values, spans, start, functional);
                if (!Double.isNaN(rec.measuredHostSeconds())) {
                    measured += rec.measuredHostSeconds();
                    anyMeasured = true;
                }
            }
            ops.add(rec);
            for (int i = before; i < spans.size(); i++) clock = Math.max(clock, spans.get(i).startSeconds() + spans.get(i).seconds());
            index++;
        }
        List<Tensor> outputs = new ArrayList<>();
        if (functional) flatten(values.get(main.body()), outputs);
        RunReport report = new RunReport(options.variant(), options.mode(), target.dpus(), ops, spans, oneTime,
                anyMeasured ? measured : Double.NaN);
        return new RunResult(outputs, report);
    }

    /** Runs a TIMING_ONLY inference (no inputs needed). */
    public RunReport simulate() {
        if (options.mode() != Mode.TIMING_ONLY) {
            throw new IllegalStateException("simulate() needs a module compiled in TIMING_ONLY mode; call run(inputs)");
        }
        return run(Map.of()).report();
    }

    /** {@link #simulate()} of a decode step with MRAM-resident KV caches ({@link #run(Map, KvCache)}). */
    public RunReport simulate(KvCache kv) {
        if (options.mode() != Mode.TIMING_ONLY) {
            throw new IllegalStateException("simulate() needs a module compiled in TIMING_ONLY mode; call run(inputs, kv)");
        }
        return run(Map.of(), kv).report();
    }


    private Tensor constant(Constant c) {
        return constants.computeIfAbsent(c, k -> {
            Tensor t = ConstantCache.data(k);
            if (t.dtype() == org.pimllm.ir.DType.INT8) constantArrays.add(t.bytes());
            else if (t.dtype() == org.pimllm.ir.DType.FP32) constantArrays.add(t.floats());
            return t;
        });
    }

    /**
     * Which kernels computed the host GEMMs so far, one line: the GEMM calls by path (oneDNN int8 and its exact
     * formulation, oneDNN fp32, Vector API), counted over every run of this module, or why oneDNN was not used.
     */
    public String hostGemms() {
        if (kernels instanceof OneDnnKernels k) {
            StringBuilder sb = new StringBuilder();
            k.paths().forEach((path, n) -> sb.append(sb.isEmpty() ? "" : "; ").append(path).append(" x ").append(n));
            return (sb.isEmpty() ? "no host GEMM ran" : sb.toString()) + String.format(java.util.Locale.ROOT,
                    " (%s; %d weight matrices, %.1f MiB, kept in native memory)", org.pimllm.hostblas.OneDnn.availability().reason(),
                    k.nativeWeightMatrices(), k.nativeWeightBytes() / 1048576.0);
        }
        if (options.mode() != Mode.FUNCTIONAL) return "none (TIMING_ONLY: no data is computed)";
        if (options.hostGemm() == HostGemm.JAVA) return "Vector API kernels (asked for)";
        return "Vector API kernels (" + org.pimllm.hostblas.OneDnn.availability().reason() + ")";
    }

    private OpRecord runHost(int index, Call c, Map<Expr, Value> values, List<Span> spans, double start, boolean functional) {
        HostOpCost cost = HostOpCost.of(c);
        double secs = cost.seconds(host);
        TimeCategory cat = cost.isGemm() ? TimeCategory.CPU_GEMM : TimeCategory.HOST_OPS;
        String label = c.op().name() + " " + (cost.isGemm() ? cost.gemm().toString() : typeText(c));
        if (!cost.isFree()) spans.add(new Span(index, cat, label, start, secs, 0));
        double measuredSecs = Double.NaN;
        if (functional) {
            long t0 = System.nanoTime();
            values.put(c, eval.node(c, values));
            if (options.measureHost() && !cost.isFree()) measuredSecs = (System.nanoTime() - t0) * 1e-9;
        } else if (options.measureHost() && !cost.isFree()) {
            measuredSecs = measureOnZeros(c);
        }
        Map<TimeCategory, Double> m = new EnumMap<>(TimeCategory.class);
        if (!cost.isFree()) m.put(cat, secs);
        return new OpRecord(index, c.op().name(), label, OpRecord.Placement.HOST, m, measuredSecs);
    }

    /** Wall-clock time of the host kernel on zero tensors of the arguments' types (TIMING_ONLY --measure-host). */
    private double measureOnZeros(Call c) {
        long elements = 0;
        for (Expr a : c.args()) {
            if (!(a.type() instanceof TensorType t)) return Double.NaN;
            elements += t.numElements();
        }
        if (elements > MEASURE_LIMIT_ELEMENTS) {
            LOG.debug("not measuring {}: operands of {} elements", c.op().name(), elements);
            return Double.NaN;
        }
        List<Value> args = new ArrayList<>();
        for (Expr a : c.args()) args.add(Value.of(Tensor.zeros((TensorType) a.type())));
        long t0 = System.nanoTime();
        try {
            eval.apply(c, args);
        } catch (RuntimeException ex) {
            return Double.NaN; // e.g. integer division by zero on zero data: nothing meaningful to time
        }
        return (System.nanoTime() - t0) * 1e-9;
    }

    /** Zero points for timing a uint8 x int8 call: their values do not change its time (only data does). */
    private static final ZeroPoints TIMING_ZP = ZeroPoints.of(0, 0);

    private OpRecord runPim(int index, Call c, Map<Expr, Value> values, List<Span> spans, double start, boolean functional) {
        PimGemmAttrs a = c.attrs(PimGemmAttrs.class);
        TilingPlan plan = a.plan();
        Timeline tl = timing.timeline();
        long mark = tl.mark();
        boolean zp = PimOps.hasZeroPoints(c);
        ResidentB res = resident.get(c);
        ResidentU8S8 resU8 = residentU8S8.get(c);
        if (res != null) {
            timingLib.gemm(res, plan.shape().m(), null);
        } else if (resU8 != null) {
            timingLib.gemmU8S8(resU8, plan.shape().m());
        } else if (pool != null) {
            timeGemm(view(pool, plan.dpus()), plan, a.bLayout(), zp);
        } else {
            try (DpuSet set = timing.allocate(plan.dpus())) { // unpooled: alloc, load, run, free
                PgemmLib.load(set, plan);
                timeGemm(set, plan, a.bLayout(), zp);
            }
        }
        Map<TimeCategory, Double> m = appendEvents(spans, tl, mark, index, start);
        if (functional) values.put(c, Value.of(functionalGemm(c, a, values)));
        return new OpRecord(index, "pim.gemm", label(c), OpRecord.Placement.PIM, m, Double.NaN);
    }

    /**
     * A pim.kv_gemm: this step's rows appended to the MRAM-resident cache (a push to the DPUs of each head), then the
     * GEMV against the cache as a resident B (A pushed, C pulled). The first call on a cache first places the prompt's
     * rows in MRAM, a per-request cost kept in {@link KvCache#placementSeconds}, not in this step. On the timing machine
     * the cache's resident-B handle is prepared outside the step (its events are not the step's: the rows are already
     * there) and the view's kernel put back, so a kernel change is charged to the call as for any GEMM.
     */
    private OpRecord runKv(int index, Call c, Map<Expr, Value> values, List<Span> spans, double start, boolean functional,
                          KvCache kv) {
        PimKvGemmAttrs a = c.attrs(PimKvGemmAttrs.class);
        if (kv == null) {
            throw new IllegalArgumentException("this decode step keeps KV cache '" + a.cache() + "' in MRAM: run it with the"
                    + " run's KvCache (run(inputs, kv))");
        }
        if (pool == null) {
            throw new IllegalStateException("pim.kv_gemm needs the module's DPU pool (pim.dpu_pool): the cache lives in it");
        }
        TilingPlan plan = a.plan();
        String name = a.cache();
        if (functional && kv.length(name) != a.length() - 1) {
            throw new IllegalArgumentException("KV cache '" + name + "' holds " + kv.length(name) + " rows but this step was"
                    + " compiled for " + (a.length() - 1));
        }
        DpuSet v = view(pool, plan.dpus());
        Timeline tl = timing.timeline();
        if (!kv.placed(name)) {
            long m0 = tl.mark();
            GemmShape before = PimKvGemmAttrs.atLength(plan.shape(), a.bLayout(), a.length() - 1);
            long bytes = TilingPlan.DpuSlice.of(before, plan.dtype(), plan.partition(), plan.kernel().tileK()).bBytes();
            v.push(0, Math.toIntExact(roundUp8(bytes)), null);
            Tensor placed = functional ? toCacheDtype(c, kv.seedTensor(name)) : null;
            kv.markPlaced(name, tl.totalSince(m0, Category.H2D), placed);
        }
        DpuProgram held = v.program();
        ResidentB res = timingLib.prepareResident(v, plan, null, a.bLayout());
        if (held != null && !held.equals(v.program())) v.load(held);
        long mark = tl.mark();
        // the row goes to the DPUs of one position part (timed on a view of as many DPUs)
        view(pool, a.appendDpus()).push(0, Math.toIntExact(a.appendBytesPerDpu()), null);
        timingLib.gemm(res, plan.shape().m(), null);
        Map<TimeCategory, Double> m = appendEvents(spans, tl, mark, index, start);
        Tensor stored = null;
        if (functional) {
            stored = KvCache.appendRow(kv.stored(name), values.get(c.arg(1)).tensor());
            values.put(c, Value.of(functionalKvGemm(c, a, values.get(c.arg(0)).tensor(), stored)));
        }
        kv.appended(name, stored);
        String label = "kv " + name + " " + plan.shape() + " on " + plan.dpus() + " DPUs (cache in MRAM)";
        return new OpRecord(index, "pim.kv_gemm", label, OpRecord.Placement.PIM, m, Double.NaN);
    }

    /** The prefill's fp32 rows in the cache's dtype: int8 through the step's own quantize op of its new rows. */
    private Tensor toCacheDtype(Call kvGemm, Tensor seed) {
        if (seed == null) throw new IllegalArgumentException("FUNCTIONAL decode needs the prefill's K/V to seed the KV cache");
        if (!(kvGemm.arg(1) instanceof Call q) || !q.is(org.pimllm.ir.Ops.QUANTIZE)) return seed;
        List<Value> args = new ArrayList<>();
        args.add(Value.of(seed));
        for (int i = 1; i < q.args().size(); i++) {
            if (!(q.arg(i) instanceof Constant k)) throw new IllegalStateException("the KV rows' quantize needs constant scales");
            args.add(Value.of(constant(k)));
        }
        // the same quantize (scale, zero point, attributes) over the whole seed instead of the step's rows
        List<Expr> over = new ArrayList<>(q.args());
        over.set(0, Constant.of(seed, null));
        return eval.apply(new Call(q.op(), over, q.attrs()), args).tensor();
    }

    /** C of a pim.kv_gemm computed by PGEMMlib on the functional machine with the step's plan, the cache as B. */
    private Tensor functionalKvGemm(Call c, PimKvGemmAttrs a, Tensor at, Tensor cache) {
        TilingPlan plan = a.plan();
        var s = plan.shape();
        var bm = TensorMatrix.of(cache, plan.dtype(), s.b(), s.k(), s.n(), a.bLayout());
        var am = TensorMatrix.of(at, plan.dtype(), s.b(), s.m(), s.k(), Layout.ROW_MAJOR);
        GemmResult r;
        try (DpuSet set = data.allocate(plan.dpus())) {
            PgemmLib.load(set, plan);
            r = dataLib.gemm(set, plan, am, bm, a.bLayout());
        }
        return TensorMatrix.toTensor(r.c(), c.tensorType());
    }

    /** One call with B pushed, timed on the TIMING_ONLY machine (with the zero-point correction if it has zero points). */
    private void timeGemm(DpuSet set, TilingPlan plan, Layout bLayout, boolean zeroPoints) {
        if (zeroPoints) timingLib.gemmU8S8(set, plan, null, null, TIMING_ZP);
        else timingLib.gemm(set, plan, null, null, bLayout);
    }

    /** C of one pim.gemm computed by PGEMMlib on the functional machine with the same plan. */
    private Tensor functionalGemm(Call c, PimGemmAttrs a, Map<Expr, Value> values) {
        TilingPlan plan = a.plan();
        var s = plan.shape();
        Tensor at = values.get(c.arg(0)).tensor();
        Tensor bt = values.get(c.arg(1)).tensor();
        GemmResult r;
        if (plan.dtype().isInt4()) {
            var w = int4Weights.computeIfAbsent(bt, t -> TensorMatrix.int4Weights(t, plan.dtype(), s.k(), s.n()));
            try (DpuSet set = data.allocate(plan.dpus())) {
                PgemmLib.load(set, plan);
                r = dataLib.gemmInt4(set, plan, TensorMatrix.of(at, GemmDType.INT8, s.b(), s.m(), s.k(), Layout.ROW_MAJOR), w);
            }
            return TensorMatrix.toTensor(r.c(), c.tensorType());
        }
        var bm = TensorMatrix.of(bt, plan.dtype(), s.b(), s.k(), s.n(), a.bLayout());
        try (DpuSet set = data.allocate(plan.dpus())) {
            PgemmLib.load(set, plan);
            if (PimOps.hasZeroPoints(c)) {
                Tensor aZp = values.get(c.arg(2)).tensor();
                Tensor bZp = values.get(c.arg(3)).tensor();
                TensorMatrix.U8 au8 = TensorMatrix.asUint8(at, aZp.getLong(0), s.b(), s.m(), s.k(), label(c));
                r = dataLib.gemmU8S8(set, plan, au8.matrix(), bm, new ZeroPoints(au8.zeroPoint(), bZp.ints()));
            } else {
                var am = TensorMatrix.of(at, plan.dtype(), s.b(), s.m(), s.k(), Layout.ROW_MAJOR);
                r = dataLib.gemm(set, plan, am, bm, a.bLayout());
            }
        }
        return TensorMatrix.toTensor(r.c(), c.tensorType());
    }

    /**
     * Copies the simulator's events since the mark into spans starting at {@code start}; returns seconds by category.
     * Events that ran one after another are laid end to end; when some overlapped (an asynchronous call's ranks),
     * each keeps its offset from the call's start, so the spans overlap as the events did.
     */
    private static Map<TimeCategory, Double> appendEvents(List<Span> spans, Timeline tl, long mark, int op, double start) {
        Map<TimeCategory, Double> m = new EnumMap<>(TimeCategory.class);
        List<Event> evs = tl.events();
        boolean serial = true;
        for (int i = (int) mark + 1; i < evs.size(); i++) {
            serial &= evs.get(i).startSeconds() >= evs.get(i - 1).endSeconds() - 1e-15;
        }
        double t = start;
        double origin = mark < evs.size() ? evs.get((int) mark).startSeconds() : 0;
        for (int i = (int) mark; i < evs.size(); i++) {
            Event ev = evs.get(i);
            TimeCategory cat = TimeCategory.of(ev);
            double at = serial ? t : start + (ev.startSeconds() - origin);
            spans.add(new Span(op, cat, ev.label(), at, ev.seconds(), ev.bytes()));
            t += ev.seconds();
            m.merge(cat, ev.seconds(), Double::sum);
        }
        return m;
    }

    private static String label(Call c) {
        PimGemmAttrs a = c.attrs(PimGemmAttrs.class);
        String name = a.name() == null ? "gemm" : a.name();
        return name + " " + a.plan().shape() + " " + a.plan().strategy().cliName() + " on " + a.plan().dpus() + " DPUs"
                + (a.bLayout() == Layout.ROW_MAJOR ? " (B transposed at run time)" : "") + (a.resident() ? " (resident B)" : "");
    }

    private static String typeText(Call c) {
        return c.type() instanceof TensorType t ? t.shapeText() : c.type().toString();
    }

    private static void flatten(Value v, List<Tensor> out) {
        switch (v) {
            case Value.TensorValue(Tensor t) -> out.add(t);
            case Value.TupleValue(List<Value> fields) -> fields.forEach(f -> flatten(f, out));
        }
    }

    /** Frees the DPU pool (native weight copies stay with their arrays: see OneDnnKernels). */
    @Override
    public void close() {
        if (pool != null) pool.close();
        if (kernels instanceof OneDnnKernels k) k.close();
    }
}
