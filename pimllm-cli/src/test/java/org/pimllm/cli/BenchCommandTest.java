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
  void int4WeightsRunFunctionallyExactAndNeedStaticQuantization() {
    MainTest.Result r = MainTest.run("bench", "--models", "bert-tiny", "--seq", "8", "--dpus", "64", "--hw", "upmem-2556-350",
        "--variants", "cpu,base", "--functional", "--weights", "int4", "--no-progress");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("exact") && !r.out().contains("MISMATCH"), r.out());
    r = MainTest.run("bench", "--models", "bert-tiny", "--weights", "int4", "--quant", "dynamic");
    assertTrue(r.code() != 0 && r.err().contains("--weights int4 needs --quant static"), r.err());
  }

  @Test
  void onnxModelsAreBenchmarkedLikeZooModels(@TempDir Path dir) throws Exception {
    System.setProperty("pimllm.home", ".."); // surefire runs in pimllm-cli/; the bundled models are in ../models
    Path json = dir.resolve("q.json");
    MainTest.Result r = MainTest.run("bench", "--onnx", "minilm-l6-q", "--seq", "16", "--dpus", "64", "--hw", "upmem-2556-350",
        "--variants", "cpu,cpu-peak,base,ts+adj", "--no-progress", "--json", json.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("minilm-l6-q"), r.out());
    JsonNode recs = new ObjectMapper().readTree(json.toFile()).get("records");
    assertEquals(4, recs.size());
    for (JsonNode rec : recs) {
      assertEquals("minilm-l6-q", rec.get("model").asText());
      assertEquals(16, rec.get("seq").asInt());
      assertTrue(rec.get("totalMs").asDouble() > 0, rec.toString());
    }
    // six layers x (Q, K, V, O, FFN1, FFN2 weight GEMMs + Q.K^T and P.V batched matmuls) = 48, all on the host for cpu
    JsonNode cpu = recs.get(0);
    assertEquals(0, cpu.get("pimGemms").asLong(), cpu.toString());
    assertEquals(48, cpu.get("cpuGemms").asLong(), cpu.toString());

    MainTest.Result f = MainTest.run("bench", "--onnx", "minilm-l6", "--seq", "8", "--dpus", "64", "--hw", "upmem-2556-350",
        "--variants", "cpu,ts+adj", "--functional", "--no-progress");
    assertEquals(0, f.code(), f.err());
    assertTrue(f.out().contains("exact") && !f.out().contains("MISMATCH"), f.out());

    // --quant dynamic: the same model with run-time activation ranges; its zero-point GEMMs on PIM are exact too
    Path dyn = dir.resolve("dyn.json");
    MainTest.Result d = MainTest.run("bench", "--onnx", "minilm-l6", "--seq", "8", "--dpus", "64", "--hw", "upmem-2556-350",
        "--variants", "cpu,ts+adj", "--quant", "dynamic", "--functional", "--no-progress", "--json", dyn.toString());
    assertEquals(0, d.code(), d.err());
    assertTrue(d.out().contains("--quant dynamic"), d.out());
    JsonNode dRecs = new ObjectMapper().readTree(dyn.toFile()).get("records");
    for (JsonNode rec : dRecs) assertEquals("exact", rec.get("check").asText(), rec.toString());
    assertEquals(48, dRecs.get(1).get("pimGemms").asLong(), "ts+adj: all 48 GEMMs on PIM, 36 of them with zero points");
    // the stored quantized model with its fp32 attention matmuls kept on the host: every variant bit-exact
    Path q = dir.resolve("q-host.json");
    MainTest.Result h = MainTest.run("bench", "--onnx", "minilm-l6-q", "--seq", "8", "--dpus", "64", "--hw", "upmem-2556-350",
        "--variants", "cpu,ts+adj", "--fp32-gemms", "host", "--functional", "--no-progress", "--json", q.toString());
    assertEquals(0, h.code(), h.err());
    JsonNode hRecs = new ObjectMapper().readTree(q.toFile()).get("records");
    for (JsonNode rec : hRecs) assertEquals("exact", rec.get("check").asText(), rec.toString());
    assertEquals(36, hRecs.get(1).get("pimGemms").asLong(), "ts+adj: the 36 MatMulIntegers on PIM");
    assertEquals(12, hRecs.get(1).get("cpuGemms").asLong(), "ts+adj: the 12 fp32 attention matmuls on the host");
    MainTest.Result badPlace = MainTest.run("bench", "--onnx", "minilm-l6-q", "--fp32-gemms", "dpu", "--no-progress");
    assertEquals(2, badPlace.code());
    assertTrue(badPlace.err().contains("--fp32-gemms must be pim or host"), badPlace.err());
    MainTest.Result badQuant = MainTest.run("bench", "--onnx", "minilm-l6", "--quant", "half", "--no-progress");
    assertEquals(2, badQuant.code());
    assertTrue(badQuant.err().contains("--quant must be static or dynamic"), badQuant.err());
    MainTest.Result quantized = MainTest.run("bench", "--onnx", "minilm-l6-q", "--quant", "dynamic", "--no-progress");
    assertEquals(2, quantized.code());
    assertTrue(quantized.err().contains("already quantized"), quantized.err());

    MainTest.Result both = MainTest.run("bench", "--onnx", "minilm-l6", "--models", "bert-tiny", "--no-progress");
    assertEquals(2, both.code());
    assertTrue(both.err().contains("give one of them"), both.err());
    MainTest.Result missing = MainTest.run("bench", "--onnx", dir.resolve("nope.onnx").toString(), "--no-progress");
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("not found"), missing.err());
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
