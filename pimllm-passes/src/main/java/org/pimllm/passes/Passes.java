package org.pimllm.passes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The named passes of this module, in pipeline order (pimllm-driver's Pipelines builds the variants). Names
 * are what {@code --disable-pass} and {@link PassContext.Builder#disable} accept, and what required
 * passes are resolved by.
 */
public final class Passes {

    private static final Map<String, Supplier<Pass>> PASSES = new LinkedHashMap<>();

    static {
        PASSES.put(InferType.NAME, InferType::pass);
        PASSES.put(FoldConstant.NAME, FoldConstant::pass);
        PASSES.put(DeadCodeElimination.NAME, DeadCodeElimination::pass);
        PASSES.put(CommonSubexpressionElimination.NAME, CommonSubexpressionElimination::pass);
        PASSES.put(FuseSiblingGemms.NAME, FuseSiblingGemms::pass);
        PASSES.put(AdjustLayout.NAME, AdjustLayout::pass);
        PASSES.put(LowerToPgemm.NAME, LowerToPgemm::pass);
        PASSES.put(TileSelect.NAME, TileSelect::pass);
        PASSES.put(PartitionCpuPim.NAME, PartitionCpuPim::pass);
        PASSES.put(PoolPimResources.NAME, PoolPimResources::pass);
        PASSES.put(ResidentWeights.NAME, ResidentWeights::pass);
        PASSES.put(AsyncRankCalls.NAME, AsyncRankCalls::pass);
        PASSES.put(QuantizeInt8.NAME, QuantizeInt8::pass);
    }

    private Passes() {
    }

    /** All pass names, in pipeline order (QuantizeInt8 last: it is not in the standard pipeline). */
    public static List<String> names() { return List.copyOf(PASSES.keySet()); }

    /** A pass by name; unknown names are an error listing the known ones. */
    public static Pass byName(String name) {
        return PASSES.get(checkName(name)).get();
    }

    /** {@code name} if it names a pass, else an IllegalArgumentException listing the known names. */
    public static String checkName(String name) {
        if (!PASSES.containsKey(name)) {
            throw new IllegalArgumentException("unknown pass '" + name + "'; known passes: " + String.join(", ", PASSES.keySet()));
        }
        return name;
    }
}
