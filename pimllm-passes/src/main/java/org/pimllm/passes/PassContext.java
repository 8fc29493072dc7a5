package org.pimllm.passes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pimllm.ir.IRModule;
import org.pimllm.target.PimCostModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one compilation's passes share (TVM's PassContext, Graal's phase context): the opt
 * level, the passes switched off by name, typed options ({@link OptionKey}), instruments, and the
 * cost model of the PIM target the passes compile for. Immutable; build one with {@link #builder()}.
 *
 * <p>A pass runs when it is not disabled, its opt level is at most the context's, and every pass it
 * requires either already ran in this context's current {@link Sequential} or can run now (a
 * required pass that is disabled skips the pass that needs it: switching off {@code LowerToPgemm}
 * also switches off the passes that only make sense after it).
 */
public final class PassContext {

    private static final Logger LOG = LoggerFactory.getLogger(PassContext.class);

    /** The default opt level (TVM's): every pass of the standard pipelines runs. */
    public static final int DEFAULT_OPT_LEVEL = 3;

    private final int optLevel;
    private final Set<String> disabled;
    private final Map<OptionKey<?>, Object> options;
    private final List<PassInstrument> instruments;
    private final PimCostModel costs;

    private PassContext(Builder b) {
        this.optLevel = b.optLevel;
        this.disabled = Set.copyOf(b.disabled);
        this.options = Map.copyOf(b.options);
        this.instruments = List.copyOf(b.instruments);
        this.costs = b.costs;
    }

    public static Builder builder() { return new Builder(); }

    /** A context with the default opt level, nothing disabled, every option at its default, no target. */
    public static PassContext defaults() { return builder().build(); }

    public int optLevel() { return optLevel; }

    public Set<String> disabledPasses() { return disabled; }

    /** The options set explicitly (others have their default). */
    public Map<OptionKey<?>, Object> options() { return options; }

    public List<PassInstrument> instruments() { return instruments; }

    /** The option's value in this context, or its default. */
    public <T> T get(OptionKey<T> key) {
        Object v = options.get(key);
        return v == null ? key.defaultValue() : key.cast(v);
    }

    /** The PIM target's cost model, if one was given. */
    public Optional<PimCostModel> costModel() { return Optional.ofNullable(costs); }

    /** The PIM target's cost model, or an error naming the pass that needs one. */
    public PimCostModel requireCostModel(String passName) {
        if (costs == null) {
            throw new IllegalStateException(passName + " needs a PIM target (hardware preset, DPU count, host model);"
                    + " build the PassContext with .costModel(...), e.g. new TileSelectorCostModel(target)");
        }
        return costs;
    }

    /** Why {@code pass} does not run in this context, or empty if it runs (requirements aside). */
    public Optional<String> skipReason(PassInfo pass) {
        if (disabled.contains(pass.name())) return Optional.of("disabled");
        if (pass.optLevel() > optLevel) {
            return Optional.of("opt level " + pass.optLevel() + " > context opt level " + optLevel);
        }
        for (String req : pass.required()) {
            if (disabled.contains(req)) return Optional.of("requires " + req + ", which is disabled");
        }
        return Optional.empty();
    }

    /**
     * Runs one pass with switches, requirements and instruments: a pass that is disabled (or below
     * the opt level) returns the module unchanged. Required passes are looked up in {@link Passes}
     * and run first.
     */
    public IRModule run(Pass pass, IRModule module) {
        return run(pass, module, new LinkedHashSet<>());
    }

    /** {@link #run(Pass, IRModule)} inside a sequence in which the passes {@code ran} already ran. */
    IRModule run(Pass pass, IRModule module, Set<String> ran) {
        PassInfo info = pass.info();
        Optional<String> skip = skipReason(info);
        if (skip.isPresent()) {
            LOG.debug("skipping pass {}: {}", info.name(), skip.get());
            for (PassInstrument i : instruments) i.passSkipped(info, skip.get());
            return module;
        }
        IRModule m = module;
        for (String req : info.required()) {
            if (!ran.contains(req)) {
                m = run(Passes.byName(req), m, ran);
            }
        }
        for (PassInstrument i : instruments) i.runBeforePass(m, info);
        IRModule out = pass.transform(m, this);
        if (out == null) throw new IllegalStateException("pass " + info.name() + " returned null");
        for (PassInstrument i : instruments) i.runAfterPass(out, info);
        ran.add(info.name());
        return out;
    }

    @Override
    public String toString() {
        return "PassContext(optLevel=" + optLevel + ", disabled=" + disabled + ", options=" + options
                + ", target=" + (costs == null ? null : costs.target()) + ")";
    }

    /** Builder of a {@link PassContext}. */
    public static final class Builder {
        private int optLevel = DEFAULT_OPT_LEVEL;
        private final Set<String> disabled = new LinkedHashSet<>();
        private final Map<OptionKey<?>, Object> options = new LinkedHashMap<>();
        private final List<PassInstrument> instruments = new ArrayList<>();
        private PimCostModel costs;

        private Builder() {
        }

        public Builder optLevel(int level) {
            if (level < 0) throw new IllegalArgumentException("opt level must be >= 0, got " + level);
            this.optLevel = level;
            return this;
        }

        /** Switches passes off by name; unknown names are an error listing the known passes. */
        public Builder disable(String... names) {
            for (String n : names) disabled.add(Passes.checkName(n));
            return this;
        }

        public Builder disable(java.util.Collection<String> names) {
            for (String n : names) disabled.add(Passes.checkName(n));
            return this;
        }

        /** Sets a typed option; null restores its default. */
        public <T> Builder set(OptionKey<T> key, T value) {
            if (value == null) options.remove(key); else options.put(key, key.cast(value));
            return this;
        }

        public Builder instrument(PassInstrument i) {
            instruments.add(i);
            return this;
        }

        /** The PIM target's cost model the passes ask (plans and times). */
        public Builder costModel(PimCostModel c) {
            this.costs = c;
            return this;
        }

        public PassContext build() { return new PassContext(this); }
    }
}
