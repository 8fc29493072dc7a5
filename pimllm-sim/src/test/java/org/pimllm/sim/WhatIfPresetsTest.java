package org.pimllm.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The what-if presets of docs/results.md ("What would it take?") load as presets and differ from upmem-2560-450
 * exactly where their names say: per-call costs and launches a tenth, NUMA-aware buffers, 16 transfer cores.
 */
class WhatIfPresetsTest {

  private static final Path DIR = Path.of("../docs/what-if");

  @Test
  void everyWhatIfPresetLoadsAndChangesOnlyWhatItsNameSays() throws IOException {
    HardwareConfig base = HardwareConfig.preset("upmem-2560-450");
    List<Path> files;
    try (Stream<Path> s = Files.list(DIR)) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertEquals(4, files.size(), files.toString());
    for (Path f : files) {
      HardwareConfig w = HardwareConfig.presetOrFile(f.toString());
      String name = f.getFileName().toString();
      assertTrue(w.description().startsWith("WHAT-IF"), name);
      double calls = name.contains("cheap-calls") ? 10 : 1;
      assertEquals(base.system().launchSeconds() / calls, w.system().launchSeconds(), 1e-15, name);
      assertEquals(base.host().parallelH2DCallSeconds() / calls, w.host().parallelH2DCallSeconds(), 1e-15, name);
      assertEquals(base.host().parallelD2HCallSeconds() / calls, w.host().parallelD2HCallSeconds(), 1e-15, name);
      assertEquals(name.contains("numa"), w.host().numaAwareAllocation(), name);
      assertEquals(name.contains("16cores") ? 16 : base.host().transferCoresPerSocket(), w.host().transferCoresPerSocket(), name);
      // the DPUs and the host CPU model are those of upmem-2560-450
      assertEquals(base.totalDpus(), w.totalDpus(), name);
      assertEquals(base.hostCpu(), w.hostCpu(), name);
    }
  }
}
