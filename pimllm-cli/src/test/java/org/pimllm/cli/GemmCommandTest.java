package org.pimllm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class GemmCommandTest {

  static JsonNode json(MainTest.Result r) throws Exception {
    assertEquals(0, r.code(), r.err());
    return new ObjectMapper().readTree(r.out());
  }

  @Test
  void int4RunsAreVerifiedAndMoveHalfTheBytesOfB() throws Exception {
    JsonNode i4 = json(MainTest.run("gemm", "--m", "3", "--k", "512", "--n", "64", "--dpus", "8", "--strategy", "ntile",
        "--fn", "8", "--dtype", "int4", "--functional", "--json"));
    assertTrue(i4.get("verified").asBoolean(), i4.toString());
    assertEquals("int4_g128", i4.get("dtype").asText());
    JsonNode i8 = json(MainTest.run("gemm", "--m", "3", "--k", "512", "--n", "64", "--dpus", "8", "--strategy", "ntile",
        "--fn", "8", "--json"));
    // per DPU: B 8 columns x 512 / Tile_K records of (Tile_K / 2 packed bytes + 8 bytes of multipliers) vs 8 x 512;
    // A 3 x 512; args 64
    int tileK = i4.get("plan").get("tileK").asInt();
    assertEquals(8 * (8 * (512 / tileK) * (tileK / 2 + 8) + 3 * 512 + 64), i4.get("bytesToDpus").asLong());
    assertEquals(8 * (8 * 512 + 3 * 512 + 64), i8.get("bytesToDpus").asLong());
  }

  @Test
  void functionalRunIsVerifiedAgainstTheCpuReference() throws Exception {
    JsonNode j = json(MainTest.run("gemm", "--m", "5", "--k", "72", "--n", "11", "--dpus", "64", "--strategy", "ntile",
        "--fn", "3", "--functional", "--json"));
    assertTrue(j.get("verified").asBoolean(), j.toString());
    assertEquals("ntile", j.get("plan").get("strategy").asText());
    assertEquals(3, j.get("plan").get("fN").asInt()); // fixed by --fn; fM chosen by the Tile-Selector
    assertEquals(3 * j.get("plan").get("fM").asInt(), j.get("dpusUsed").asInt());
    assertTrue(j.get("dpusUsed").asInt() <= 64, j.toString());
    for (String f : new String[] {"totalMs", "h2dMs", "kernelMs", "d2hMs", "hostMs", "launchMs", "kernelEfficiency"}) {
      assertTrue(j.has(f), "missing " + f);
    }
    double sum = j.get("h2dMs").asDouble() + j.get("kernelMs").asDouble() + j.get("d2hMs").asDouble()
        + j.get("hostMs").asDouble() + j.get("launchMs").asDouble();
    assertEquals(j.get("totalMs").asDouble(), sum, 1e-9);
  }

  @Test
  void textOutputShowsPlanBreakdownAndVerification() {
    MainTest.Result r = MainTest.run("gemm", "--m", "3", "--k", "40", "--n", "6", "--dtype", "fp32", "--dpus", "16",
        "--strategy", "ktile", "--fk", "2", "--functional", "--b-layout", "row");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("plan: ktile (1, 3, 40, 6) fp32"), r.out());
    assertTrue(r.out().contains("kernel: "), r.out());
    assertTrue(r.out().contains("verified: true"), r.out());
  }

  @Test
  void residentBReportsItsOneTimeCostApart() throws Exception {
    JsonNode j = json(MainTest.run("gemm", "--m", "16", "--k", "1024", "--n", "1024", "--dpus", "128", "--strategy",
        "ntile", "--fn", "64", "--resident-b", "--json"));
    assertTrue(j.get("residentB").asBoolean());
    assertTrue(j.get("residentPrepareH2dMs").asDouble() > 0);
    assertTrue(j.get("residentBytesToDpus").asLong() > j.get("bytesToDpus").asLong(), j.toString());
  }

  @Test
  void autoStrategyRunsTheTileSelectorsPlanAndVerifiesIt() throws Exception {
    JsonNode j = json(MainTest.run("gemm", "--m", "6", "--k", "96", "--n", "20", "--dpus", "64", "--strategy", "auto",
        "--functional", "--json"));
    assertTrue(j.get("verified").asBoolean(), j.toString());
    assertTrue(j.get("dpusUsed").asInt() <= 64, j.toString());
    // auto with a factor: any strategy, that factor fixed
    j = json(MainTest.run("gemm", "--m", "6", "--k", "96", "--n", "20", "--dpus", "64", "--strategy", "auto", "--fm",
        "2", "--json"));
    assertEquals(2, j.get("plan").get("fM").asInt(), j.toString());
  }

  @Test
  void aStrategyWithoutFactorsGetsTheSelectorsBestPlanOfThatStrategy() throws Exception {
    // issue 11: this failed with "NtileGEMM needs fN >= 2" when --fn defaulted to 1
    for (String st : new String[] {"base", "ntile", "ktile", "mixed"}) {
      JsonNode j = json(MainTest.run("gemm", "--strategy", st, "--m", "64", "--k", "96", "--n", "130", "--dpus", "32",
          "--functional", "--json"));
      JsonNode p = j.get("plan");
      assertEquals(st, p.get("strategy").asText(), j.toString());
      assertTrue(j.get("verified").asBoolean(), j.toString());
      assertTrue(p.get("dpus").asInt() <= 32, j.toString());
      // the strategy's rule holds for the chosen factors
      int fK = p.get("fK").asInt();
      int fN = p.get("fN").asInt();
      assertEquals(st.equals("ntile") || st.equals("mixed"), fN >= 2, j.toString());
      assertEquals(st.equals("ktile") || st.equals("mixed"), fK >= 2, j.toString());
    }
    JsonNode batched = json(MainTest.run("gemm", "--strategy", "batched", "--b", "4", "--m", "16", "--k", "64", "--n",
        "40", "--dpus", "32", "--functional", "--json"));
    assertTrue(batched.get("plan").get("fB").asInt() >= 2, batched.toString());
    assertTrue(batched.get("verified").asBoolean(), batched.toString());
  }

  @Test
  void givenFactorsAndKernelParametersAreKeptAndTheRestChosen() throws Exception {
    JsonNode p = json(MainTest.run("gemm", "--strategy", "mixed", "--fk", "3", "--m", "64", "--k", "96", "--n", "130",
        "--dpus", "32", "--tile-k", "64", "--json")).get("plan");
    assertEquals("mixed", p.get("strategy").asText());
    assertEquals(3, p.get("fK").asInt());
    assertTrue(p.get("fN").asInt() >= 2, p.toString());
    assertEquals(64, p.get("tileK").asInt());
    p = json(MainTest.run("gemm", "--strategy", "ntile", "--fn", "10", "--fm", "3", "--m", "64", "--k", "96", "--n",
        "130", "--dpus", "32", "--tasklets", "16", "--block", "1x4", "--json")).get("plan");
    assertEquals(10, p.get("fN").asInt());
    assertEquals(3, p.get("fM").asInt());
    assertEquals(16, p.get("tasklets").asInt());
    assertEquals(1, p.get("blockRows").asInt());
    assertEquals(4, p.get("blockCols").asInt());
  }

  @Test
  void illegalPlansAndBadValuesAreOneLineErrors() {
    MainTest.Result r = MainTest.run("gemm", "--m", "8", "--k", "64", "--n", "64", "--tile-k", "16");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("Tile_K * element size must be >= 64 bytes"), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
    r = MainTest.run("gemm", "--m", "8", "--k", "64", "--n", "64", "--dtype", "int3");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("error: unknown GEMM dtype 'int3'; known: int8, int16, int32, fp32, int4_g32"), r.err());
    r = MainTest.run("gemm", "--m", "8", "--k", "64", "--n", "64", "--strategy", "ntile", "--fn", "1");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("NtileGEMM needs fN >= 2"), r.err());
    r = MainTest.run("gemm", "--m", "8", "--k", "64", "--n", "64", "--strategy", "batched");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("BatchedGEMM divides the DPUs over the batch"), r.err());
    r = MainTest.run("gemm", "--m", "8", "--k", "64", "--n", "64", "--strategy", "ntile", "--fn", "40", "--dpus", "32");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("need more than 32 DPUs or cut a dimension"), r.err());
    r = MainTest.run("gemm", "--m", "0", "--k", "64", "--n", "64");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("GEMM dimension M must be >= 1"), r.err());
  }

  /** The heap check compares a computed need with a given limit, so it is tested without depending on -Xmx. */
  @Test
  void functionalMemoryNeedIsCheckedAgainstTheHeapUpFront() {
    org.pimllm.sim.HardwareConfig cfg = org.pimllm.sim.HardwareConfig.preset("upmem-2560-450").withDpus(64);
    org.pimllm.pgemm.GemmShape shape = org.pimllm.pgemm.GemmShape.of(1, 64, 256, 128);
    org.pimllm.pgemm.TilingPlan plan = new org.pimllm.tileselector.TileSelector(cfg).select(shape,
        org.pimllm.pgemm.GemmDType.INT8, 64, org.pimllm.tileselector.CallOptions.POOLED,
        org.pimllm.tileselector.Restriction.NONE).plan();
    GemmCommand.FunctionalMemory need = GemmCommand.FunctionalMemory.of(plan, org.pimllm.pgemm.Layout.COL_MAJOR);
    // host: A 64x256 int8, B 256x128 int8, C and its reference 64x128 int32, plus at least one packed copy of A and B
    // and the gathered C (padding can only add)
    long a = 64 * 256;
    long b = 256 * 128;
    long c = 64 * 128 * 4;
    assertTrue(need.hostBytes() >= 2 * a + 2 * b + 3 * c, need.toString());
    // MRAM: every DPU of the plan writes at least one 4 KiB page
    assertTrue(need.mramBytes() >= 4096L * plan.dpus(), need.toString());
    GemmCommand.checkFunctionalMemory(need, need.totalBytes()); // exactly enough: accepted
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> GemmCommand.checkFunctionalMemory(need, need.totalBytes() - 1));
    assertTrue(e.getMessage().contains("--functional needs about") && e.getMessage().contains("-Xmx"), e.getMessage());
  }

  @Test
  void functionalGemmTooBigForAnyHeapIsRefusedAtOnce() {
    // C of 32768 x 32768 int32 is 4 GiB: a legal plan on 2048 DPUs, but more than one Java array holds
    MainTest.Result r = MainTest.run("gemm", "--m", "32768", "--k", "1024", "--n", "32768", "--strategy", "auto",
        "--functional");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().startsWith("error: --functional holds A, B and C each in one Java array"), r.err());
  }
}
