package org.pimllm.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Expected ids are BERT-base-uncased vocabulary ids, as published with BERT (independent of this code). */
class WordPieceTokenizerTest {

  static WordPieceTokenizer tok;

  @BeforeAll
  static void load() {
    tok = WordPieceTokenizer.load(Path.of("target/bundled/all-minilm-l6-v2-tokenizer.json"));
  }

  @Test
  void encodesSimpleSentence() {
    var e = tok.encode("Hello, world!");
    assertEquals(List.of("[CLS]", "hello", ",", "world", "!", "[SEP]"), e.tokens());
    assertArrayEquals(new long[] {101, 7592, 1010, 2088, 999, 102}, e.inputIds());
    assertArrayEquals(new long[] {1, 1, 1, 1, 1, 1}, e.attentionMask());
    assertArrayEquals(new long[6], e.tokenTypeIds());
  }

  @Test
  void splitsUnknownWordsIntoPieces() {
    // A word outside the vocabulary becomes word pieces that spell it, all but the first with "##".
    var e = tok.encode("unaffable");
    assertEquals("[CLS]", e.tokens().get(0));
    assertTrue(e.tokens().stream().skip(2).limit(e.length() - 3).allMatch(t -> t.startsWith("##")), e.tokens().toString());
    assertEquals("unaffable", String.join("", e.tokens().subList(1, e.length() - 1)).replace("##", ""));
  }

  @Test
  void normalizesAccentsCaseAndWhitespace() {
    assertEquals(tok.encode("cafe  THE\tend").tokens(), tok.encode("Café the\nEND").tokens());
  }

  @Test
  void cjkCharactersBecomeSeparateWords() {
    assertEquals(List.of("a", "中", "国", "b"), WordPieceTokenizer.preTokenize(tok.normalize("a中国b")));
  }

  @Test
  void tooLongWordIsUnknown() {
    var e = tok.encode("x".repeat(101));
    assertEquals(List.of("[CLS]", "[UNK]", "[SEP]"), e.tokens());
  }

  @Test
  void badInputsAreClearErrors() {
    assertThrows(IllegalArgumentException.class, () -> tok.encode("   "));
    IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class, () -> tok.encode("word ".repeat(200)));
    assertTrue(tooLong.getMessage().contains("more than the model's maximum of 128"), tooLong.getMessage());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> WordPieceTokenizer.load(Path.of("target/none.json")));
    assertTrue(missing.getMessage().contains("not found"));
  }
}
