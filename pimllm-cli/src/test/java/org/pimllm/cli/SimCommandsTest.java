package org.pimllm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class SimCommandsTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode json(String... args) throws Exception {
    MainTest.Result r = MainTest.run(args);
    assertEquals(0, r.code(), r.err());
    return JSON.readTree(r.out());
  }

  @Test
  void hwListShowsBothPresets() {
    MainTest.Result r = MainTest.run("hw", "list");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("upmem-2556-350") && r.out().contains("upmem-2560-450"), r.out());
  }

  @Test
  void hwShowGivesEverySource() throws Exception {
    MainTest.Result r = MainTest.run("hw", "show", "upmem-2560-450");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("organization.clockMHz") && r.out().contains("source: PIM-LLM"), r.out());
    JsonNode j = json("hw", "show", "upmem-2556-350", "--json");
    assertEquals("upmem-2556-350", j.get("name").asText());
    assertEquals(67108864, j.get("organization").get("mramBytes").get("value").asLong());
    assertTrue(!j.get("organization").get("mramBytes").get("source").asText().isBlank(), j.toString());
  }

  @Test
  void unknownPresetIsOneLineError() {
    MainTest.Result r = MainTest.run("hw", "show", "nope");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("error: unknown hardware preset 'nope'; known presets: upmem-2556-350"), r.err());
  }

  @Test
  void mramLatencyIsAlphaPlusBetaBytes() throws Exception {
    JsonNode j = json("microbench", "mram", "--direction", "read", "--bytes", "1024", "--tasklets", "1", "--json");
    assertEquals(77 + 0.5 * 1024, j.get("latencyCycles").asDouble(), 1e-9);
    assertEquals(1024 * 350.0 / (77 + 512), j.get("mbps").asDouble(), 1e-6);
  }

  @Test
  void arithInt32AddIsSixInstructionsPerElement() throws Exception {
    JsonNode j = json("microbench", "arith", "--op", "add", "--dtype", "int32", "--tasklets", "16", "--json");
    assertEquals(350.0 / 6, j.get("mops").asDouble(), 1e-6);
  }

  @Test
  void xferParallelOneRankMatchesPreset() throws Exception {
    JsonNode j = json("microbench", "xfer", "--kind", "parallel", "--direction", "h2d", "--dpus", "64",
        "--bytes-per-dpu", "1048576", "--json");
    // preset parallelH2DCallMicros = 56; 11 of the 64 MiB fit the default preset's L3 (Silver 4215), where a full
    // rank's line costs per word index are 2 x (1 + 8 x 0.23) instead of 2 x (1 + 8 x 0.279) (docs/simulator.md).
    double cached = 11.0 / 64;
    double seconds = 56e-6 + 64 * 1048576 * (cached / (6.68e9 * 6.464 / 5.68) + (1 - cached) / 6.68e9);
    assertEquals(seconds * 1e3, j.get("ms").asDouble(), 1e-9);
    assertEquals(64 * 1048576 / seconds / 1e9, j.get("gbps").asDouble(), 1e-9);
  }

  @Test
  void xferAtFullScaleIsHostBoundAndNumaAwarePlacementHelps() throws Exception {
    // upmem-2560-450, 2,048 DPUs = 32 ranks: socket 0 holds 20 ranks, socket 1 12. One rank's 4 SDK threads fill a
    // socket's 4 cores, so socket 0 takes 20 rank-times (6.68 GB/s per rank alone); socket 1 takes 12, times 2.9
    // when its buffers are remote (34.8), else 12 (socket 0's 20 decides).
    double bytes = 2048.0 * 1048576;
    double cached = 16.5 / 2048; // share of the 2 GiB in the L3, at 5.68 / 6.464 of the DRAM time
    double rank = 64 * 1048576 / 6.68e9 * (1 - cached + cached * 5.68 / 6.464);
    JsonNode stock = json("microbench", "xfer", "--hw", "upmem-2560-450", "--dpus", "2048", "--bytes-per-dpu",
        "1048576", "--json");
    assertEquals((56e-6 + 34.8 * rank) * 1e3, stock.get("ms").asDouble(), 1e-9);
    assertEquals(bytes / (56e-6 + 34.8 * rank) / 1e9, stock.get("gbps").asDouble(), 1e-9);
    JsonNode aware = json("microbench", "xfer", "--hw", "upmem-2560-450", "--dpus", "2048", "--bytes-per-dpu",
        "1048576", "--numa-aware", "--json");
    assertEquals((56e-6 + 20 * rank) * 1e3, aware.get("ms").asDouble(), 1e-9);
    assertTrue(aware.get("bound").asText().startsWith("host cores"), aware.toString());
  }

  @Test
  void vaAndGemvVerifyAgainstTheCpu() throws Exception {
    JsonNode va = json("microbench", "va", "--dpus", "4", "--elements", "10000", "--tasklets", "16", "--verify", "--json");
    assertTrue(va.get("verified").asBoolean());
    assertTrue(va.get("kernelMs").asDouble() > 0 && va.get("h2dMs").asDouble() > 0 && va.get("d2hMs").asDouble() > 0);
    JsonNode gemv = json("microbench", "gemv", "--dpus", "3", "--rows", "101", "--cols", "300", "--tasklets", "16",
        "--verify", "--json");
    assertTrue(gemv.get("verified").asBoolean());
  }

  @Test
  void calibrationPrintsTheTable() throws Exception {
    MainTest.Result r = MainTest.run("microbench", "calibration");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("| figure | published | simulated | error | basis | source |"), r.out());
    assertTrue(r.out().contains("| add int32, 16 tasklets | 58.0 MOPS | 58.3 MOPS | +0.6% | predicted |"), r.out());
  }

  @Test
  void badMicrobenchArgumentsAreClearErrors() {
    MainTest.Result r = MainTest.run("microbench", "mram", "--bytes", "12");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("error: --bytes 12: an MRAM transfer is a multiple of 8"), r.err());
    r = MainTest.run("microbench", "arith", "--op", "pow");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("error: --op pow is not one of: add, sub, mul, div, mac"), r.err());
    r = MainTest.run("microbench", "xfer", "--kind", "broadcast", "--direction", "d2h");
    assertEquals(2, r.code(), r.err());
    r = MainTest.run("microbench", "va", "--hw", "upmem-2560-450", "--dpus", "3000");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("cannot allocate 3000 DPUs"), r.err());
  }

  @Test
  void primRunPrintsTheCsvColumnsAsJson() throws Exception {
    JsonNode j = json("microbench", "prim", "RED", "--dpus", "4", "--param", "524288", "--json");
    for (String f : new String[] {"kernelMs", "cpuDpuMs", "dpuCpuMs", "interDpuMs"}) {
      assertTrue(j.has(f), f + " in " + j);
    }
    assertTrue(j.get("kernelMs").asDouble() > 0);
    JsonNode v = json("microbench", "prim", "SEL", "--dpus", "2", "--param", "10000", "--verify", "--json");
    assertTrue(v.get("verified").asBoolean());
  }

  @Test
  void primUnknownNameAndMissingParamAreOneLineErrors() {
    MainTest.Result r = MainTest.run("microbench", "prim", "GEMM", "--dpus", "4", "--param", "10");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("error: unknown PrIM benchmark 'GEMM'; known: BS, HST-L"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    r = MainTest.run("microbench", "prim", "RED", "--dpus", "4");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("error: --param is required"), r.err());
    r = MainTest.run("microbench", "prim", "TRNS", "--dpus", "128", "--param", "32");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("error: TRNS: --dpus 128 exceeds the 64 column tiles"), r.err());
  }

  @Test
  void primAllCoversEveryCsvRowInJson() throws Exception {
    JsonNode j = json("microbench", "prim", "--all", "--json");
    assertEquals(110, j.get("rows").size());
    JsonNode last = j.get("mape").get(j.get("mape").size() - 1);
    assertEquals("overall", last.get("group").asText());
    assertEquals(110, last.get("rows").asInt());
  }
}
