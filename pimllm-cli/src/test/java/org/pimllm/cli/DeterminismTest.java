package org.pimllm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Determinism (docs/reliability.md): the same command twice gives byte-identical JSON, except the wall-clock fields
 * listed in {@link #WALL_CLOCK_FIELDS} (the documented list). One run is in this JVM, the other in a fresh JVM, so
 * neither shared caches nor static state of one process can make two runs agree by accident, and nothing that
 * depends on the process (identity hash codes, thread timing) may leak into the output.
 */
class DeterminismTest {

  /** Every JSON field that holds a wall-clock measurement of this machine; anything else must repeat exactly. */
  static final List<String> WALL_CLOCK_FIELDS = List.of("compileSeconds", "measuredHostMs", "selectionMicros",
      "medianSelectionMicros");

  private static final Pattern WALL_CLOCK = Pattern.compile(
      "(\"(?:" + String.join("|", WALL_CLOCK_FIELDS) + ")\"\\s*:\\s*)[^,}\\]\\s]+");

  @BeforeAll
  static void home() {
    System.setProperty("pimllm.home", ".."); // the bundled models are in ../models
  }

  @Test
  void gemmJsonRepeats() throws Exception {
    assertRepeats(null, "gemm", "--m", "64", "--k", "96", "--n", "130", "--dpus", "32", "--strategy", "ntile", "--json");
    assertRepeats(null, "gemm", "--m", "16", "--k", "64", "--n", "32", "--dpus", "4", "--strategy", "auto",
        "--functional", "--json");
  }

  @Test
  void tuneJsonRepeatsExceptSelectionWallClock() throws Exception {
    String out = assertRepeats(null, "tune", "--m", "64", "--k", "768", "--n", "768", "--dpus", "64", "--json",
        "--no-progress");
    assertTrue(out.contains("\"selectionMicros\""), "the listed wall-clock field is really there: " + out);
    assertRepeats(null, "tune", "--suite", "random", "--count", "4", "--dpus", "64", "--json", "--no-progress");
  }

  @Test
  void benchJsonFileRepeatsExceptCompileWallClock(@TempDir Path dir) throws Exception {
    String out = assertRepeats(dir, "bench", "--models", "bert-tiny", "--seq", "16", "--dpus", "64", "--variants",
        "pimllm,cpu", "--no-progress", "--json", "@OUT");
    assertTrue(out.contains("\"compileSeconds\""), out);
  }

  @Test
  void generateJsonRepeats() throws Exception {
    assertRepeats(null, "generate", "--model", "gpt2-tiny", "--prompt-len", "4", "--tokens", "3", "--dpus", "64",
        "--variants", "cpu,pimllm", "--json");
    assertRepeats(null, "generate", "--model", "llama-tiny", "--prompt-len", "3", "--tokens", "2", "--dpus", "64",
        "--variants", "pimllm", "--functional", "--json");
  }

  @Test
  void maskingLeavesEverythingElse() {
    String a = "{\"selectionMicros\" : 12.5, \"plan\":\"ntile\", \"x\":[{\"compileSeconds\":0.1}]}";
    assertEquals("{\"selectionMicros\" : <wall-clock>, \"plan\":\"ntile\", \"x\":[{\"compileSeconds\":<wall-clock>}]}",
        mask(a));
  }

  /**
   * Runs the command in this JVM and in a fresh one and checks the JSON is the same byte for byte once the wall-clock
   * fields are masked; "@OUT" in the arguments is a JSON file written by the command (bench --json FILE), read back.
   * Returns the first run's JSON.
   */
  private static String assertRepeats(Path dir, String... args) throws Exception {
    String first = json(inProcess(withOut(dir, "a.json", args)), dir, "a.json");
    String second = json(freshJvm(withOut(dir, "b.json", args)), dir, "b.json");
    assertTrue(first.strip().startsWith("{") || first.strip().startsWith("["), "JSON expected: " + first);
    assertEquals(mask(first), mask(second), "two runs of: pimllm " + String.join(" ", args));
    return first;
  }

  static String mask(String json) {
    return WALL_CLOCK.matcher(json).replaceAll("$1<wall-clock>");
  }

  private static String[] withOut(Path dir, String name, String[] args) {
    String[] a = args.clone();
    for (int i = 0; i < a.length; i++) {
      if (a[i].equals("@OUT")) a[i] = dir.resolve(name).toString();
    }
    return a;
  }

  private static String json(String stdout, Path dir, String name) throws IOException {
    return dir != null && Files.exists(dir.resolve(name)) ? Files.readString(dir.resolve(name)) : stdout;
  }

  private static String inProcess(String... args) {
    MainTest.Result r = MainTest.run(args);
    assertEquals(0, r.code(), r.err());
    return r.out();
  }

  /** The same command in a new JVM with this test's classpath and JVM options. */
  private static String freshJvm(String... args) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>(List.of(java, "--add-modules=jdk.incubator.vector",
        "--enable-native-access=ALL-UNNAMED", "-Xmx2g", "-Dpimllm.home=..", "-cp", cp, Main.class.getName()));
    cmd.addAll(List.of(args));
    Path err = Files.createTempFile("determinism", ".err");
    Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "fresh JVM did not finish");
    String errText = Files.readString(err);
    Files.delete(err);
    assertEquals(0, p.exitValue(), errText);
    return new String(out, StandardCharsets.UTF_8);
  }
}
