package org.pimllm.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code --hw NAME,section.key=value,...}: one value changed, its source saying so, everything else as the preset. */
class PresetOverridesTest {

  private static final HardwareConfig BASE = HardwareConfig.preset("upmem-2560-450");

  @Test
  void anOverrideChangesThatValueAndSaysSoInItsSource() {
    String spec = "upmem-2560-450,system.launchMicros=15,host.numaAwareAllocation=1";
    HardwareConfig c = HardwareConfig.presetOrFile(spec);
    assertEquals(spec, c.name());
    assertEquals(15e-6, c.system().launchSeconds(), 1e-18);
    assertTrue(c.host().numaAwareAllocation());
    HardwareConfig.Parameter p = c.parameters().stream().filter(x -> x.key().equals("system.launchMicros")).findFirst().orElseThrow();
    assertEquals("15", p.value());
    assertTrue(p.source().startsWith("overridden on the command line") && p.source().endsWith("value was 150"), p.source());
    // the rest is the preset's
    assertEquals(BASE.dma(), c.dma());
    assertEquals(BASE.hostCpu(), c.hostCpu());
    assertEquals(BASE.host().parallelH2DCallSeconds(), c.host().parallelH2DCallSeconds());
  }

  @Test
  void overridesOfAFileAgreeWithTheWhatIfPresetThatChangesTheSameValues() {
    HardwareConfig byFlag = HardwareConfig.presetOrFile("upmem-2560-450,host.numaAwareAllocation=1,host.transferCoresPerSocket=16");
    HardwareConfig byFile = HardwareConfig.presetOrFile("../docs/what-if/whatif-numa-16cores.json");
    assertEquals(byFile.host(), byFlag.host());
    assertEquals(byFile.system(), byFlag.system());
    HardwareConfig fileThenFlag = HardwareConfig.presetOrFile("../docs/what-if/whatif-numa-16cores.json,host.transferCoresPerSocket=4");
    assertEquals(BASE.host().transferCoresPerSocket(), fileThenFlag.host().transferCoresPerSocket());
  }

  @Test
  void badOverridesAreOneLineErrorsNamingWhatIsWrong() {
    assertTrue(error("upmem-2560-450,system.launchMicro=15").contains("section system has no value 'launchMicro'; its values:"));
    assertTrue(error("upmem-2560-450,sys.launchMicros=15").contains("no overridable section 'sys'; sections: organization"));
    assertTrue(error("upmem-2560-450,launchMicros=15").contains("must be section.key=value"));
    assertTrue(error("upmem-2560-450,system.launchMicros=fast").contains("'fast' is not a number"));
    assertTrue(error("upmem-2560-450,opCosts.ADD=1").contains("edit a copy"));
    assertTrue(error("upmem-2560-450,system.launchMicros=NaN").contains("must be a finite number"));
    // validated like a preset file: ranges and whole numbers
    assertTrue(error("upmem-2560-450,system.launchMicros=-1").contains("system.launchMicros = -1 is out of range"));
    assertTrue(error("upmem-2560-450,host.sockets=1.5").contains("must be a whole number"));
    assertTrue(error("nope,system.launchMicros=1").contains("unknown hardware preset 'nope'"));
  }

  /** Every value of the preset, overridden with edge values: a valid machine or a clear error, never anything else. */
  @Test
  void everyValueOverriddenWithEdgeValuesIsAMachineOrAClearError() {
    String[] values = {"0", "-1", "1e308", "NaN", "-0", "1.5", "9223372036854775807", "x", ""};
    int ok = 0;
    int errors = 0;
    for (HardwareConfig.Parameter p : BASE.parameters()) {
      if (p.key().startsWith("opCosts.")) continue;
      for (String v : values) {
        String spec = "upmem-2560-450," + p.key() + "=" + v;
        try {
          HardwareConfig c = HardwareConfig.presetOrFile(spec);
          assertEquals(spec, c.name());
          ok++;
        } catch (IllegalArgumentException e) {
          assertTrue(!e.getMessage().isBlank() && !e.getMessage().contains("\n"), spec + ": " + e.getMessage());
          errors++;
        }
      }
    }
    assertTrue(ok > 0 && errors > 0, ok + " machines, " + errors + " errors");
  }

  private static String error(String spec) {
    return assertThrows(IllegalArgumentException.class, () -> HardwareConfig.presetOrFile(spec)).getMessage();
  }
}
