package org.pimllm.ir;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A module: named global functions (printed as {@code def @name}), in insertion order.
 * The entry point is {@code main}.
 */
public record IRModule(Map<String, Function> functions) {

    public static final String MAIN = "main";

    public IRModule {
        Objects.requireNonNull(functions, "functions");
        for (var e : functions.entrySet()) {
            if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_.]*")) {
                throw new IllegalArgumentException("function name '" + e.getKey() + "' must be an identifier (letters, digits, _ and .)");
            }
            Objects.requireNonNull(e.getValue(), "function @" + e.getKey());
        }
        functions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(functions));
    }

    /** A module with only {@code main}. */
    public static IRModule of(Function main) {
        return new IRModule(Map.of(MAIN, main));
    }

    /** The entry function, or an error if there is none. */
    public Function main() { return function(MAIN); }

    public Function function(String name) {
        Function f = functions.get(name);
        if (f == null) {
            throw new IllegalArgumentException("module has no function @" + name + "; it has " + functions.keySet());
        }
        return f;
    }

    public boolean has(String name) { return functions.containsKey(name); }

    /** A copy with {@code name} added or replaced. */
    public IRModule with(String name, Function f) {
        Map<String, Function> m = new LinkedHashMap<>(functions);
        m.put(name, f);
        return new IRModule(m);
    }

    /** A copy with every function mapped by {@code fn} (functions returned unchanged keep their identity). */
    public IRModule mapFunctions(java.util.function.UnaryOperator<Function> fn) {
        Map<String, Function> m = new LinkedHashMap<>();
        boolean changed = false;
        for (var e : functions.entrySet()) {
            Function nf = fn.apply(e.getValue());
            changed |= nf != e.getValue();
            m.put(e.getKey(), nf);
        }
        return changed ? new IRModule(m) : this;
    }

    @Override
    public String toString() { return org.pimllm.ir.text.Printer.print(this, org.pimllm.ir.text.PrintOptions.SUMMARY); }
}
