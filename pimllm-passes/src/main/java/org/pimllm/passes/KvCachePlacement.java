package org.pimllm.passes;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.pimllm.ir.Call;
import org.pimllm.ir.Constant;
import org.pimllm.ir.Expr;
import org.pimllm.ir.ExprMutator;
import org.pimllm.ir.ExprVisitor;
import org.pimllm.ir.Function;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Ops;
import org.pimllm.ir.Var;
import org.pimllm.ir.attrs.AxisAttrs;
import org.pimllm.passes.pim.GemmMatch;
import org.pimllm.pgemm.GemmDType;
import org.pimllm.pgemm.GemmShape;
import org.pimllm.pgemm.Layout;
import org.pimllm.pgemm.TilingPlan;
import org.pimllm.target.HostCpuModel;
import org.pimllm.target.PimCostModel;
import org.pimllm.target.PimCostModel.PlanConstraint;
import org.pimllm.target.PimGemmAttrs;
import org.pimllm.target.PimKvGemmAttrs;
import org.pimllm.target.PimKvOps;
import org.pimllm.target.PimModule;
import org.pimllm.target.PimOps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each KV cache of a decode step lives: host memory (the decode graph as built: the cache is an input,
 * concatenated with the new row and, in int8, quantized on the host every step, then multiplied on the CPU or
 * pushed to the DPUs with the GEMM) or the DPUs' MRAM (the cache stays there across steps: the step quantizes only
 * its new row, the runtime appends it with a small push, and the attention GEMV runs against the cache as a
 * resident B; {@code pim.kv_gemm}).
 *
 * <p>Matches every attention GEMM of a decode step whose B is {@code [qnn.quantize](concatenate(past_*, new, axis=1))}
 * ({@code nn.batch_matmul} on the host or {@code pim.gemm}). The MRAM plan cuts the heads and the cache positions
 * (fN of a K cache, fK of a V cache; positions dealt round-robin, see {@link PimKvGemmAttrs}), chosen by the
 * Tile-Selector under that constraint at the first step's length and kept (cut and Tile_K) for every step. The decision is cost-based, with the same cost model as the rest of the placement, and taken for the whole
 * run so the cache never moves between steps: over the run's steps, host = (the GEMM as placed + the host
 * concatenate and quantize of the whole cache) at the mean cache length, MRAM = (append push + resident call) at
 * the mean length plus placing the prompt's cache once; both are linear in the length, so the mean gives the run's
 * total. {@link Mode#HOST} and {@link Mode#MRAM} force the choice.
 *
 * <p>Capacity: the caches placed in MRAM (at their capacity), the resident weights (with {@link PimOptions#RESIDENT_WEIGHTS})
 * and the largest A and C slices must fit one DPU's MRAM (DPU 0 holds a slice of each, as the pool's views are
 * prefixes). MRAM mode fails with the sizes; AUTO keeps the caches that do not fit on the host and says so in the
 * function attribute {@code kv_note}. The decision is recorded in the function attribute {@code kv_cache}.
 */
public final class KvCachePlacement {

    private static final Logger LOG = LoggerFactory.getLogger(KvCachePlacement.class);

    public static final String NAME = "KvCachePlacement";

    /** Function attribute: the decision, e.g. {@code mram 4/4} (caches in MRAM / caches). */
    public static final String ATTR = "kv_cache";
    /** Function attribute: why caches stayed on the host although MRAM was cheaper (capacity), if any. */
    public static final String NOTE_ATTR = "kv_note";
    /**
     * Function attribute: the cost model's estimate of the step's attention over all caches at the run's mean length,
     * with every cache on the host and with every cache in MRAM, e.g. {@code host 12.345 ms, mram 4.567 ms}.
     */
    public static final String ESTIMATE_ATTR = "kv_estimate";

    /** Where the caches go. */
    public enum Mode {
        HOST, MRAM, AUTO;

        /** The CLI spelling ({@code host}, {@code mram}, {@code auto}). */
        public static Mode parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown KV cache placement '" + s + "'; use host, mram or auto");
            }
        }
    }

    /**
     * The run the step belongs to.
     *
     * @param mode      host, MRAM or cost-based
     * @param promptLen the prompt's tokens (the cache placed once after the prefill)
     * @param steps     decode steps of the run (cache lengths promptLen .. promptLen + steps - 1 before each append)
     */
    public record Config(Mode mode, int promptLen, int steps) {
        public Config {
            java.util.Objects.requireNonNull(mode, "mode");
            if (promptLen < 1 || steps < 1) {
                throw new IllegalArgumentException("KV placement needs a prompt and at least one decode step, got " + promptLen
                        + " and " + steps);
            }
        }

        /** Cache rows after the last step's append: what MRAM reserves. */
        public int capacity() {
            return promptLen + steps;
        }

        /** The mean cache length (after the append) over the steps. */
        double meanLength() {
            return promptLen + (steps + 1) / 2.0;
        }
    }

    private KvCachePlacement() {
    }

    public static Pass pass(Config config) {
        return Pass.function(NAME, 1, List.of(LowerToPgemm.NAME), (f, m, ctx) -> place(f, m, ctx, config));
    }

    /** One attention GEMM over a cache. */
    record Site(Call gemm, String cache, GemmShape shape, GemmDType dtype, Layout bLayout, Call quantize) {
    }

    /** A site's costs and MRAM plan. */
    record Choice(Site site, TilingPlan plan, double hostSeconds, double mramSeconds, long reservedBytes, long scratchBytes) {
        boolean mramCheaper() {
            return mramSeconds < hostSeconds;
        }
    }

    static Function place(Function f, IRModule m, PassContext ctx, Config config) {
        List<Site> sites = sites(f, ctx);
        if (sites.isEmpty()) return f;
        Costs costs = new Costs(ctx, NAME);
        PimCostModel cm = costs.target();
        HostCpuModel host = cm.target().hostModel();
        List<Choice> choices = new ArrayList<>();
        for (Site s : sites) choices.add(choose(s, config, costs, cm, host));
        long mram = cm.target().mramBytesPerDpu();
        long weights = ctx.get(PimOptions.RESIDENT_WEIGHTS) ? residentWeightBytes(m) : 0;
        long scratch = ResidentWeights.activationBytes(m); // no pim.kv_gemm yet: the pim.gemm slices
        double hostTotal = 0;
        double mramTotal = 0;
        for (Choice c : choices) {
            scratch = Math.max(scratch, c.scratchBytes());
            hostTotal += c.hostSeconds();
            mramTotal += c.mramSeconds();
        }
        f = f.withAttr(ESTIMATE_ATTR, String.format(Locale.ROOT, "host %.3f ms, mram %.3f ms", hostTotal * 1e3, mramTotal * 1e3));
        Map<Call, Choice> toMram = new IdentityHashMap<>();
        long kv = 0;
        for (Choice c : choices) {
            boolean want = switch (config.mode()) {
                case HOST -> false;
                case MRAM -> true;
                case AUTO -> c.mramCheaper();
            };
            if (!want) continue;
            if (kv + c.reservedBytes() + weights + scratch > mram) {
                String sizes = String.format("the KV caches need %.1f MiB per DPU (%d caches of up to %d rows) beside %.1f MiB of"
                                + " resident weights and %.2f MiB for A and C, but a DPU has %.1f MiB of MRAM",
                        mib(totalReserved(choices, config.mode())), wanted(choices, config.mode()), config.capacity(),
                        mib(weights), mib(scratch), mib(mram));
                if (config.mode() == Mode.MRAM) {
                    throw new IllegalArgumentException("the KV cache does not fit the DPUs' MRAM: " + sizes
                            + "; use more DPUs, fewer tokens, or keep the cache on the host");
                }
                String note = "KV caches from '" + c.site().cache() + "' on stay on the host: " + sizes;
                LOG.info(note);
                return rewrite(f, toMram, config).withAttr(ATTR, "mram " + toMram.size() + "/" + sites.size())
                        .withAttr(NOTE_ATTR, note);
            }
            kv += c.reservedBytes();
            toMram.put(c.site().gemm(), c);
        }
        return rewrite(f, toMram, config).withAttr(ATTR, "mram " + toMram.size() + "/" + sites.size());
    }

    private static long totalReserved(List<Choice> cs, Mode mode) {
        long t = 0;
        for (Choice c : cs) if (mode == Mode.MRAM || c.mramCheaper()) t += c.reservedBytes();
        return t;
    }

    private static int wanted(List<Choice> cs, Mode mode) {
        int n = 0;
        for (Choice c : cs) if (mode == Mode.MRAM || c.mramCheaper()) n++;
        return n;
    }

    /** The attention GEMMs of a decode step whose B is a past cache concatenated with the new rows. */
    static List<Site> sites(Function f, PassContext ctx) {
        boolean floatOnPim = LowerToPgemm.floatGemmsOnPim(ctx);
        List<Site> out = new ArrayList<>();
        for (Expr e : ExprVisitor.postOrder(f.body())) {
            if (!(e instanceof Call c)) continue;
            Expr b;
            GemmShape shape;
            GemmDType dtype;
            Layout layout;
            if (c.is(PimOps.GEMM)) {
                if (PimOps.hasZeroPoints(c)) continue;
                PimGemmAttrs a = c.attrs(PimGemmAttrs.class);
                b = c.arg(1);
                shape = a.plan().shape();
                dtype = a.plan().dtype();
                layout = a.bLayout();
            } else if (c.is(Ops.BATCH_MATMUL)) {
                var g = GemmMatch.of(c);
                if (g.isEmpty()) continue;
                b = g.get().b();
                shape = g.get().geometry().shape();
                dtype = g.get().dtype();
                layout = g.get().bLayout();
            } else {
                continue;
            }
            if (dtype == null || dtype == GemmDType.FP32 && !floatOnPim) continue;
            Call quantize = null;
            if (b instanceof Call q && q.is(Ops.QUANTIZE) && q.arg(1) instanceof Constant s && s.type().isScalar()
                    && q.arg(2) instanceof Constant) {
                quantize = q;
                b = q.arg(0);
            }
            if (!(b instanceof Call cat) || !cat.is(Ops.CONCATENATE) || cat.args().size() != 2
                    || cat.attrs(AxisAttrs.class).axis() != 1 || !(cat.arg(0) instanceof Var past)
                    || !past.name().startsWith("past_") || shape.m() != 1) {
                continue;
            }
            out.add(new Site(c, past.name(), shape, dtype, layout, quantize));
        }
        return out;
    }

    private static Choice choose(Site s, Config config, Costs costs, PimCostModel cm, HostCpuModel host) {
        PimCostModel.GemmCall call = new PimCostModel.GemmCall(costs.pooled(), s.bLayout());
        int len = PimKvGemmAttrs.length(s.shape(), s.bLayout());
        if (len > config.capacity()) {
            throw new IllegalArgumentException("KV cache '" + s.cache() + "' has " + len + " rows after this step but the run"
                    + " reserves " + config.capacity());
        }
        // one cut for every step (the cache never moves): heads and positions only, chosen at the first step's length
        // (the shortest, so every later length admits it), with its Tile_K
        boolean kCache = s.bLayout() == Layout.COL_MAJOR;
        PlanConstraint free = kCache ? new PlanConstraint(null, 1, 1, null, null) : new PlanConstraint(null, 1, null, 1, null);
        GemmShape first = PimKvGemmAttrs.atLength(s.shape(), s.bLayout(), config.promptLen() + 1);
        TilingPlan firstPlan = cm.selectPlan(first, s.dtype(), call, free);
        // PGEMMlib's plans cut a dimension in blocks with none empty: keep a position cut that is legal at every length
        int parts = kCache ? firstPlan.partition().fN() : firstPlan.partition().fK();
        while (parts > 1 && !legalAtEveryLength(parts, config.promptLen() + 1, config.capacity())) {
            parts--;
            PlanConstraint fewer = kCache ? new PlanConstraint(null, 1, 1, parts, null) : new PlanConstraint(null, 1, parts, 1, null);
            try {
                firstPlan = cm.selectPlan(first, s.dtype(), call, fewer);
            } catch (IllegalArgumentException noPlan) {
                // no legal plan with this many parts: try fewer
            }
        }
        var fp = firstPlan.partition();
        PlanConstraint cut = new PlanConstraint(fp.fB(), 1, fp.fK(), fp.fN(), firstPlan.kernel().tileK());
        TilingPlan plan = cm.selectPlan(s.shape(), s.dtype(), call, cut);
        GemmShape longest = PimKvGemmAttrs.atLength(s.shape(), s.bLayout(), config.capacity());
        TilingPlan atCapacity = plan.withShape(longest);
        PimKvGemmAttrs attrs = new PimKvGemmAttrs(s.cache(), plan, s.bLayout(), config.capacity(), 0);
        // both options at the run's mean length (each linear in it), per step
        int mean = (int) Math.round(config.meanLength());
        GemmShape atMean = PimKvGemmAttrs.atLength(s.shape(), s.bLayout(), Math.min(mean, config.capacity()));
        TilingPlan planAtMean = cm.selectPlan(atMean, s.dtype(), call, cut);
        // the cache on the host: the GEMM where the placement put it (this pass runs after PartitionCpuPim): on the CPU,
        // or on PIM with the selected plan and B pushed with every call
        double gemmOnHostPath = s.gemm().is(PimOps.GEMM)
                ? costs.pimSeconds(costs.select(atMean, s.dtype(), s.bLayout()), s.bLayout())
                : costs.cpuSeconds(atMean, s.dtype());
        long elements = (long) atMean.b() * atMean.k() * atMean.n();
        double hostCopy = host.elementwiseSeconds(elements, 2 * 4, 0); // concatenate of the fp32 cache
        if (s.quantize() != null) hostCopy += host.elementwiseSeconds(elements, 2, 3); // qnn.quantize of the whole cache
        double hostPerStep = gemmOnHostPath + hostCopy;
        double append = cm.pushSeconds(attrs.appendDpus(), attrs.appendBytesPerDpu());
        double mramPerStep = append + costs.residentSeconds(planAtMean, s.bLayout(), false);
        GemmShape prompt = PimKvGemmAttrs.atLength(s.shape(), s.bLayout(), config.promptLen());
        long promptBytes = TilingPlan.DpuSlice.of(prompt, s.dtype(), plan.partition(), plan.kernel().tileK()).bBytes();
        double placeOnce = cm.pushSeconds(plan.dpus(), (promptBytes + 7) & ~7L);
        double mram = mramPerStep + placeOnce / config.steps();
        TilingPlan.DpuSlice sl = atCapacity.slice(); // the longest step's A and C: the same answer at every step
        long scratch = ResidentWeights.activationBytes(sl);
        LOG.debug("{}: host {} s/step, MRAM {} s/step ({} DPUs)", s.cache(), hostPerStep, mram, plan.dpus());
        return new Choice(s, plan, hostPerStep, mram, attrs.reservedBytesPerDpu(), scratch);
    }

    /** True if cutting every length from {@code first} to {@code last} into {@code f} blocks leaves no block empty. */
    static boolean legalAtEveryLength(int f, int first, int last) {
        if (f > first) return false;
        // (f - 1) * ceil(d / f) < d holds for every d > f (f - 1)
        for (long d = first; d <= Math.min(last, (long) f * (f - 1)); d++) {
            if ((f - 1) * ((d + f - 1) / f) >= d) return false;
        }
        return true;
    }

    /** The step with the chosen caches in MRAM: pim.kv_gemm on the new rows; unused past inputs dropped. */
    private static Function rewrite(Function f, Map<Call, Choice> toMram, Config config) {
        if (toMram.isEmpty()) return f;
        Function g = new ExprMutator() {
            @Override
            protected Expr rewriteCall(Call c, List<Expr> args) {
                Choice ch = toMram.get(c);
                if (ch == null) return c.withArgs(args);
                Call b = (Call) args.get(1);
                Call cat = ch.site().quantize() != null ? (Call) b.arg(0) : b;
                Expr rows = cat.arg(1);
                if (ch.site().quantize() != null) rows = new Call(Ops.QUANTIZE, List.of(rows, b.arg(1), b.arg(2)), b.attrs());
                PimKvGemmAttrs a = new PimKvGemmAttrs(ch.site().cache(), ch.plan(), ch.site().bLayout(), config.capacity(),
                        ch.mramSeconds());
                return new Call(PimKvOps.KV_GEMM, List.of(args.get(0), rows), a);
            }
        }.mutateFunction(f);
        Set<Var> used = new LinkedHashSet<>();
        for (Expr e : ExprVisitor.postOrder(g.body())) if (e instanceof Var v) used.add(v);
        List<Var> params = g.params().stream().filter(used::contains).toList();
        return new Function(params, g.body(), null, g.attrs());
    }

    /** Resident B slices per DPU of the module's pim.gemm calls with a constant B (ResidentWeights' rule). */
    static long residentWeightBytes(IRModule m) {
        long t = 0;
        for (Call g : PimModule.pimGemms(m)) {
            if (g.arg(1) instanceof Constant) t += ResidentWeights.roundUp8(g.attrs(PimGemmAttrs.class).plan().slice().bBytes());
        }
        return t;
    }

    /** MRAM bytes per DPU the module's MRAM-resident KV caches reserve (every pool view holds DPU 0). */
    public static long kvReservedBytes(IRModule m) {
        long t = 0;
        for (Call c : kvGemms(m)) t += c.attrs(PimKvGemmAttrs.class).reservedBytesPerDpu();
        return t;
    }

    /** The module's pim.kv_gemm calls, in execution order. */
    public static List<Call> kvGemms(IRModule m) {
        if (!m.has(IRModule.MAIN)) return List.of();
        return ExprVisitor.postOrder(m.main().body()).stream().filter(e -> e instanceof Call c && c.is(PimKvOps.KV_GEMM))
                .map(Call.class::cast).toList();
    }

    private static double mib(long b) {
        return b / (1024.0 * 1024.0);
    }
}
