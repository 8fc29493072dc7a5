package org.pimllm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.pimllm.hostblas.OneDnn;

/** {@code pimllm microbench host}: the report's structure (figures are wall-clock, so only their signs are checked). */
class HostMicrobenchCommandTest {

  @Test
  void jsonReportsTheCpuEveryGemmAndStream() throws Exception {
    MainTest.Result r = MainTest.run("microbench", "host", "--m", "1", "--warmup", "0", "--reps", "1",
        "--stream-mib", "1", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertEquals(Runtime.getRuntime().availableProcessors(), j.get("cpu").get("cores").asInt());
    assertTrue(j.get("int8PeakGops").asDouble() > 0 && j.get("fp32PeakGflops").asDouble() > 0, r.out());
    assertEquals(OneDnn.available(), j.get("onednn").get("loaded").asBoolean());
    // two zoo shapes x one M x two precisions when oneDNN loads; none (and the reason) when it does not
    assertEquals(OneDnn.available() ? 4 : 0, j.get("gemms").size(), r.out());
    for (JsonNode g : j.get("gemms")) {
      assertEquals(1, g.get("shape").get("m").asInt());
      assertTrue(g.get("gops").asDouble() > 0, g.toString());
    }
    assertEquals(2, j.get("stream").size());
    JsonNode f = j.get("hostModelFractions");
    assertEquals(0.8, f.get("streamMemoryEfficiency").asDouble(), 1e-12, "upmem-2560-450's peakMemoryEfficiency");
    if (OneDnn.available()) {
      assertEquals("llama-7b ffn 4096x11008 M=1", f.get("gemvShape").asText(), "the GEMV with the largest weights");
      assertEquals(f.get("gemvStreamFraction").asDouble() * 0.8, f.get("gemvMemoryFraction").asDouble(), 1e-9);
    }
    assertTrue(j.get("idleEnoughToCite").isBoolean());
    for (JsonNode s : j.get("stream")) {
      assertTrue(s.get("gbPerSecond").asDouble() > 0, s.toString());
    }
  }

  @Test
  void badOptionsAreClearErrors() {
    MainTest.Result r = MainTest.run("microbench", "host", "--m", "0");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--m must be at least 1, got 0"), r.err());
    r = MainTest.run("microbench", "host", "--reps", "0");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--reps must be at least 1"), r.err());
  }
}
