package org.pimllm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class TuneCommandTest {

  @Test
  void singleShapeWithOracleReportsTheIssuesFields() throws Exception {
    MainTest.Result r = MainTest.run("tune", "--m", "64", "--k", "256", "--n", "128", "--dpus", "128", "--oracle", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    for (String f : new String[] {"selectedMs", "predictedMs", "oracleMs", "selectionMicros", "cpuMs", "plan", "rank"}) {
      assertTrue(j.has(f), "missing " + f + " in " + j);
    }
    // The oracle is the fastest simulated candidate, so it can never be slower than the selected plan.
    assertTrue(j.get("oracleMs").asDouble() <= j.get("selectedMs").asDouble() * (1 + 1e-12), j.toString());
    assertTrue(j.get("plan").get("dpus").asInt() <= 128);
  }

  @Test
  void textOutputShowsBothEstimates() {
    MainTest.Result r = MainTest.run("tune", "--m", "32", "--k", "128", "--n", "64", "--dpus", "64");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("selected plan"), r.out());
    assertTrue(r.out().contains("host CPU"), r.out());
  }

  @Test
  void badArgumentsAreOneLineErrors() {
    MainTest.Result r = MainTest.run("tune", "--m", "32", "--k", "128");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("error: give the GEMM shape"), r.err());
    r = MainTest.run("tune", "--suite", "nope");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("error: unknown suite 'nope'"), r.err());
    r = MainTest.run("tune", "--m", "32", "--k", "128", "--n", "8", "--dpus", "99999");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--dpus must be between 1 and"), r.err());
  }
}
