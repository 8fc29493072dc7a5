package org.pimllm.ir.text;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.StructuralEqual;

/**
 * Feeds mutated and random text to the parser. Only a {@link ParseException} with a
 * position may come out (no other exception, no hang: each case is bounded to a few seconds);
 * when the text does parse, it must print and parse back to an equal module.
 */
class ParserFuzzTest {

    private static final Duration LIMIT = Duration.ofSeconds(5);

    static final List<String> TOKENS = List.of("(", ")", "[", "]", "{", "}", ",", ";", ":", "=", ".", "->", "#",
            "-", "%0", "%x", "%1", "@main", "@f", "def", "fn", "meta", "Constant", "meta[Constant][0]", "meta[Constant][99]",
            "Tensor", "Tensor[(2, 3), float32]", "float32", "int8", "bool", "\"", "\"s\"", "/*", "*/", "//", "\n",
            "0", "1", "-1", "1.5f", "3i64", "2u8", "300i8", "1e999f", "99999999999999999999", "2147483648", "nan", "inf",
            "-inf", "true", "null", "add", "nn.dense", "nn.softmax", "reshape", "split", "axis=", "axis=-1", "shape=[-1]",
            "units=3", "sections=0", "num_newaxis=2147483647", "#[metadata]", "#[version = \"x\"]", "tensor(", "synthetic(",
            "lazy(", "seed=", "scale=", "name=", "key=", "\\u12", "é", "\u0000", " ", "((((((((", "[[[[[[[[");

    static final List<String> CORPUS = corpus();

    private static List<String> corpus() {
        List<String> texts = new ArrayList<>();
        Random r = new Random(17);
        for (int i = 0; i < 40; i++) {
            List<Integer> choices = new ArrayList<>();
            for (int j = 0; j < 80; j++) choices.add(r.nextInt(1 << 20));
            texts.add(Printer.print(GraphGen.module(choices)));
        }
        texts.add("""
                def @main(%x: Tensor[(2, 3), float32], %s: float32) {
                  %t = (%x, %s,);
                  %m = multiply(%t.0, %t.1);
                  nn.softmax(%m, axis=0)
                }
                """);
        return texts;
    }

    @Property(tries = 1000)
    void mutatedPrintedModules(@ForAll long seed) {
        Random r = new Random(seed);
        String text = CORPUS.get(r.nextInt(CORPUS.size()));
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) text = mutate(text, r);
        check(text);
    }

    @Property(tries = 600)
    void randomTokenSoup(@ForAll long seed) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(60);
        for (int i = 0; i < n; i++) {
            if (r.nextInt(5) == 0) sb.append((char) (32 + r.nextInt(95))); else sb.append(TOKENS.get(r.nextInt(TOKENS.size())));
            if (r.nextBoolean()) sb.append(' ');
        }
        check(sb.toString());
    }

    static String mutate(String s, Random r) {
        if (s.isEmpty()) return TOKENS.get(r.nextInt(TOKENS.size()));
        int a = r.nextInt(s.length());
        int b = Math.min(s.length(), a + 1 + r.nextInt(20));
        return switch (r.nextInt(7)) {
            case 0 -> s.substring(0, a) + s.substring(b);                                   // delete a range
            case 1 -> s.substring(0, a) + TOKENS.get(r.nextInt(TOKENS.size())) + s.substring(a); // insert a token
            case 2 -> s.substring(0, a) + (char) (32 + r.nextInt(95)) + s.substring(a + 1);  // replace a char
            case 3 -> s.substring(0, b) + s.substring(a, b) + s.substring(b);               // duplicate a range
            case 4 -> s.substring(0, a);                                                    // truncate
            case 5 -> s.replaceFirst("[0-9]+", List.of("0", "-1", "99999999999", "2147483647", "3.5").get(r.nextInt(5)));
            default -> {
                int c = r.nextInt(s.length());
                int d = Math.min(s.length(), c + 1 + r.nextInt(20));
                if (c < a) yield s;
                yield s.substring(0, a) + s.substring(c, d) + s.substring(b, Math.max(b, c)) + s.substring(a, b) + s.substring(Math.max(d, b));
            }
        };
    }

    private static void check(String text) {
        assertTimeoutPreemptively(LIMIT, () -> {
            IRModule m;
            try {
                m = Parser.parse(text);
            } catch (ParseException e) {
                assertTrue(e.line() >= 1 && e.column() >= 1 && !e.detail().isBlank(), e.getMessage());
                return;
            } catch (RuntimeException | StackOverflowError e) {
                fail("parser threw " + e + " instead of a ParseException for:\n" + text, e);
                return;
            }
            String again = Printer.print(m);
            IRModule back = Parser.parse(again);
            assertTrue(StructuralEqual.equal(m, back), () -> "re-parse differs for:\n" + text);
        }, () -> "parser did not finish within " + LIMIT + " for:\n" + text);
    }
}
