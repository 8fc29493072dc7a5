package org.pimllm.runtime.exec;

import java.lang.ref.SoftReference;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pimllm.ir.Constant;
import org.pimllm.ir.Tensor;
import org.pimllm.ir.TensorSource;
import org.pimllm.ir.TensorType;

/**
 * Materialized constants shared across modules of one process, keyed by what defines their data: the source
 * (a synthetic seed/distribution/scale, or a lazy loader's key) and the type. Synthetic weights are expensive to
 * generate and every compile of the same model (one per variant) would otherwise generate them again. Values are
 * soft references, so the cache gives memory back under pressure; tensors of constants are never mutated.
 */
public final class ConstantCache {

    private static final int MAX_ENTRIES = 512;

    private record Key(TensorSource source, TensorType type) {}

    private static final Map<Key, SoftReference<Tensor>> CACHE = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, SoftReference<Tensor>> e) {
            return size() > MAX_ENTRIES;
        }
    };

    private ConstantCache() {
    }

    /** The constant's data, generated or loaded at most once while memory allows. */
    public static Tensor data(Constant c) {
        if (c.isMaterialized()) return c.data();
        Key k = new Key(c.source(), c.type());
        synchronized (CACHE) {
            SoftReference<Tensor> ref = CACHE.get(k);
            Tensor t = ref == null ? null : ref.get();
            if (t != null) return t;
        }
        Tensor t = c.data();
        synchronized (CACHE) {
            CACHE.put(k, new SoftReference<>(t));
        }
        return t;
    }
}
