package org.pimllm.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PlacementTableTest {

    @Test
    void fusedNamesShareTheirPrefixAndSuffixOnce() {
        assertEquals("encoder.layer.0.attention.self.{query,key,value}.weight.int8", PlacementTable.shortName(
                "encoder.layer.0.attention.self.query.weight.int8+encoder.layer.0.attention.self.key.weight.int8"
                        + "+encoder.layer.0.attention.self.value.weight.int8"));
        assertEquals("model.layers.3.mlp.{gate_proj,up_proj}.weight",
                PlacementTable.shortName("model.layers.3.mlp.gate_proj.weight+model.layers.3.mlp.up_proj.weight"));
        assertEquals("nn.batch_matmul", PlacementTable.shortName("nn.batch_matmul"));
        assertEquals("-", PlacementTable.shortName(null));
        assertEquals("{a,b}", PlacementTable.shortName("a+b")); // nothing shared
    }

    @Test
    void whyNamesTheFasterSideFromBothEstimates() {
        assertEquals("PIM est. 1.5x faster", PlacementTable.whyPim(6.0, 4.0));
        assertEquals("CPU est. 2.0x faster; kept on PIM by the variant", PlacementTable.whyPim(1.0, 2.0));
        assertEquals("CPU est. 2.5x faster", PlacementTable.whyCpu(0.4, 1.0));
        assertEquals("PIM est. 4.0x faster; kept on the CPU by the variant or options", PlacementTable.whyCpu(4.0, 1.0));
        assertEquals("no legal PIM plan", PlacementTable.whyCpu(4.0, Double.NaN));
    }
}
