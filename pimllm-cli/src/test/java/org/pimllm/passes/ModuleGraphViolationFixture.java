package org.pimllm.passes;

import org.pimllm.sim.HardwareConfig;
import org.pimllm.tileselector.TileSelector;

/**
 * A class in the passes' package that breaks the module graph (it asks the Tile-Selector directly): ModuleGraphTest
 * checks its rule rejects it. Test code only, never part of pimllm-passes.
 */
public final class ModuleGraphViolationFixture {

    private ModuleGraphViolationFixture() {
    }

    static TileSelector selector(HardwareConfig hw) {
        return new TileSelector(hw);
    }
}
