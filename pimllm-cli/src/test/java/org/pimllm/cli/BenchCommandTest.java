package org.pimllm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchCommandTest {

  @Test
  void smallBenchWritesTablesAndEveryExport(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("r.json"), csv = dir.resolve("r.csv"), trace = dir.resolve("t.json"), png = dir.resolve("p.png");
    MainTest.Result r = MainTest.run("bench", "--models", "bert-tiny", "--seq", "16", "--dpus", "64", "--hw", "upmem-2556-350",
        "--variants", "cpu,naive,base,pimllm", "--no-progress", "--json", json.toString(), "--csv", csv.toString(),
        "--trace", trace.toString(), "--plot", png.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("Speedup over base"), r.out());
    assertTrue(r.out().contains("geomean"), r.out());
    assertTrue(r.out().contains("unpooled DPU allocation"), r.out());

    JsonNode j = new ObjectMapper().readTree(json.toFile());
    assertEquals(4, j.get("records").size());
    for (JsonNode rec : j.get("records")) {
      double sum = 0;
      for (var it = rec.get("categoriesMs").elements(); it.hasNext(); ) sum += it.next().asDouble();
      assertEquals(rec.get("totalMs").asDouble(), sum, 1e-9 * Math.max(1, sum), "categories add up to the total");
    }
    JsonNode naive = j.get("records").get(1);
    assertEquals("naive", naive.get("variant").asText());
    assertTrue(naive.get("categoriesMs").get("alloc").asDouble() > 0, "naive allocates per GEMM");
    assertEquals(5, Files.readAllLines(csv).size(), "header + 4 runs");
    JsonNode t = new ObjectMapper().readTree(trace.toFile());
    assertTrue(t.get("traceEvents").size() > 10);
    assertEquals("X", t.get("traceEvents").get(3).get("ph").asText());
    byte[] head = Files.readAllBytes(png);
    assertEquals((byte) 0x89, head[0]);
    assertEquals('P', head[1]);
  }

  @Test
  void functionalBenchChecksOutputsAgainstTheReference() {
    MainTest.Result r = MainTest.run("bench", "--models", "bert-tiny", "--seq", "8", "--dpus", "64", "--hw", "upmem-2556-350",
        "--variants", "cpu,base", "--functional", "--no-progress");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("exact"), r.out());
    assertTrue(!r.out().contains("MISMATCH"), r.out());
  }

  @Test
  void badArgumentsAreOneLineErrors() {
    MainTest.Result r = MainTest.run("bench", "--models", "bert-huge", "--no-progress");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("unknown model 'bert-huge'"), r.err());
    MainTest.Result d = MainTest.run("bench", "--models", "bert-tiny", "--dpus", "9999", "--no-progress");
    assertEquals(2, d.code());
    assertTrue(d.err().contains("9999 DPUs requested"), d.err());
    MainTest.Result f = MainTest.run("bench", "--models", "llama-7b", "--functional", "--no-progress");
    assertEquals(2, f.code());
    assertTrue(f.err().contains("--functional runs real data"), f.err());
  }
}
