package org.pimllm.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The KV placement's own rules (the pass end to end: pimllm-driver's GeneratorKvCacheTest). */
class KvCachePlacementTest {

    /** PGEMMlib cuts d into f blocks of ceil(d / f); the last ones must not be empty: (f - 1) * ceil(d / f) < d. */
    @Test
    void aPositionCutMustLeaveNoBlockEmptyAtAnyLengthOfTheRun() {
        assertTrue(KvCachePlacement.legalAtEveryLength(3, 10, 2048), "d = 10: 2 x 4 = 8 < 10, and every d > 6 holds");
        assertFalse(KvCachePlacement.legalAtEveryLength(9, 10, 20), "d = 10: 8 x ceil(10 / 9) = 16 >= 10");
        assertFalse(KvCachePlacement.legalAtEveryLength(4, 4, 12), "d = 5: 3 x ceil(5 / 4) = 6 >= 5");
        assertTrue(KvCachePlacement.legalAtEveryLength(4, 13, 100), "every d > 4 x 3 = 12 holds");
        assertFalse(KvCachePlacement.legalAtEveryLength(8, 7, 100), "more parts than rows at the first step");
        assertTrue(KvCachePlacement.legalAtEveryLength(1, 1, 1));
    }

    @Test
    void modesParseAndTheRunReservesItsLongestCache() {
        assertEquals(KvCachePlacement.Mode.MRAM, KvCachePlacement.Mode.parse(" Mram"));
        var e = assertThrows(IllegalArgumentException.class, () -> KvCachePlacement.Mode.parse("disk"));
        assertEquals("unknown KV cache placement 'disk'; use host, mram or auto", e.getMessage());
        KvCachePlacement.Config c = new KvCachePlacement.Config(KvCachePlacement.Mode.AUTO, 128, 63);
        assertEquals(191, c.capacity(), "after the last step's append: 128 + 63 rows");
        assertEquals(160.0, c.meanLength(), "(129 + 191) / 2");
        assertThrows(IllegalArgumentException.class, () -> new KvCachePlacement.Config(KvCachePlacement.Mode.AUTO, 0, 1));
    }
}
