package org.pimllm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pimllm run} on the bundled MiniLM models: accuracy against ONNX Runtime, and clear errors. */
class RunCommandTest {

  @BeforeAll
  static void home() {
    System.setProperty("pimllm.home", ".."); // surefire runs in pimllm-cli/; the bundled models are in ../models
  }

  @Test
  void quantizedMiniLmMatchesOnnxRuntimeWithin1e3() throws Exception {
    MainTest.Result r = MainTest.run("run", "--onnx", "minilm-l6-q", "--text", "Processing in memory brings compute to the data.",
        "--text", "Yes.", "--dpus", "256", "--compare-ort", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertEquals(2, j.get("sentences").asInt());
    assertTrue(j.get("maxAbsDiff").asDouble() <= 1e-3, r.out());
    assertTrue(j.get("meanCosine").asDouble() >= 0.999, r.out());
    assertTrue(j.get("simulatedMs").asDouble() > 0);
  }

  @Test
  void fp32MiniLmOnTokensMatchesOnnxRuntimeWithin1e4() throws Exception {
    // [CLS] hello world [SEP] in the BERT uncased vocabulary
    MainTest.Result r = MainTest.run("run", "--onnx", "minilm-l6", "--tokens", "101,7592,2088,102", "--dpus", "256",
        "--compare-ort", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertTrue(j.get("maxAbsDiff").asDouble() <= 1e-4, r.out());
  }

  static void assertOneLineError(MainTest.Result r, String expected) {
    assertEquals(2, r.code(), r.out() + r.err());
    String err = r.err().strip();
    assertTrue(err.startsWith("error: ") && !err.contains("\n") && err.contains(expected), err);
  }

  @Test
  void badInputsAreOneLineErrors(@TempDir Path dir) throws Exception {
    assertOneLineError(MainTest.run("run", "--onnx", "minilm-l6-q", "--text", " "), "--text is empty");
    assertOneLineError(MainTest.run("run", "--onnx", "minilm-l6-q", "--tokens", "101,abc,102"), "not an integer");
    assertOneLineError(MainTest.run("run", "--onnx", "minilm-l6-q", "--tokens", "101,99999999,102"), "outside the vocabulary");
    assertOneLineError(MainTest.run("run", "--onnx", dir.resolve("nope.onnx").toString(), "--tokens", "1"), "not found");
    assertOneLineError(MainTest.run("run", "--onnx", "minilm-l6-q", "--precision", "int8", "--text", "hi"), "already quantized");
    assertOneLineError(MainTest.run("run", "--onnx", "minilm-l6-q", "--precision", "int4", "--text", "hi"), "fp32 or int8");
    assertOneLineError(MainTest.run("run", "--onnx", "minilm-l6-q", "--sentences", "mine"), "builtin");
    byte[] model = Files.readAllBytes(Path.of("../models/target/bundled/all-minilm-l6-v2-q.onnx"));
    Path truncated = dir.resolve("truncated.onnx");
    Files.write(truncated, Arrays.copyOf(model, model.length / 2));
    assertOneLineError(MainTest.run("run", "--onnx", truncated.toString(), "--tokens", "101,102"), "truncated.onnx");
    Path garbage = dir.resolve("garbage.onnx");
    Files.writeString(garbage, "this is not an ONNX model");
    assertOneLineError(MainTest.run("run", "--onnx", garbage.toString(), "--tokens", "101,102"), "");
  }
}
