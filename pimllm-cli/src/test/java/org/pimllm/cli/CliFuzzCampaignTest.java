package org.pimllm.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.pimllm.testkit.Campaign;
import org.pimllm.testkit.Campaign.Outcome;

/**
 * The CLI-arguments campaign of docs/reliability.md, through picocli in-process as {@code pimllm} runs it
 * ({@link Main#run}). Every numeric option of every command (from a small, fast baseline command line) is set to
 * zero, negative, huge, fractional, NaN or not-a-number values; unknown command, model, variant, preset, strategy and
 * option names; output paths that cannot be written (a directory, a parent that is a file, /proc); {@code --hw} files
 * made from a mutated preset; {@code compile --ir} files with binding chains up to 100,000 long and extreme shapes;
 * {@code run --tokens} ids outside the vocabulary.
 *
 * <p>Outcome: exit 0 is success; exit 2 with one {@code error: ...} line on stderr (picocli's usage hint may follow
 * a bad-argument error) is a clear error; exit 1 (an internal error), any other output on stderr, a stack trace or an
 * exception out of {@link Main#run} is a crash.
 */
class CliFuzzCampaignTest {

  private static Path dir;

  @BeforeContainer
  static void setUp() throws IOException {
    System.setProperty("pimllm.home", ".."); // the bundled models are in ../models
    dir = Files.createTempDirectory("cli-fuzz");
    Files.writeString(dir.resolve("a-file"), "x");
  }

  @AfterContainer
  static void tearDown() throws IOException {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** A command's fast baseline and the numeric options it takes. */
  private record Cmd(List<String> base, List<String> numeric) {}

  private static final List<Cmd> COMMANDS = List.of(
      new Cmd(List.of("gemm", "--m", "64", "--k", "64", "--n", "64", "--dpus", "8"),
          List.of("--b", "--m", "--k", "--n", "--dpus", "--fb", "--fm", "--fk", "--fn", "--tile-k", "--tasklets",
              "--block", "--seed")),
      new Cmd(List.of("gemm", "--m", "16", "--k", "64", "--n", "32", "--dpus", "4", "--functional", "--strategy", "auto"),
          List.of("--m", "--k", "--n", "--dpus", "--tasklets", "--seed")),
      new Cmd(List.of("tune", "--m", "64", "--k", "64", "--n", "64", "--dpus", "8", "--no-progress"),
          List.of("--b", "--m", "--k", "--n", "--dpus", "--seed", "--threads")),
      new Cmd(List.of("tune", "--suite", "random", "--count", "3", "--dpus", "64", "--no-progress"),
          List.of("--count", "--dpus", "--seed", "--threads")),
      new Cmd(List.of("models", "--seq", "16"), List.of("--seq", "--layers", "--dpus")),
      new Cmd(List.of("compile", "--model", "bert-tiny", "--layers", "1", "--seq", "16", "--dpus", "64", "--print-ir",
          "none"), List.of("--seq", "--layers", "--dpus", "--opt-level", "--act-abs-max", "--calibrate")),
      new Cmd(List.of("bench", "--models", "bert-tiny", "--seq", "16", "--dpus", "64", "--variants", "pimllm,cpu",
          "--no-progress"), List.of("--seq", "--dpus")),
      new Cmd(List.of("run", "--onnx", "minilm-l6-q", "--tokens", "101,7592,102", "--dpus", "64"),
          List.of("--dpus")),
      new Cmd(List.of("run", "--onnx", "minilm-l6", "--precision", "int8", "--quant", "static", "--text", "hi",
          "--dpus", "64"), List.of("--dpus", "--act-abs-max")),
      new Cmd(List.of("generate", "--model", "gpt2-tiny", "--prompt-len", "4", "--tokens", "3", "--dpus", "64",
          "--variants", "pimllm"), List.of("--layers", "--prompt-len", "--tokens", "--dpus", "--timing-samples",
          "--seed")),
      new Cmd(List.of("microbench", "mram", "--bytes", "256"), List.of("--bytes", "--tasklets")),
      new Cmd(List.of("microbench", "arith", "--tasklets", "4"), List.of("--tasklets")),
      new Cmd(List.of("microbench", "xfer", "--dpus", "8", "--bytes-per-dpu", "4096"),
          List.of("--dpus", "--bytes-per-dpu")),
      new Cmd(List.of("microbench", "va", "--elements", "4096", "--dpus", "2", "--tasklets", "4"),
          List.of("--elements", "--dpus", "--tasklets")),
      new Cmd(List.of("microbench", "gemv", "--rows", "64", "--cols", "64", "--dpus", "2", "--tasklets", "4"),
          List.of("--rows", "--cols", "--dpus", "--tasklets")),
      new Cmd(List.of("microbench", "prim", "MLP", "--param", "256", "--dpus", "4"), List.of("--param", "--dpus")),
      new Cmd(List.of("microbench", "prim", "RED", "--param", "65536", "--dpus", "4"), List.of("--param", "--dpus")));

  private static final List<String> NUMBERS = List.of("0", "-1", "-2147483648", "2147483647", "2147483648",
      "9223372036854775807", "99999999999999999999", "1e9", "NaN", "Infinity", "1.5", "", "abc", "65536", "3", "1",
      "1073741824", "-0", "16384");

  @Example
  void cliCampaign() throws IOException {
    Campaign c = new Campaign("cli", 100, 5L, Duration.ofSeconds(60), t -> false).budget(1536L << 20, 0);
    for (int i = 0; i < c.tries(); i++) {
      Random r = c.random(i);
      List<String> args = switch (i % 8) {
        case 0, 1, 2, 3 -> numeric(r);
        case 4 -> unknownName(r);
        case 5 -> unwritable(r, i);
        case 6 -> irFile(r, i);
        default -> r.nextBoolean() ? hwFile(r, i) : tokenIds(r);
      };
      String[] argv = args.toArray(String[]::new);
      c.run(i, String.join(" ", args).replace(dir.toString(), "$TMP"), 0, () -> cli(argv));
    }
    c.finish();
  }

  /** Runs the command line in-process and classifies what a user would see. */
  static Outcome cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    String e = err.toString().strip();
    String all = out + e;
    if (all.contains("\tat ") || all.contains("Exception in thread")) {
      throw new AssertionError("a stack trace reached the user (exit " + code + "): " + firstLines(e));
    }
    if (code == 0) return Outcome.SUCCESS;
    List<String> lines = e.lines().filter(l -> !l.startsWith("Try '") && !l.startsWith("warning:")
        && !l.startsWith("note:")).toList();
    if (code == 2 && lines.size() == 1 && lines.getFirst().startsWith("error: ")) {
      Campaign.note(lines.getFirst());
      return Outcome.CLEAR_ERROR;
    }
    throw new AssertionError("exit " + code + ": " + firstLines(e));
  }

  private static String firstLines(String s) {
    return s.lines().limit(3).reduce((a, b) -> a + " | " + b).orElse("(nothing on stderr)");
  }

  // ---- case generators ----

  private static List<String> numeric(Random r) {
    Cmd cmd = COMMANDS.get(r.nextInt(COMMANDS.size()));
    List<String> args = new ArrayList<>(cmd.base());
    for (int n = 1 + r.nextInt(2); n > 0; n--) {
      set(args, cmd.numeric().get(r.nextInt(cmd.numeric().size())), NUMBERS.get(r.nextInt(NUMBERS.size())));
    }
    return args;
  }

  /** Replaces an option's value, or adds the option. */
  private static void set(List<String> args, String option, String value) {
    int at = args.indexOf(option);
    if (at >= 0 && at + 1 < args.size() && !args.get(at + 1).startsWith("--")) {
      args.set(at + 1, value);
    } else {
      args.add(option);
      args.add(value);
    }
  }

  private static List<String> unknownName(Random r) {
    List<List<String>> cases = List.of(
        List.of("nope"),
        List.of("microbench", "nope"),
        List.of("hw", "show", "nope"),
        List.of("gemm", "--m", "8", "--k", "8", "--n", "8", "--strategy", "nope"),
        List.of("gemm", "--m", "8", "--k", "8", "--n", "8", "--dtype", "int4"),
        List.of("gemm", "--m", "8", "--k", "8", "--n", "8", "--b-layout", "diagonal"),
        List.of("tune", "--m", "8", "--k", "8", "--n", "8", "--hw", "nope"),
        List.of("compile", "--model", "nope"),
        List.of("compile", "--model", "bert-tiny", "--variant", "nope"),
        List.of("compile", "--model", "bert-tiny", "--disable-pass", "Nope", "--layers", "1", "--seq", "8"),
        List.of("compile", "--model", "bert-tiny", "--print-ir", "sideways"),
        List.of("bench", "--models", "nope", "--no-progress"),
        List.of("bench", "--models", "bert-tiny", "--variants", "nope", "--no-progress"),
        List.of("run", "--onnx", "nope"),
        List.of("run", "--onnx", "minilm-l6", "--text", "hi", "--fp32-gemms", "gpu"),
        List.of("generate", "--model", "bert-tiny", "--tokens", "2", "--prompt-len", "2"),
        List.of("generate", "--model", "nope"),
        List.of("models", "nope"),
        List.of("gemm", "--nope"),
        List.of("microbench", "prim", "NOPE"),
        List.of("microbench", "mram", "--direction", "sideways"),
        List.of("microbench", "arith", "--op", "sqrt", "--dtype", "int128"),
        // runs that cannot succeed must say so at once
        List.of("generate", "--model", "llama-7b", "--functional", "--prompt-len", "4", "--tokens", "2"),
        List.of("bench", "--models", "llama-7b", "--functional", "--variants", "pimllm", "--seq", "16", "--no-progress"),
        List.of("bench", "--models", "llama-7b", "--dpus", "1", "--variants", "base", "--no-progress"),
        List.of("gemm", "--m", "16384", "--k", "16384", "--n", "16384", "--strategy", "auto", "--functional"),
        List.of("tune", "--suite", "random", "--count", "2147483647", "--no-progress"));
    return cases.get(r.nextInt(cases.size()));
  }

  private static List<String> unwritable(Random r, int i) throws IOException {
    Path sub = Files.createDirectories(dir.resolve("d" + i));
    String path = List.of(sub.toString(), dir.resolve("a-file").resolve("x.json").toString(), "/proc/pimllm-fuzz.json",
        "/proc/self/nope/x.json", "").get(r.nextInt(5));
    return switch (r.nextInt(6)) {
      case 0 -> List.of("bench", "--models", "bert-tiny", "--seq", "8", "--dpus", "64", "--variants", "cpu",
          "--no-progress", "--json", path);
      case 1 -> List.of("bench", "--models", "bert-tiny", "--seq", "8", "--dpus", "64", "--variants", "cpu",
          "--no-progress", "--csv", path);
      case 2 -> List.of("bench", "--models", "bert-tiny", "--seq", "8", "--dpus", "64", "--variants", "cpu",
          "--no-progress", "--trace", path);
      case 3 -> List.of("bench", "--models", "bert-tiny", "--seq", "8", "--dpus", "64", "--variants", "cpu",
          "--no-progress", "--plot", path.replace(".json", ".png"));
      case 4 -> List.of("compile", "--model", "bert-tiny", "--layers", "1", "--seq", "8", "--print-ir", "none",
          "--dump-dir", path);
      default -> List.of("compile", "--ir", path);
    };
  }

  private static List<String> irFile(Random r, int i) throws IOException {
    String text = switch (r.nextInt(4)) {
      case 0 -> chain(List.of(10, 1000, 10_000, 100_000).get(r.nextInt(4)));
      case 1 -> "def @main(%x: Tensor[(" + NUMBERS.get(r.nextInt(4) + 2) + ", 64), float32]) {\n"
          + "  nn.dense(%x, meta[Constant][0])\n}\n#[metadata]\n"
          + "meta[Constant][0] = synthetic(Tensor[(" + List.of("64", "2147483647", "1073741824").get(r.nextInt(3))
          + ", 64), float32], normal, seed=1, scale=0.02, name=\"w\");\n";
      case 2 -> "def @main(%x: Tensor[(4, 8), float32]) {\n  " + "negative(".repeat(100_000) + "%x"
          + ")".repeat(100_000) + "\n}\n";
      default -> "def @main(%x: Tensor[(2147483647, 2147483647), int8], %y: Tensor[(2147483647, 2147483647), int8]) {\n"
          + "  nn.batch_matmul(%x, %y)\n}\n";
    };
    Path file = dir.resolve("ir-" + i + ".relay");
    Files.writeString(file, text);
    List<String> args = new ArrayList<>(List.of("compile", "--ir", file.toString(), "--print-ir", "none", "--dpus", "64"));
    if (r.nextBoolean()) args.addAll(List.of("--precision", "fp32"));
    return args;
  }

  /** %v_i = op(%v_{i-1}, %x), then a dense: deep in the graph though flat in the text. */
  private static String chain(int n) {
    StringBuilder sb = new StringBuilder("def @main(%x: Tensor[(16, 64), float32]) {\n  %v0 = negative(%x);\n");
    for (int i = 1; i < n; i++) {
      sb.append("  %v").append(i).append(" = add(%v").append(i - 1).append(", %x);\n");
    }
    sb.append("  nn.dense(%v").append(n - 1).append(", meta[Constant][0])\n}\n#[metadata]\n");
    sb.append("meta[Constant][0] = synthetic(Tensor[(64, 64), float32], normal, seed=1, scale=0.02, name=\"w\");\n");
    return sb.toString();
  }

  private static List<String> hwFile(Random r, int i) throws IOException {
    String good = new String(org.pimllm.sim.HardwareConfig.class.getResourceAsStream("/hw/upmem-2560-450.json")
        .readAllBytes(), StandardCharsets.UTF_8);
    // one value of the preset replaced (every "value": N is a candidate)
    List<Integer> at = new ArrayList<>();
    for (int k = good.indexOf("\"value\": "); k >= 0; k = good.indexOf("\"value\": ", k + 1)) at.add(k);
    int k = at.get(r.nextInt(at.size())) + 9;
    int end = k;
    while (end < good.length() && good.charAt(end) != ',' && good.charAt(end) != '}') end++;
    String v = List.of("0", "-1", "1e-300", "1e300", "2147483648", "0.5", "\"NaN\"", "null", "1").get(r.nextInt(9));
    String text = good.substring(0, k) + v + good.substring(end);
    Path file = dir.resolve("hw-" + i + ".json");
    Files.writeString(file, text);
    List<List<String>> uses = List.of(
        List.of("gemm", "--m", "64", "--k", "64", "--n", "64", "--dpus", "8", "--hw", file.toString()),
        List.of("gemm", "--m", "16", "--k", "32", "--n", "16", "--dpus", "2", "--functional", "--hw", file.toString()),
        List.of("tune", "--m", "64", "--k", "64", "--n", "64", "--dpus", "8", "--no-progress", "--hw", file.toString()),
        List.of("compile", "--model", "bert-tiny", "--layers", "1", "--seq", "8", "--dpus", "64", "--print-ir", "none",
            "--hw", file.toString()),
        List.of("hw", "show", file.toString()));
    return uses.get(r.nextInt(uses.size()));
  }

  private static List<String> tokenIds(Random r) {
    List<String> ids = List.of("30522", "-1", "2147483648", "99999999999999999999", "0", "101", "1e3", "", ",", "abc");
    String[] pick = new String[1 + r.nextInt(4)];
    Arrays.setAll(pick, k -> ids.get(r.nextInt(ids.size())));
    return List.of("run", "--onnx", r.nextBoolean() ? "minilm-l6-q" : "minilm-l6", "--tokens", String.join(",", pick),
        "--dpus", "64");
  }
}
