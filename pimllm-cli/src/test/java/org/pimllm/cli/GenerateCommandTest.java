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
    assertTrue(r.out().contains("vs cpu") && r.out().contains("pimllm+res") && r.out().contains("1.00x"), r.out());
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
