package org.pimllm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelsCommandTest {

  @TempDir Path dir;

  @Test
  void listsTheWholeZooWithCountsAndFootprint() throws Exception {
    JsonNode rows = SimCommandsTest.json("models", "--json");
    assertEquals(13, rows.size());
    JsonNode llama = null;
    for (JsonNode r : rows) {
      if (r.get("model").asText().equals("llama-7b")) {
        llama = r;
      }
      assertTrue(r.get("fitsInMram").asBoolean(), r.toString()); // 2,560 DPUs x 64 MiB = 160 GiB
    }
    assertEquals(6_738_415_616L, llama.get("parameters").asLong()); // Hugging Face LlamaForCausalLM
    long perLayer = 4L * 4096 * 4096 + 3L * 4096 * 11008;
    assertEquals(32 * perLayer + 32000L * 4096, llama.get("int8WeightBytes").asLong());
    assertEquals("lm_head.weight", llama.get("largestGemmWeight").asText());
    assertEquals(2560L * (64L << 20), llama.get("mramBytes").asLong());
  }

  @Test
  void saysWhenAModelDoesNotFit() throws Exception {
    JsonNode rows = SimCommandsTest.json("models", "llama-7b", "gpt2", "--dpus", "64", "--json");
    assertEquals(2, rows.size());
    assertFalse(rows.get(0).get("fitsInMram").asBoolean(), "6.2 GiB of int8 weights in 64 x 64 MiB");
    assertTrue(rows.get(1).get("fitsInMram").asBoolean());
    MainTest.Result r = MainTest.run("models", "llama2-13b", "--dpus", "128");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("llama2-13b") && r.out().contains("NO"), r.out());
  }

  @Test
  void printsTheGraphOfAReducedModel() {
    MainTest.Result r = MainTest.run("models", "llama-7b", "--print-ir", "--layers", "1", "--seq", "16");
    assertEquals(0, r.code(), r.err());
    for (String op : new String[] {"nn.rms_norm", "nn.rotary_embedding", "nn.causal_mask", "nn.silu", "nn.dense"}) {
      assertTrue(r.out().contains(op), op + " missing in:\n" + r.out());
    }
    assertTrue(r.out().contains("32000") && !r.out().contains("model.layers.1."), r.out());
  }

  /**
   * What `models --print-ir` prints is what `compile --ir` loads: the zoo's weights are printed as seeded synthetic
   * descriptors (meta[Constant][i] = synthetic(type, dist, seed=.., scale=..)), so the text parses back to the very
   * graph ModelZoo builds, and compiling the file gives the placement table of compiling the model.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"bert-tiny, 2, 32", "gpt2, 1, 16", "llama-7b, 1, 16"})
  void printedIrLoadsBackAsTheSameGraph(String model, int layers, int seq) throws Exception {
    MainTest.Result r = MainTest.run("models", model, "--print-ir", "--layers", "" + layers, "--seq", "" + seq);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("= synthetic(Tensor["), r.out());
    org.pimllm.ir.IRModule built = org.pimllm.models.zoo.ModelZoo.build(
        CompileCommand.withLayers(org.pimllm.models.zoo.ModelZoo.get(model), layers), seq);
    org.pimllm.ir.IRModule parsed = org.pimllm.ir.text.Parser.parse(r.out());
    assertTrue(org.pimllm.ir.StructuralEqual.equal(built, parsed),
        () -> org.pimllm.ir.StructuralEqual.mismatch(built, parsed).orElse(""));

    Path file = Files.writeString(dir.resolve(model + ".relay"), r.out());
    MainTest.Result fromFile = MainTest.run("compile", "--ir", file.toString(), "--dpus", "256", "--json");
    MainTest.Result fromZoo = MainTest.run("compile", "--model", model, "--layers", "" + layers, "--seq", "" + seq,
        "--dpus", "256", "--json");
    assertEquals(0, fromFile.code(), fromFile.err());
    assertEquals(fromZoo.out(), fromFile.out());
  }

  @Test
  void unknownModelIsAOneLineError() {
    MainTest.Result r = MainTest.run("models", "llama-70b");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("error: unknown model 'llama-70b'; the zoo has bert-tiny"), r.err());
  }

  @Test
  void checkpointMissingAParameterIsNamed() throws Exception {
    String header = "{\"pooler.dense.bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + 4).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).putFloat(0);
    Path file = Files.write(dir.resolve("bert.safetensors"), b.array());
    MainTest.Result r = MainTest.run("models", "bert-tiny", "--checkpoint", file.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("no tensor for bert-tiny's parameter 'embeddings.word_embeddings.weight' (30522, 128)"), r.err());
    r = MainTest.run("models", "--checkpoint", file.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("exactly one MODEL"), r.err());
  }
}
