package org.pimllm.models.tokenizer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.Example;
import org.pimllm.testkit.Campaign;
import org.pimllm.testkit.Campaign.Outcome;

/**
 * The tokenizer campaign of docs/reliability.md: the text of {@code pimllm run --text} through the bundled MiniLM
 * WordPiece tokenizer. A text must encode (every id inside the vocabulary, [CLS] first and [SEP] last, no more tokens
 * than the limit, one mask entry per token) or be refused with a one-line IllegalArgumentException (empty text,
 * more tokens than the model takes).
 *
 * <p>Texts: empty and blank; any UTF-16 units (jqwik's {@code strings().all()}, lone and reversed surrogates
 * included); unusual scripts (Arabic, Devanagari, Thai, CJK, Hangul, emoji as surrogate pairs, combining marks
 * stacked by the thousand, zero-width and bidi controls); and very long texts (up to 4 million characters, as a
 * single word, many words or punctuation), under the configured limit and under the model's 512.
 */
class TokenizerFuzzCampaignTest {

  private static WordPieceTokenizer tok;

  @BeforeContainer
  static void load() {
    tok = WordPieceTokenizer.load(Path.of("target/bundled/all-minilm-l6-v2-tokenizer.json"));
  }

  private static final List<String> SCRIPTS = List.of(
      "\u0627\u0644\u0639\u0631\u0628\u064a\u0629", "\u0939\u093f\u0928\u094d\u0926\u0940", "\u0e44\u0e17\u0e22",
      "\u4e2d\u6587\u5b57", "\ud55c\uad6d\uc5b4", "\ud83d\ude00\ud83d\udc4d\ud83c\udffd", "e\u0301\u0301\u0301",
      "\u200b\u200d\u200e\u202e", "\ufeff", "\u0130\u0131\u00df\ufb01", "\ud800", "\udfff\ud800", "\u0000\u0007",
      "caf\u00e9", "\ud835\udd04\ud835\udd05", "\u2028\u2029", "\ufffd\uffff");

  @Example
  void tokenizerCampaign() {
    Campaign c = new Campaign("tokenizer", 100, 11L, Duration.ofSeconds(30), t -> t instanceof IllegalArgumentException)
        .budget(64L << 20, 256);
    Arbitrary<String> anyUnits = Arbitraries.strings().all().ofMaxLength(300);
    Arbitrary<String> scripts = Arbitraries.of(SCRIPTS).list().ofMaxSize(40).map(l -> String.join(" ", l));
    for (int i = 0; i < c.tries(); i++) {
      Random r = c.random(i);
      String kind;
      String text;
      switch (i % 4) {
        case 0 -> {
          kind = "utf16-units";
          text = Campaign.draw(anyUnits, r);
        }
        case 1 -> {
          kind = "scripts";
          text = Campaign.draw(scripts, r);
        }
        case 2 -> {
          kind = "long";
          text = longText(r);
        }
        default -> {
          kind = "edge";
          text = List.of("", " ", "\t\n", "\u0000", "\ud800", "x".repeat(100), "x".repeat(101),
              "a" + "\u0301".repeat(5000), ".".repeat(126), ".".repeat(127), "word ".repeat(126).strip(),
              "\ud83d\ude00".repeat(200)).get(r.nextInt(12));
        }
      }
      String input = text;
      WordPieceTokenizer t = r.nextBoolean() ? tok : tok.withMaxLength(512);
      c.run(i, kind + " (" + input.length() + " chars, limit " + t.maxLength() + ")", input.length() * 2L,
          () -> encodeAndCheck(t, input));
    }
    c.finish();
  }

  private static String longText(Random r) {
    int n = List.of(1_000, 100_000, 1_000_000, 4_000_000).get(r.nextInt(4));
    return switch (r.nextInt(4)) {
      case 0 -> "a".repeat(n);                      // one huge word
      case 1 -> "tok ".repeat(n / 4);               // many words
      case 2 -> "!".repeat(n);                      // each one a word
      default -> "\u4e2d".repeat(n);                // each CJK character a word
    };
  }

  private static Outcome encodeAndCheck(WordPieceTokenizer t, String text) {
    WordPieceTokenizer.Encoding e = t.encode(text);
    int n = e.length();
    if (n < 2 || n > t.maxLength()) throw new AssertionError(n + " tokens, limit " + t.maxLength());
    if (!e.tokens().getFirst().equals("[CLS]") || !e.tokens().getLast().equals("[SEP]")) {
      throw new AssertionError("not [CLS] ... [SEP]: " + e.tokens());
    }
    if (e.attentionMask().length != n || e.tokenTypeIds().length != n || e.tokens().size() != n) {
      throw new AssertionError("ids, mask, type ids and tokens differ in length");
    }
    for (long id : e.inputIds()) {
      if (id < 0 || id >= t.vocabSize()) throw new AssertionError("id " + id + " outside the vocabulary");
    }
    return Outcome.SUCCESS;
  }
}
