package org.pimllm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pimllm.ir.DType;
import org.pimllm.ir.Tensor;

class KvCacheTest {

    /** Two heads of two rows of two int8 values, plus one row per head: each head's rows stay together. */
    @Test
    void int8RowsAreAppendedPerHead() {
        Tensor cache = Tensor.ofBytes(DType.INT8, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 2);
        Tensor row = Tensor.ofBytes(DType.INT8, new byte[] {9, 10, -11, -12}, 2, 1, 2);
        Tensor want = Tensor.ofBytes(DType.INT8, new byte[] {1, 2, 3, 4, 9, 10, 5, 6, 7, 8, -11, -12}, 2, 3, 2);
        assertTrue(want.contentEquals(KvCache.appendRow(cache, row)));
        var e = assertThrows(IllegalArgumentException.class,
                () -> KvCache.appendRow(cache, Tensor.ofFloats(new float[4], 2, 1, 2)));
        assertTrue(e.getMessage().startsWith("cannot append rows"), e.getMessage());
    }

    @Test
    void aCacheIsPlacedOnceAndCountsItsRows() {
        KvCache kv = new KvCache();
        kv.seedLength("past_key_0", 128);
        assertFalse(kv.placed("past_key_0"));
        kv.markPlaced("past_key_0", 0.002, null);
        kv.appended("past_key_0", null);
        assertTrue(kv.placed("past_key_0"));
        assertEquals(129, kv.length("past_key_0"));
        assertEquals(0.002, kv.placementSeconds());
        var e = assertThrows(IllegalArgumentException.class, () -> kv.length("past_value_0"));
        assertTrue(e.getMessage().contains("no such cache"), e.getMessage());
    }
}
