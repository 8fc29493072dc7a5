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
    }
    // greedy tokens are a property of the model, not of where its GEMMs ran (int8 is exact)
    assertEquals(list.get(0).get("generated"), list.get(1).get("generated"));
    assertTrue(list.get(1).get("decodePimGemms").asInt() > 0);
  }

  @Test
  void textReportHasSpeedupsOverBothBaselines() {
    MainTest.Result r = MainTest.run("generate", "--model", "gpt2-tiny", "--prompt-len", "8", "--tokens", "4",
        "--variants", "cpu,cpu-peak,pimllm", "--dpus", "64");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("vs cpu") && r.out().contains("pimllm+res") && r.out().contains("1.00x"), r.out());
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
    assertEquals("pimllm+res", list.get(1).get("decodeVariant").asText());
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
    assertTrue(r.code() != 0 && r.err().contains("unknown variant 'gpu'"), r.err());
  }
}
