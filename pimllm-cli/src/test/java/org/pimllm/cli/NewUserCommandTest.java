package org.pimllm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, "found when tried as a new user would": each surprise is now a one-line error, a note or the behaviour a
 * user expects, and the commands agree with each other.
 */
class NewUserCommandTest {

  @BeforeAll
  static void home() {
    System.setProperty("pimllm.home", ".."); // the bundled models are in ../models
  }

  static void assertOneLineError(MainTest.Result r, String expected) {
    assertEquals(2, r.code(), r.out() + r.err());
    String err = r.err().strip();
    assertTrue(err.startsWith("error: ") && !err.contains("\n") && err.contains(expected), err);
  }

  static List<String> gemmNames(MainTest.Result r) throws Exception {
    assertEquals(0, r.code(), r.err());
    List<String> names = new ArrayList<>();
    new ObjectMapper().readTree(r.out()).get("gemms").forEach(g -> names.add(g.get("name").asText()));
    return names;
  }

  @Test
  void compileDefaultsToInt8LikeBenchesPimllmVariant() throws Exception {
    // bench's pimllm variant quantizes every zoo model to int8; compile's default variant pimllm now does the same
    List<String> int8 = gemmNames(MainTest.run("compile", "--model", "bert-tiny", "--layers", "1", "--seq", "16", "--json"));
    assertFalse(int8.isEmpty());
    assertTrue(int8.stream().anyMatch(n -> n.contains(".int8")), int8.toString());
    List<String> fp32 = gemmNames(MainTest.run("compile", "--model", "bert-tiny", "--layers", "1", "--seq", "16",
        "--precision", "fp32", "--json"));
    assertTrue(fp32.stream().noneMatch(n -> n.contains(".int8")), fp32.toString());
    assertOneLineError(MainTest.run("compile", "--model", "bert-tiny", "--precision", "int4"), "--precision must be int8 or fp32");
  }

  @Test
  void int8OnAnInt8ModelRunsItAsBuilt() {
    MainTest.Result r = MainTest.run("run", "--onnx", "minilm-l6-q", "--precision", "int8", "--tokens", "101,7592,102",
        "--dpus", "64", "--hw", "upmem-2556-350");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("already int8") && r.err().contains("runs as built"), r.err());
    assertTrue(r.out().contains("simulated time"), r.out());
  }

  @Test
  void tooManyTokensNameTheModelsLimit() {
    String ids = "101," + "1000,".repeat(598) + "102"; // 600 ids
    assertOneLineError(MainTest.run("run", "--onnx", "minilm-l6", "--tokens", ids), "at most 512 tokens");
    String longText = "word ".repeat(600);
    assertOneLineError(MainTest.run("run", "--onnx", "minilm-l6", "--text", longText), "at most 512 tokens");
  }

  @Test
  void activationRangeMustBePositiveAndFinite() {
    for (String v : List.of("-1", "0", "NaN", "Infinity")) {
      assertOneLineError(MainTest.run("compile", "--model", "bert-tiny", "--act-abs-max", v), "--act-abs-max must be a positive finite number");
      assertOneLineError(MainTest.run("run", "--onnx", "minilm-l6", "--precision", "int8", "--quant", "static",
          "--act-abs-max", v, "--text", "hi"), "--act-abs-max must be a positive finite number");
    }
  }

  @Test
  void moreLayersThanTheModelHasIsAnError() {
    assertOneLineError(MainTest.run("compile", "--model", "bert-tiny", "--layers", "1000"), "--layers must be between 1 and the 2 layers of bert-tiny");
    assertOneLineError(MainTest.run("compile", "--model", "bert-tiny", "--layers", "0"), "--layers must be between 1");
  }

  @Test
  void irFileThatIsBinaryOrADirectoryIsNamed(@TempDir Path dir) throws Exception {
    Path bin = dir.resolve("model.bin");
    Files.write(bin, new byte[] {(byte) 0xff, (byte) 0xfe, 0, (byte) 0xc3, 0x28});
    assertOneLineError(MainTest.run("compile", "--ir", bin.toString()), "IR file " + bin + " is not UTF-8 text");
    assertOneLineError(MainTest.run("compile", "--ir", dir.toString()), "IR file " + dir + " is a directory");
  }

  @Test
  void unwritableOutputPathsFailBeforeTheBenchmarkRuns(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("plain.txt");
    Files.writeString(file, "x");
    String[] base = {"bench", "--models", "bert-tiny", "--seq", "8", "--dpus", "64", "--hw", "upmem-2556-350", "--variants", "cpu"};
    MainTest.Result r = MainTest.run(concat(base, "--json", dir.toString()));
    assertOneLineError(r, "--json " + dir + " cannot be written: it is a directory");
    assertFalse(r.out().contains("runs in"), "nothing ran: " + r.out());
    assertOneLineError(MainTest.run(concat(base, "--trace", file.resolve("t.json").toString())),
        "--trace " + file.resolve("t.json") + " cannot be written: " + file + " is not a folder");
    // a missing folder is created, as the README tour's out/ is
    Path plot = dir.resolve("out/speedup.png");
    MainTest.Result ok = MainTest.run("bench", "--models", "bert-tiny", "--seq", "8", "--dpus", "64", "--hw", "upmem-2556-350",
        "--variants", "cpu,base", "--plot", plot.toString());
    assertEquals(0, ok.code(), ok.err());
    assertTrue(Files.size(plot) > 0);
    assertFalse(ok.err().contains("\r"), "no progress bar when stderr is not a terminal: " + ok.err());
  }

  @Test
  void parserErrorsHaveOnePrefixAndHelpSummariesAreWholeSentences() {
    MainTest.Result r = MainTest.run("compile");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("error: Missing required argument"), r.err());
    assertFalse(r.err().contains("Error:"), r.err());

    MainTest.Result help = MainTest.run("--help");
    String commands = help.out().substring(help.out().indexOf("Commands:") + "Commands:".length());
    // one row per command ("  name  summary"), continuation lines indented deeper
    List<String> rows = new ArrayList<>();
    for (String line : commands.split("\n")) {
      if (line.matches("^  \\S.*")) {
        rows.add(line.strip());
      } else if (!line.isBlank() && !rows.isEmpty()) {
        rows.set(rows.size() - 1, rows.getLast() + " " + line.strip());
      }
    }
    assertTrue(rows.size() >= 8, help.out());
    rows.forEach(row -> assertTrue(row.endsWith("."), "summary cut mid-sentence: " + row));
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
