package org.pimllm.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HardwareConfigTest {

  @Test
  void prImPresetHasThePublishedOrganization() {
    HardwareConfig c = HardwareConfig.preset("upmem-2556-350");
    assertEquals(2556, c.totalDpus());
    assertEquals(64, c.dpusPerRank());
    assertEquals(40, c.nrRanks());
    assertEquals(350e6, c.clockHz());
    assertEquals(64L << 20, c.mramBytes());
    assertEquals(64 << 10, c.wramBytes());
    assertEquals(4096, c.iramInstructions());
    assertEquals(24, c.maxTasklets());
    assertEquals(8, c.dmaMinBytes());
    assertEquals(2048, c.dmaMaxBytes());
    assertEquals(8, c.dmaAlignBytes());
    assertEquals(11, c.pipeline().revolverCycles());
    assertEquals(77 + 0.5 * 2048, c.dma().cycles(false, 2048));
    assertEquals(61 + 0.5 * 8, c.dma().cycles(true, 8));
    assertEquals(1, c.opCost(OpClass.ADD, DType.INT32));
  }

  @Test
  void pimLlmPresetRunsAt450MHzWith2560Dpus() {
    HardwareConfig c = HardwareConfig.preset("upmem-2560-450");
    assertEquals(2560, c.totalDpus());
    assertEquals(450e6, c.clockHz());
    assertEquals(40, c.nrRanks());
  }

  @Test
  void everyParameterHasASource() {
    for (String name : HardwareConfig.presetNames()) {
      HardwareConfig c = HardwareConfig.preset(name);
      assertTrue(c.parameters().size() > 30, name);
      c.parameters().forEach(p -> assertTrue(!p.source().isBlank(), p.key()));
    }
  }

  @Test
  void unknownPresetListsTheKnownOnes() {
    var e = assertThrows(IllegalArgumentException.class, () -> HardwareConfig.preset("upmem-9999"));
    assertTrue(e.getMessage().contains("upmem-2556-350") && e.getMessage().contains("upmem-2560-450"), e.getMessage());
  }

  @Test
  void withDpusRestrictsAndRejectsMoreThanPhysical() {
    HardwareConfig c = HardwareConfig.preset("upmem-2560-450").withDpus(2048);
    assertEquals(2048, c.totalDpus());
    assertEquals(32, c.nrRanks());
    assertEquals(2560, c.physicalDpus());
    var e = assertThrows(IllegalArgumentException.class, () -> c.withDpus(3000));
    assertTrue(e.getMessage().contains("3000") && e.getMessage().contains("2560"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> c.withDpus(0));
  }

  @Test
  void badPresetFilesAreClearErrors(@TempDir Path dir) throws IOException {
    String good = new String(HardwareConfig.class.getResourceAsStream("/hw/upmem-2556-350.json").readAllBytes(),
        StandardCharsets.UTF_8);
    assertEquals(2556, load(dir, good).totalDpus());
    assertError(dir, good.replace("\"value\": 11,", "\"value\": -11,"), "pipeline.revolverCycles = -11 is out of range");
    assertError(dir, good.replace("\"maxBytes\"", "\"maxBytez\""), "unknown key \"dma.maxBytez\"");
    assertError(dir, good.replace("\"value\": 2048, \"unit\": \"B\"", "\"value\": 4, \"unit\": \"B\""),
        "dma.minBytes (8) exceeds dma.maxBytes (4)");
    assertError(dir, good.replace("\"source\": \"PrIM: beta = 0.5 cycle/byte (2 B/cycle peak)\"", "\"source\": \"\""),
        "dma.betaCyclesPerByte.source is empty");
    assertError(dir, good.replace("\"DIV\": {\"INT8\": 9,", "\"DIV\": {"), "opCosts.DIV.INT8 must be a number");
    assertError(dir, "{ not json", "is not valid JSON");
  }

  private static HardwareConfig load(Path dir, String json) throws IOException {
    Path p = dir.resolve("p.json");
    Files.writeString(p, json);
    return HardwareConfig.load(p);
  }

  private static void assertError(Path dir, String json, String expected) {
    var e = assertThrows(IllegalArgumentException.class, () -> load(dir, json));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
