package org.pimllm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class GenerateCommandTest {

  @Test
  void functionalTinyModelsMatchTheReference() throws Exception {
    MainTest.Result r = MainTest.run("generate", "--model", "llama-tiny", "--prompt-len", "5", "--tokens", "3",
        "--variants", "cpu,base", "--dpus", "64", "--functional", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode list = HwCommand.JSON.readTree(r.out());
    assertEquals(2, list.size());
    for (JsonNode rec : list) {
      assertTrue(rec.get("matchesReference").asBoolean(), rec.toString());
      assertEquals(3, rec.get("generated").size());
      assertEquals(5, rec.get("promptLen").asInt());
      assertTrue(rec.get("msPerToken").asDouble() > 0 && rec.get("ttftMs").asDouble() > 0);
      assertEquals(1000 / rec.get("msPerToken").asDouble(), rec.get("tokensPerSecond").asDouble(), 1e-9);
      assertTrue(rec.get("rooflineMsPerToken").asDouble() > 0 && rec.has("bound"), rec.toString());
    }
    // greedy tokens are a property of the model, not of where its GEMMs ran (int8 is exact)
    assertEquals(list.get(0).get("generated"), list.get(1).get("generated"));
    assertTrue(list.get(1).get("decodePimGemms").asInt() > 0);
  }

  @Test
  void int4WeightsMatchTheReferenceAndAreNamedInTheRecords() throws Exception {
    MainTest.Result r = MainTest.run("generate", "--model", "llama-tiny", "--prompt-len", "5", "--tokens", "3",
        "--variants", "cpu,base", "--dpus", "64", "--functional", "--weights", "int4", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode list = HwCommand.JSON.readTree(r.out());
    for (JsonNode rec : list) {
      assertEquals("int4", rec.get("weights").asText());
      assertTrue(rec.get("matchesReference").asBoolean(), rec.toString());
    }
    // the DPUs' int4 kernel (base runs every GEMM on PIM) and the host's integer dense give the same tokens
    assertEquals(list.get(0).get("generated"), list.get(1).get("generated"));
    assertTrue(list.get(1).get("decodePimGemms").asInt() > 0);
    r = MainTest.run("generate", "--model", "llama-tiny", "--weights", "int2");
    assertTrue(r.code() != 0 && r.err().contains("unknown weights 'int2'"), r.err());
  }

  @Test
  void textReportHasSpeedupsOverBothBaselines() {
    MainTest.Result r = MainTest.run("generate", "--model", "gpt2-tiny", "--prompt-len", "8", "--tokens", "4",
        "--variants", "cpu,cpu-peak,pimllm", "--dpus", "64");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("vs cpu") && r.out().contains("+host") && r.out().contains("1.00x"), r.out());
    assertTrue(r.out().contains("Roofline of a token") && r.out().contains("bound: "), r.out());
  }

  @Test
  void jsonHasTheRooflineAndTheBoundOfEachVariant() throws Exception {
    MainTest.Result r = MainTest.run("generate", "--model", "llama-tiny", "--prompt-len", "8", "--tokens", "3",
        "--variants", "cpu-peak,+resident,+async", "--dpus", "64", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode list = HwCommand.JSON.readTree(r.out());
    assertEquals(3, list.size());
    double roof = list.get(0).get("rooflineMsPerToken").asDouble();
    for (JsonNode rec : list) {
      assertTrue(rec.get("rooflineMsPerToken").asDouble() > 0, rec.toString());
      assertTrue(java.util.Set.of("dpu_instruction_issue", "mram_bandwidth", "host_transfers", "launches", "host_ops")
          .contains(rec.get("bound").asText()), rec.toString());
      assertEquals(2, rec.get("timedSteps").size(), "2 decode steps, both timed");
      assertTrue(rec.get("timedSteps").get(0).has("bound") && rec.get("timedSteps").get(1).get("cacheLength").asInt() == 9);
      JsonNode t = rec.get("roofline");
      assertEquals(rec.get("rooflineMsPerToken").asDouble(), Math.max(t.get("computeMs").asDouble(),
          Math.max(t.get("mramMs").asDouble(), t.get("transferMs").asDouble())) + t.get("hostMs").asDouble(), 1e-9);
    }
    assertEquals("host_ops", list.get(0).get("bound").asText(), "cpu-peak runs everything on the host");
    assertEquals(roof, list.get(1).get("rooflineMsPerToken").asDouble(), 1e-9, "same graph, same roofline");
    assertEquals("pimllm", list.get(1).get("prefillVariant").asText());
  }

  @Test
  void kvCacheInMramIsSwitchableAndReportedPerRecord() throws Exception {
    MainTest.Result r = MainTest.run("generate", "--model", "llama-tiny", "--prompt-len", "5", "--tokens", "3",
        "--variants", "pimllm", "--dpus", "64", "--functional", "--kv-cache", "mram", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode rec = HwCommand.JSON.readTree(r.out()).get(0);
    assertTrue(rec.get("matchesReference").asBoolean(), rec.toString());
    assertEquals("mram 4/4", rec.get("kvCache").asText());
    assertTrue(rec.get("kvPlacementMs").asDouble() > 0);
    r = MainTest.run("generate", "--model", "llama-tiny", "--prompt-len", "5", "--tokens", "3", "--variants", "pimllm",
        "--dpus", "64", "--kv-cache", "host", "--json");
    assertEquals("mram 0/4", HwCommand.JSON.readTree(r.out()).get(0).get("kvCache").asText());
    r = MainTest.run("generate", "--model", "llama-tiny", "--kv-cache", "disk");
    assertTrue(r.code() == 2 && r.err().contains("use host, mram or auto"), r.err());
  }

  @Test
  void benchDecodePhaseWritesGenerationRecordsAndSkipsEncoders() throws Exception {
    java.nio.file.Path json = java.nio.file.Files.createTempFile("decode", ".json");
    MainTest.Result r = MainTest.run("bench", "--phase", "decode", "--models", "bert-tiny,gpt2", "--seq", "8", "--tokens", "3",
        "--dpus", "64", "--variants", "cpu,pimllm", "--json", json.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("decode skips bert-tiny (encoders"), r.out());
    JsonNode list = HwCommand.JSON.readTree(json.toFile());
    assertEquals(2, list.size());
    for (JsonNode rec : list) {
      assertEquals("gpt2", rec.get("model").asText());
      assertEquals(8, rec.get("promptLen").asInt());
      assertEquals(3, rec.get("tokens").asInt());
      assertEquals(64, rec.get("dpus").asInt());
      assertEquals(1000 / rec.get("msPerToken").asDouble(), rec.get("tokensPerSecond").asDouble(), 1e-9);
      assertTrue(rec.get("ttftMs").asDouble() > 0 && rec.has("weights") && rec.has("kvCache"), rec.toString());
    }
    assertEquals("+host", list.get(1).get("decodeVariant").asText());
    java.nio.file.Path both = java.nio.file.Files.createTempFile("both", ".json");
    r = MainTest.run("bench", "--phase", "both", "--models", "gpt2", "--seq", "8", "--tokens", "2", "--dpus", "64",
        "--variants", "cpu,pimllm", "--json", both.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(2, HwCommand.JSON.readTree(both.toFile()).get("records").size(), "the prefill records, as before");
    java.nio.file.Path decoded = BenchCommand.decodeJson(both);
    assertTrue(decoded.getFileName().toString().endsWith(".decode.json") && r.out().contains(decoded.toString()), r.out());
    assertEquals(2, HwCommand.JSON.readTree(decoded.toFile()).size());
    assertEquals(2, HwCommand.JSON.readTree(decoded.toFile()).get(0).get("tokens").asInt());
    r = MainTest.run("bench", "--phase", "sideways");
    assertTrue(r.code() == 2 && r.err().contains("--phase must be prefill, decode or both"), r.err());
  }

  @Test
  void badRequestsAreOneLineErrors() {
    MainTest.Result r = MainTest.run("generate", "--model", "bert-base");
    assertTrue(r.code() != 0);
    assertTrue(r.err().contains("encoder"), r.err());
    r = MainTest.run("generate", "--model", "gpt2", "--prompt-len", "1000", "--tokens", "64");
    assertTrue(r.code() != 0 && r.err().contains("1063 positions"), r.err());
    r = MainTest.run("generate", "--model", "gpt2", "--variants", "gpu");
    assertTrue(r.code() != 0 && r.err().contains("unknown variant 'gpu'") && r.err().contains("+async"), r.err());
  }
}
