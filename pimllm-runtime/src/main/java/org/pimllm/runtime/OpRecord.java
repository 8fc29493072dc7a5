package org.pimllm.runtime;

import java.util.Map;

/**
 * One op of an inference: where it ran and its simulated time by category.
 *
 * @param index                 position in evaluation order
 * @param op                    op name (pim.gemm, nn.dense, nn.softmax, ...)
 * @param label                 the GEMM's name or the op's shape
 * @param placement             HOST or PIM
 * @param seconds               simulated seconds by category
 * @param measuredHostSeconds   wall-clock seconds of the host kernel on this machine (--measure-host), or NaN
 */
public record OpRecord(int index, String op, String label, Placement placement, Map<TimeCategory, Double> seconds,
                       double measuredHostSeconds) {

    public enum Placement { HOST, PIM }

    public OpRecord {
        seconds = Map.copyOf(seconds);
    }

    public double totalSeconds() {
        double total = 0; // in category order: Map.copyOf's iteration order, and so a sum in it, changes per JVM
        for (TimeCategory c : TimeCategory.values()) total += seconds.getOrDefault(c, 0.0);
        return total;
    }
}
