package org.pimllm.ir;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A typed key of a module-level attribute (TVM's {@code IRModule} attrs): a name and the attribute record
 * type its value has. Keys are defined once, by the module that owns the attribute, and registered by name so
 * the parser can read {@code #[attributes = {pim.dpu_pool={dpus=2048}}]} back into the typed value. Keys of
 * other modules are found like their ops: through an {@link OpLibrary#moduleAttrs()} listed as a service.
 *
 * @param <A> the attribute record type (printed and parsed by the generic attribute codec, like op attributes)
 */
public final class ModuleAttr<A extends Attrs> {

    private static final Map<String, ModuleAttr<?>> KEYS = new ConcurrentHashMap<>();

    private final String name;
    private final Class<A> type;

    private ModuleAttr(String name, Class<A> type) {
        this.name = name;
        this.type = type;
    }

    /** Defines and registers a key; a name may be defined once. */
    public static <A extends Attrs> ModuleAttr<A> define(String name, Class<A> type) {
        Objects.requireNonNull(type, "type");
        if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*")) {
            throw new IllegalArgumentException("module attribute name '" + name + "' must be a dotted identifier");
        }
        if (!type.isRecord()) {
            throw new IllegalArgumentException("module attribute " + name + ": " + type.getName() + " must be a record");
        }
        ModuleAttr<A> key = new ModuleAttr<>(name, type);
        if (KEYS.putIfAbsent(name, key) != null) {
            throw new IllegalStateException("module attribute " + name + " is already defined");
        }
        return key;
    }

    /** The key called {@code name}, or null (service-listed libraries are loaded first). */
    public static ModuleAttr<?> find(String name) {
        OpRegistry.ensureLoaded();
        return KEYS.get(name);
    }

    /** All defined keys' names, sorted. */
    public static List<String> names() {
        OpRegistry.ensureLoaded();
        return List.copyOf(new TreeMap<>(KEYS).keySet());
    }

    public String name() { return name; }

    public Class<A> type() { return type; }

    /** {@code value} as this key's type, or an error naming the key and both types. */
    public A cast(Attrs value) {
        if (!type.isInstance(value)) {
            throw new IllegalArgumentException("module attribute " + name + " holds " + type.getSimpleName()
                    + ", got " + (value == null ? "null" : value.getClass().getSimpleName()));
        }
        return type.cast(value);
    }

    @Override
    public String toString() { return name; }
}
