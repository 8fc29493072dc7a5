package org.pimllm.ir.text;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Example;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.StructuralEqual;
import org.pimllm.testkit.Campaign;
import org.pimllm.testkit.Campaign.Outcome;

/**
 * The IR text campaign of docs/reliability.md: what {@code pimllm compile --ir FILE} feeds the parser. Each case is
 * parsed; text that parses must print and parse back to an equal module (else the case is a crash); anything
 * refused must be a {@link ParseException} with a position and a one-line message.
 *
 * <p>Kinds of input, drawn in turn: printed random modules with 1-4 mutations (ParserFuzzTest's corpus and
 * mutations), truncations, syntactic nesting from 10 to 100,000 levels (calls, parentheses, tuples, tuple types,
 * attribute lists and records, unclosed brackets), chains of up to 100,000 bindings (each using the one before:
 * deep in the graph though flat in the text), and shapes and constants of extreme sizes.
 */
class IrTextFuzzCampaignTest {

  private static final List<String> HUGE = List.of("0", "1", "-1", "2147483647", "2147483648", "4294967296",
      "1099511627776", "9223372036854775807", "9223372036854775808", "99999999999999999999", "65536", "46341");

  @Example
  void irTextCampaign() {
    Campaign c = new Campaign("ir-text", 300, 20261202L, Duration.ofSeconds(20),
        t -> t instanceof ParseException p && p.line() >= 1 && p.column() >= 1)
        .budget(256L << 20, 256);
    for (int i = 0; i < c.tries(); i++) {
      Random r = c.random(i);
      String kind;
      String text;
      switch (i % 6) {
        case 0, 1 -> {
          kind = "mutated";
          text = ParserFuzzTest.CORPUS.get(r.nextInt(ParserFuzzTest.CORPUS.size()));
          for (int n = 1 + r.nextInt(4); n > 0; n--) text = ParserFuzzTest.mutate(text, r);
        }
        case 2 -> {
          kind = "truncated";
          String full = ParserFuzzTest.CORPUS.get(r.nextInt(ParserFuzzTest.CORPUS.size()));
          text = full.substring(0, r.nextInt(full.length() + 1));
        }
        case 3 -> {
          int depth = depth(r);
          kind = "nested-" + depth;
          text = nested(r, depth);
        }
        case 4 -> {
          int n = depth(r);
          kind = "chain-" + n;
          text = chain(r, n);
        }
        default -> {
          kind = "huge-shape";
          text = hugeShape(r);
        }
      }
      String input = text;
      c.run(i, kind + " (" + input.length() + " chars): " + head(input), input.length() * 2L, () -> roundTrip(input));
    }
    c.finish();
  }

  private static Outcome roundTrip(String text) {
    IRModule m = Parser.parse(text);
    String printed = Printer.print(m);
    IRModule back = Parser.parse(printed);
    if (!StructuralEqual.equal(m, back)) throw new AssertionError("print/parse round trip differs");
    return Outcome.SUCCESS;
  }

  /** Log-uniform between 10 and 100,000, with 100,000 itself one time in eight. */
  private static int depth(Random r) {
    if (r.nextInt(8) == 0) return 100_000;
    return (int) Math.round(Math.pow(10, 1 + 4 * r.nextDouble()));
  }

  private static String nested(Random r, int depth) {
    String param = "def @main(%x: Tensor[(2, 3), float32]) {\n  ";
    return switch (r.nextInt(8)) {
      case 0 -> param + "negative(".repeat(depth) + "%x" + ")".repeat(depth) + "\n}\n";
      case 1 -> param + "(".repeat(depth) + "%x" + ")".repeat(depth) + "\n}\n";
      case 2 -> param + "(".repeat(depth) + "%x" + ",)".repeat(depth) + "\n}\n";
      case 3 -> "def @main(%x: " + "(".repeat(depth) + "Tensor[(2, 3), float32]" + ",)".repeat(depth) + ") {\n  %x\n}\n";
      case 4 -> param + "nn.softmax(%x, axis=" + "[".repeat(depth) + "1" + "]".repeat(depth) + ")\n}\n";
      case 5 -> param + "nn.softmax(%x, axis=" + "{a=".repeat(depth) + "1" + "}".repeat(depth) + ")\n}\n";
      case 6 -> param + List.of("(", "[", "{", "negative(", "fn (").get(r.nextInt(5)).repeat(depth) + "\n";
      default -> "def @main(%x: " + "fn (".repeat(depth) + "float32" + ") -> float32".repeat(depth) + ") {\n  %x\n}\n";
    };
  }

  private static String chain(Random r, int n) {
    String op = List.of("add", "multiply", "subtract").get(r.nextInt(3));
    StringBuilder sb = new StringBuilder("def @main(%x: Tensor[(2, 3), float32]) {\n  %v0 = negative(%x);\n");
    for (int i = 1; i < n; i++) {
      sb.append("  %v").append(i).append(" = ").append(op).append("(%v").append(i - 1).append(", %x);\n");
    }
    return sb.append("  %v").append(n - 1).append("\n}\n").toString();
  }

  private static String hugeShape(Random r) {
    String d1 = HUGE.get(r.nextInt(HUGE.size()));
    String d2 = HUGE.get(r.nextInt(HUGE.size()));
    String dims = r.nextBoolean() ? "(" + d1 + ", " + d2 + ")" : "(" + d1 + ")";
    String dtype = Campaign.draw(Arbitraries.of("float32", "int8", "int32", "float16", "int64"), r);
    String t = "Tensor[" + dims + ", " + dtype + "]";
    return switch (r.nextInt(6)) {
      case 0 -> "def @main(%x: " + t + ") {\n  nn.softmax(%x)\n}\n";
      case 1 -> "def @main(%x: " + t + ") {\n  %0 = reshape(%x, shape=[" + d2 + ", -1]);\n  %0\n}\n";
      case 2 -> "def @main(%x: Tensor[(2, 4), float32]) {\n  nn.dense(%x, meta[Constant][0])\n}\n#[metadata]\n"
          + "meta[Constant][0] = synthetic(Tensor[(" + d1 + ", 4), float32], normal, seed=1, scale=0.02, name=\"w\");\n";
      case 3 -> "def @main(%x: Tensor[(2, 4), float32]) {\n  add(%x, meta[Constant][0])\n}\n#[metadata]\n"
          + "meta[Constant][0] = tensor(" + t + ", [1, 2, 3], name=\"c\");\n";
      case 4 -> "def @main(%x: " + t + ") {\n  %0 = expand_dims(%x, axis=0, num_newaxis=" + d2 + ");\n  %0\n}\n";
      default -> "def @main(%x: " + t + ", %y: Tensor[(" + d2 + ", " + d1 + "), " + dtype + "]) {\n"
          + "  nn.batch_matmul(%x, %y)\n}\n";
    };
  }

  private static String head(String s) {
    String h = s.length() > 60 ? s.substring(0, 60) + "..." : s;
    return h.replace("\n", "\\n");
  }
}
