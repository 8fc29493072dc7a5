package org.pimllm.passes;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.pimllm.ir.IRModule;

/**
 * Passes run in order under one {@link PassContext}: each one is checked against the context's
 * switches, its required passes run first if they have not run yet in this sequence, and
 * instruments see every pass. Itself a pass (named {@code Sequential}, opt level 0), so sequences nest.
 */
public final class Sequential implements Pass {

    private final List<Pass> passes;
    private final PassInfo info;

    public Sequential(List<Pass> passes) {
        this("Sequential", passes);
    }

    public Sequential(String name, List<Pass> passes) {
        this.passes = List.copyOf(passes);
        this.info = new PassInfo(name, 0, List.of());
    }

    public static Sequential of(Pass... passes) { return new Sequential(List.of(passes)); }

    public List<Pass> passes() { return passes; }

    @Override
    public PassInfo info() { return info; }

    @Override
    public IRModule transform(IRModule module, PassContext ctx) {
        Set<String> ran = new LinkedHashSet<>();
        IRModule m = module;
        for (Pass p : passes) {
            m = p instanceof Sequential s ? s.transform(m, ctx) : ctx.run(p, m, ran);
        }
        return m;
    }

    /** Runs the sequence under {@code ctx}. */
    public IRModule run(IRModule module, PassContext ctx) { return transform(module, ctx); }

    @Override
    public String toString() {
        return info.name() + passes.stream().map(Pass::name).toList();
    }
}
