package org.pimllm.passes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pimllm.ir.IRModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one compilation's passes share (TVM's PassContext, Graal's phase context): the opt
 * level, the passes switched off by name, string options, instruments, and the PIM target the
 * passes compile for. Immutable; build one with {@link #builder()}.
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
    private final Map<String, String> options;
    private final List<PassInstrument> instruments;
    private final PimTarget target;

    private PassContext(Builder b) {
        this.optLevel = b.optLevel;
        this.disabled = Set.copyOf(b.disabled);
        this.options = Map.copyOf(b.options);
        this.instruments = List.copyOf(b.instruments);
        this.target = b.target;
    }

    public static Builder builder() { return new Builder(); }

    /** A context with the default opt level, nothing disabled, no target. */
    public static PassContext defaults() { return builder().build(); }

    public int optLevel() { return optLevel; }

    public Set<String> disabledPasses() { return disabled; }

    public Map<String, String> options() { return options; }

    public List<PassInstrument> instruments() { return instruments; }

    /** The PIM target, if one was given. */
    public Optional<PimTarget> target() { return Optional.ofNullable(target); }

    /** The PIM target, or an error naming the pass that needs one. */
    public PimTarget requireTarget(String passName) {
        if (target == null) {
            throw new IllegalStateException(passName + " needs a PIM target (hardware preset, DPU count, host model);"
                    + " build the PassContext with .target(new PimTarget(...))");
        }
        return target;
    }

    /** The option {@code key}, or {@code fallback}. */
    public String option(String key, String fallback) { return options.getOrDefault(key, fallback); }

    /** A numeric option, or an error saying which option is malformed. */
    public double doubleOption(String key, double fallback) {
        String v = options.get(key);
        if (v == null) return fallback;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("pass option " + key + "=" + v + " must be a number");
        }
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
                + ", target=" + target + ")";
    }

    /** Builder of a {@link PassContext}. */
    public static final class Builder {
        private int optLevel = DEFAULT_OPT_LEVEL;
        private final Set<String> disabled = new LinkedHashSet<>();
        private final Map<String, String> options = new LinkedHashMap<>();
        private final List<PassInstrument> instruments = new ArrayList<>();
        private PimTarget target;

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

        public Builder option(String key, String value) {
            options.put(key, value);
            return this;
        }

        public Builder instrument(PassInstrument i) {
            instruments.add(i);
            return this;
        }

        public Builder target(PimTarget t) {
            this.target = t;
            return this;
        }

        public PassContext build() { return new PassContext(this); }
    }
}
