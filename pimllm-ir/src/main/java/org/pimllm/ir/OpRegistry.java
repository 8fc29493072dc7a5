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

    /** Up to five registered names closest to {@code name} by edit distance. */
    private static String suggestions(String name) {
        List<String> close = new ArrayList<>();
        for (String n : new TreeMap<>(OPS).keySet()) {
            if (editDistance(name, n) <= Math.max(2, name.length() / 3)) close.add(n);
        }
        close.sort(java.util.Comparator.comparingInt(n -> editDistance(name, n)));
        if (close.isEmpty()) return "; see docs/ir.md for the op list";
        return "; did you mean " + String.join(", ", close.subList(0, Math.min(5, close.size()))) + "?";
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** Guarded by the class lock; lets a library's class init look ops up while it is being loaded. */
    private static boolean loading;

    static void ensureLoaded() {
        if (loaded) return;
        synchronized (OpRegistry.class) {
            if (loaded || loading) return;
            loading = true;
            try {
                Ops.all(); // class init of Ops registers the built-in ops
                for (OpLibrary lib : ServiceLoader.load(OpLibrary.class)) {
                    lib.ops();
                    lib.moduleAttrs();
                }
                loaded = true; // only now may other threads skip the lock
            } finally {
                loading = false;
            }
        }
    }
}
