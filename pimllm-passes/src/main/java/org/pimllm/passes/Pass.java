package org.pimllm.passes;

import java.util.List;
import org.pimllm.ir.Function;
import org.pimllm.ir.IRModule;

/**
 * A stateless module-to-module transformation with a name, an opt level and required passes
 * (TVM's {@code CreateModulePass(fn, opt_level, name, required)}). Per-compilation data travels
 * in the {@link PassContext}. Run passes through {@link PassContext#run} or a {@link Sequential},
 * so that switches, requirements and instruments apply; {@link #transform} is the bare function.
 *
 * <pre>{@code
 * Pass p = Pass.function("DropRelu", 1, List.of("InferType"), (f, mod, ctx) -> ...);
 * IRModule out = ctx.run(p, module);
 * }</pre>
 */
public interface Pass {

    PassInfo info();

    /** The transformation itself, without switches or instruments. */
    IRModule transform(IRModule module, PassContext ctx);

    default String name() { return info().name(); }

    /** The body of a module pass. */
    @FunctionalInterface
    interface ModuleTransform {
        IRModule apply(IRModule module, PassContext ctx);
    }

    /** The body of a function pass: applied to every function of the module. */
    @FunctionalInterface
    interface FunctionTransform {
        Function apply(Function f, IRModule module, PassContext ctx);
    }

    /** A pass over the whole module. */
    static Pass module(String name, int optLevel, List<String> required, ModuleTransform fn) {
        PassInfo info = new PassInfo(name, optLevel, required);
        return new Pass() {
            @Override
            public PassInfo info() { return info; }

            @Override
            public IRModule transform(IRModule module, PassContext ctx) { return fn.apply(module, ctx); }

            @Override
            public String toString() { return name; }
        };
    }

    /** A pass applied to each function of the module independently (functions it returns unchanged keep their identity). */
    static Pass function(String name, int optLevel, List<String> required, FunctionTransform fn) {
        return module(name, optLevel, required, (m, ctx) -> m.mapFunctions(f -> fn.apply(f, m, ctx)));
    }
}
