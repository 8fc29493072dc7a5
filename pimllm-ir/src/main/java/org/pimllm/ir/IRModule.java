package org.pimllm.ir;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A module: named global functions (printed as {@code def @name}), in insertion order, and typed
 * module-level attributes (printed as {@code #[attributes = {name={...}}]}, see {@link ModuleAttr}).
 * The entry point is {@code main}.
 *
 * @param functions the global functions by name
 * @param attrs     module attributes by key name; each value has its key's record type
 */
public record IRModule(Map<String, Function> functions, Map<String, Attrs> attrs) {

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
        Map<String, Attrs> a = new TreeMap<>();
        if (attrs != null) {
            for (var e : attrs.entrySet()) {
                ModuleAttr<?> key = ModuleAttr.find(e.getKey());
                if (key == null) {
                    throw new IllegalArgumentException("unknown module attribute '" + e.getKey() + "'; defined: "
                            + String.join(", ", ModuleAttr.names()));
                }
                a.put(e.getKey(), key.cast(e.getValue()));
            }
        }
        attrs = java.util.Collections.unmodifiableMap(a);
    }

    /** A module without module attributes. */
    public IRModule(Map<String, Function> functions) { this(functions, Map.of()); }

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

    /** The value of module attribute {@code key}, if set. */
    public <A extends Attrs> Optional<A> attr(ModuleAttr<A> key) {
        return Optional.ofNullable(attrs.get(key.name())).map(key::cast);
    }

    /** A copy with module attribute {@code key} set to {@code value}. */
    public <A extends Attrs> IRModule withAttr(ModuleAttr<A> key, A value) {
        Map<String, Attrs> a = new TreeMap<>(attrs);
        a.put(key.name(), key.cast(value));
        return new IRModule(functions, a);
    }

    /** A copy with {@code name} added or replaced. */
    public IRModule with(String name, Function f) {
        Map<String, Function> m = new LinkedHashMap<>(functions);
        m.put(name, f);
        return new IRModule(m, attrs);
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
        return changed ? new IRModule(m, attrs) : this;
    }

    @Override
    public String toString() { return org.pimllm.ir.text.Printer.print(this, org.pimllm.ir.text.PrintOptions.SUMMARY); }
}
