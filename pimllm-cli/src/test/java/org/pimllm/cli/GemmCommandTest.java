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
  void functionalRunIsVerifiedAgainstTheCpuReference() throws Exception {
    JsonNode j = json(MainTest.run("gemm", "--m", "5", "--k", "72", "--n", "11", "--dpus", "64", "--strategy", "ntile",
        "--fn", "3", "--functional", "--json"));
    assertTrue(j.get("verified").asBoolean(), j.toString());
    assertEquals("ntile", j.get("plan").get("strategy").asText());
    assertEquals(3, j.get("plan").get("fN").asInt());
    assertEquals(15, j.get("dpusUsed").asInt());
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
    MainTest.Result r = MainTest.run("gemm", "--m", "6", "--k", "96", "--n", "20", "--strategy", "auto", "--fm", "2");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("error: --strategy auto lets the Tile-Selector choose"), r.err());
  }

  @Test
  void illegalPlansAndBadValuesAreOneLineErrors() {
    MainTest.Result r = MainTest.run("gemm", "--m", "8", "--k", "64", "--n", "64", "--tile-k", "16");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("Tile_K * element size must be >= 64 bytes"), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
    r = MainTest.run("gemm", "--m", "8", "--k", "64", "--n", "64", "--dtype", "int4");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("error: unknown GEMM dtype 'int4'; known: int8, int16, int32, fp32"), r.err());
    r = MainTest.run("gemm", "--m", "8", "--k", "64", "--n", "64", "--strategy", "ntile");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("NtileGEMM needs fN >= 2"), r.err());
    r = MainTest.run("gemm", "--m", "0", "--k", "64", "--n", "64");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("GEMM dimension M must be >= 1"), r.err());
  }
}
