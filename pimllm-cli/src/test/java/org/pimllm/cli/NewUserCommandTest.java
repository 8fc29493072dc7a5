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
    assertOneLineError(MainTest.run("models", "bert-tiny", "--print-ir", "--layers", "3"), "--layers must be between 1 and the 2 layers");
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
  void weightsOverTheDpusMramFailAtOnce() {
    // llama-7b's ~6.5 GB of int8 weights on one DPU's 64 MiB: said before any run, not after minutes
    assertOneLineError(MainTest.run("bench", "--models", "llama-7b", "--dpus", "1"),
        "llama-7b (int8)'s weights do not fit the DPUs' MRAM");
    MainTest.Result r = MainTest.run("bench", "--models", "llama2-13b", "--dpus", "16", "--variants", "pimllm");
    assertOneLineError(r, "weights do not fit the DPUs' MRAM: with weight '");
    assertTrue(r.err().contains("but 16 DPUs have 1.00 GiB"), r.err());
    assertTrue(r.err().contains("give --dpus"), r.err());
  }

  @Test
  void hwShowJsonLoadsBackWithHw(@TempDir Path dir) throws Exception {
    MainTest.Result shown = MainTest.run("hw", "show", "upmem-2556-350", "--json");
    assertEquals(0, shown.code(), shown.err());
    Path file = dir.resolve("mine.json");
    Files.writeString(file, shown.out());
    MainTest.Result again = MainTest.run("hw", "show", file.toString());
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().startsWith("upmem-2556-350: "), again.out());
    MainTest.Result tuned = MainTest.run("tune", "--m", "16", "--k", "64", "--n", "64", "--dpus", "64", "--hw", file.toString());
    assertEquals(0, tuned.code(), tuned.err());
  }

  @Test
  void onnxGraphsWithoutNodesOrWithA2dOutputAreNamedErrors(@TempDir Path dir) throws Exception {
    Path empty = dir.resolve("empty.onnx");
    Files.write(empty, onnx(false, 2));
    assertOneLineError(MainTest.run("run", "--onnx", empty.toString(), "--tokens", "101,102"), "empty.onnx has no nodes");
    MainTest.Result bench = MainTest.run("bench", "--onnx", empty.toString(), "--seq", "8", "--dpus", "64");
    assertOneLineError(bench, "empty.onnx has no nodes");
    assertFalse(bench.out().contains("0.000"), bench.out());
    Path flat = dir.resolve("flat.onnx");
    Files.write(flat, onnx(true, 2));
    assertOneLineError(MainTest.run("run", "--onnx", flat.toString(), "--tokens", "101,102"),
        "flat.onnx: its first output 'y' has 2 dimension(s)");
  }

  /** A hand-encoded ONNX graph: input_ids (batch, seq) int64; with a node, y = Cast(input_ids) of {@code outRank} dims. */
  static byte[] onnx(boolean withNode, int outRank) throws Exception {
    byte[] dims = RunCommandTest.message(o -> {
      o.writeByteArray(1, RunCommandTest.message(d -> d.writeString(2, "batch")));
      for (int i = 1; i < outRank; i++) {
        o.writeByteArray(1, RunCommandTest.message(d -> d.writeString(2, "seq")));
      }
    });
    byte[] int64Type = RunCommandTest.message(o -> o.writeByteArray(1, RunCommandTest.message(t -> {
      t.writeInt32(1, 7); // INT64
      t.writeByteArray(2, dims);
    })));
    byte[] floatType = RunCommandTest.message(o -> o.writeByteArray(1, RunCommandTest.message(t -> {
      t.writeInt32(1, 1); // FLOAT
      t.writeByteArray(2, dims);
    })));
    byte[] input = RunCommandTest.message(o -> {
      o.writeString(1, "input_ids");
      o.writeByteArray(2, int64Type);
    });
    byte[] output = RunCommandTest.message(o -> {
      o.writeString(1, withNode ? "y" : "input_ids");
      o.writeByteArray(2, withNode ? floatType : int64Type);
    });
    byte[] node = RunCommandTest.message(o -> {
      o.writeString(1, "input_ids");
      o.writeString(2, "y");
      o.writeString(3, "cast");
      o.writeString(4, "Cast");
      o.writeByteArray(5, RunCommandTest.message(a -> {
        a.writeString(1, "to");
        a.writeInt64(3, 1);
        a.writeInt32(20, 2); // INT
      }));
    });
    byte[] graph = RunCommandTest.message(o -> {
      if (withNode) {
        o.writeByteArray(1, node);
      }
      o.writeString(2, "g");
      o.writeByteArray(11, input);
      o.writeByteArray(12, output);
    });
    return RunCommandTest.message(o -> {
      o.writeInt64(1, 8);
      o.writeByteArray(7, graph);
      o.writeByteArray(8, RunCommandTest.message(s -> s.writeInt64(2, 13)));
    });
  }


  @Test
  void hugeShapesAreNamedWithoutOverflowedNumbers() {
    for (String cmd : List.of("gemm", "tune")) {
      MainTest.Result r = MainTest.run(cmd, "--m", "2147483647", "--k", "64", "--n", "64");
      assertOneLineError(r, "--m 2147483647 is too big: at most 1073741824");
      r = MainTest.run(cmd, "--m", "1048576", "--k", "1048576", "--n", "1048576", "--dpus", "64");
      assertOneLineError(r, "is too big for 64 DPUs");
      assertFalse(r.err().strip().matches(".*-\\d.*"), "no negative (overflowed) number: " + r.err());
    }
  }

  @Test
  void everyStrategyWithoutFactorsGetsLegalOnes() {
    // issue 15: --fn defaulted to 1 and ntile failed; a strategy alone now gets the Tile-Selector's factors
    for (String strategy : List.of("base", "ntile", "ktile", "mixed", "batched", "auto")) {
      MainTest.Result r = MainTest.run("gemm", "--b", strategy.equals("batched") ? "2" : "1", "--m", "64", "--k", "96",
          "--n", "130", "--dpus", "32", "--strategy", strategy, "--json");
      assertEquals(0, r.code(), strategy + ": " + r.err());
    }
  }

  @Test
  void mainHelpPointsToTheSharedOptionsPage() {
    MainTest.Result r = MainTest.run("--help");
    assertTrue(r.out().contains("docs/cli.md"), r.out());
    // the one table of shared defaults: the same precision and quantization in every command
    assertTrue(r.out().contains("  --precision   int8 int8 int8    int8 (1)   int8 fixed int8 fixed"), r.out());
    assertTrue(r.out().contains("  --quant       -    -    static  static     static     static fixed"), r.out());
  }

  @Test
  void anEmptyDenseIsAnErrorNotDropped(@TempDir Path dir) throws Exception {
    org.pimllm.ir.Builder b = new org.pimllm.ir.Builder(5);
    org.pimllm.ir.Var x = b.var("x", org.pimllm.ir.DType.FP32, 0, 768);
    Path f = dir.resolve("empty-rows.relay");
    Files.writeString(f, org.pimllm.ir.text.Printer.print(b.module(b.function(b.matmul(x, b.weight("w", 768, 64)), x))));
    assertOneLineError(MainTest.run("compile", "--ir", f.toString(), "--precision", "fp32"), "has an empty operand");
  }

  @Test
  void benchNotesRunsThatKeptMostGemmsOnTheCpu(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("r.json");
    MainTest.Result r = MainTest.run("bench", "--models", "bert-tiny", "--seq", "16", "--dpus", "64", "--hw", "upmem-2556-350",
        "--variants", "cpu,base,pimllm", "--json", json.toString());
    assertEquals(0, r.code(), r.err());
    for (JsonNode rec : new ObjectMapper().readTree(json.toFile()).get("records")) {
      String run = "bert-tiny/" + rec.get("variant").asText() + "@64 (";
      boolean cpuHeavy = !rec.get("variant").asText().startsWith("cpu")
          && rec.get("cpuGemms").asLong() > rec.get("pimGemms").asLong();
      assertEquals(cpuHeavy, r.out().contains(run), run + " noted exactly when most of its GEMMs ran on the CPU: " + r.out());
    }
  }

  @Test
  void parserErrorsHaveOnePrefixAndHelpSummariesAreWholeSentences() {
    MainTest.Result r = MainTest.run("compile");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("error: Missing required argument"), r.err());
    assertFalse(r.err().contains("Error:"), r.err());

    MainTest.Result help = MainTest.run("--help");
    String commands = help.out().substring(help.out().indexOf("Commands:") + "Commands:".length(),
        help.out().indexOf("Shared options:")); // the footer's table follows the commands
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

  /** One family: run's defaults are compile's and bench's (int8, static), and said in the output. */
  @Test
  void runDefaultsToTheFamilysInt8Static() throws Exception {
    MainTest.Result r = MainTest.run("run", "--onnx", "minilm-l6", "--tokens", "101,7592,102", "--variant", "cpu", "--json");
    assertEquals(0, r.code(), r.err());
    com.fasterxml.jackson.databind.JsonNode j = HwCommand.JSON.readTree(r.out());
    assertEquals("int8", j.get("precision").asText());
    assertEquals("static", j.get("quant").asText());
    assertEquals("calibrated on the inputs", j.get("activationRanges").asText());
    assertFalse(j.get("asBuilt").asBoolean());
    // a model stored as int8 runs as built, and the first line says so
    r = MainTest.run("run", "--onnx", "minilm-l6-q", "--tokens", "101,7592,102", "--variant", "cpu");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().lines().findFirst().orElse("").contains("precision int8 as built"), r.out());
  }

  /** The other commands' names work too: --precision in gemm/tune, --model/--variant in bench, --seq/--variant in generate. */
  @Test
  void sharedOptionNamesWorkInEveryCommand() {
    assertEquals(0, MainTest.run("gemm", "--m", "8", "--k", "64", "--n", "16", "--dpus", "4", "--precision", "fp32",
        "--json").code());
    assertEquals(0, MainTest.run("tune", "--m", "8", "--k", "64", "--n", "16", "--dpus", "4", "--precision", "int8").code());
    MainTest.Result b = MainTest.run("bench", "--model", "bert-tiny", "--variant", "cpu", "--seq", "16");
    assertEquals(0, b.code(), b.err());
    MainTest.Result g = MainTest.run("generate", "--model", "gpt2-tiny", "--seq", "8", "--tokens", "2", "--variant", "cpu",
        "--dpus", "64");
    assertEquals(0, g.code(), g.err());
    assertTrue(g.out().contains("prompt 8 tokens"), g.out());
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
