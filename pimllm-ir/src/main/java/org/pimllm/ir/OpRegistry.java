package org.pimllm.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * All known ops, by name. Built-in ops ({@link Ops}) are registered on first use; other
 * modules register theirs either by touching their op constants, or automatically through a
 * {@link OpLibrary} listed in {@code META-INF/services/org.pimllm.ir.OpLibrary} (so that a
 * parser finds {@code pim.gemm} without the caller loading the passes first).
 */
public final class OpRegistry {

    private static final Map<String, Op> OPS = new ConcurrentHashMap<>();
    private static volatile boolean loaded;

    private OpRegistry() {
    }

    static void register(Op op) {
        Op prev = OPS.putIfAbsent(op.name(), op);
        if (prev != null) {
            throw new IllegalStateException("op " + op.name() + " is already registered");
        }
    }

    /** The op called {@code name}, or null. */
    public static Op find(String name) {
        ensureLoaded();
        return OPS.get(name);
    }

    /** The op called {@code name}, or an error listing ops with the same prefix. */
    public static Op get(String name) {
        Op op = find(name);
        if (op == null) {
            throw new IllegalArgumentException("unknown op '" + name + "'" + suggestions(name));
        }
        return op;
    }

    /** All registered ops, sorted by name. */
    public static List<Op> all() {
        ensureLoaded();
        return List.copyOf(new TreeMap<>(OPS).values());
    }

    private static String suggestions(String name) {
        String prefix = name.contains(".") ? name.substring(0, name.indexOf('.') + 1) : "";
        String key = name.substring(prefix.length());
        List<String> similar = new ArrayList<>();
        for (String n : new TreeMap<>(OPS).keySet()) {
            String tail = n.contains(".") ? n.substring(n.lastIndexOf('.') + 1) : n;
            if ((!prefix.isEmpty() && n.startsWith(prefix)) || tail.contains(key) || key.contains(tail)) similar.add(n);
        }
        if (similar.isEmpty()) return "; see docs/ir.md for the op list";
        if (similar.size() > 12) similar = similar.subList(0, 12);
        return "; similar ops: " + String.join(", ", similar);
    }

    private static void ensureLoaded() {
        if (loaded) return;
        synchronized (OpRegistry.class) {
            if (loaded) return;
            loaded = true;
            Ops.all(); // class init of Ops registers the built-in ops
            for (OpLibrary lib : ServiceLoader.load(OpLibrary.class)) {
                lib.ops();
            }
        }
    }
}
