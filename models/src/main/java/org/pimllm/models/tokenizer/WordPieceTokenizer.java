package org.pimllm.models.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * BERT's WordPiece tokenizer, configured from a Hugging Face {@code tokenizer.json}.
 *
 * <p>Pipeline, as the file describes it: BertNormalizer (clean control characters, space out CJK
 * ideographs, lowercase, strip accents), BertPreTokenizer (split on whitespace and on each punctuation
 * character), WordPiece (greedy longest match with the {@code ##} continuation prefix, {@code [UNK]}
 * for words that cannot be matched or are longer than {@code max_input_chars_per_word}), then the
 * single-sequence template {@code [CLS] A [SEP]}.
 */
public final class WordPieceTokenizer {

  private final Map<String, Integer> vocab;
  private final String unkToken;
  private final String prefix;
  private final int maxCharsPerWord;
  private final boolean lowercase;
  private final boolean stripAccents;
  private final int maxLength;

  private WordPieceTokenizer(Map<String, Integer> vocab, String unkToken, String prefix, int maxCharsPerWord,
      boolean lowercase, boolean stripAccents, int maxLength) {
    this.vocab = Map.copyOf(vocab);
    this.unkToken = unkToken;
    this.prefix = prefix;
    this.maxCharsPerWord = maxCharsPerWord;
    this.lowercase = lowercase;
    this.stripAccents = stripAccents;
    requireToken("[CLS]");
    requireToken("[SEP]");
    requireToken(unkToken);
    this.maxLength = maxLength;
  }

  /** Token ids, attention mask and token type ids of one encoded text (no padding). */
  public record Encoding(long[] inputIds, long[] attentionMask, long[] tokenTypeIds, List<String> tokens) {
    public int length() {
      return inputIds.length;
    }
  }

  public static WordPieceTokenizer load(Path tokenizerJson) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(tokenizerJson.toFile());
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("tokenizer file not found: " + tokenizerJson);
    } catch (IOException e) {
      if (!Files.exists(tokenizerJson)) {
        throw new IllegalArgumentException("tokenizer file not found: " + tokenizerJson);
      }
      throw new IllegalArgumentException("cannot read tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
    }
    try {
      return fromJson(root);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(tokenizerJson + ": " + e.getMessage(), e);
    }
  }

  static WordPieceTokenizer fromJson(JsonNode root) {
    JsonNode model = root.path("model");
    if (!"WordPiece".equals(model.path("type").asText())) {
      throw new IllegalArgumentException("not a WordPiece tokenizer (model.type is '" + model.path("type").asText() + "')");
    }
    JsonNode vocabNode = model.path("vocab");
    if (!vocabNode.isObject() || vocabNode.isEmpty()) {
      throw new IllegalArgumentException("tokenizer has no model.vocab");
    }
    Map<String, Integer> vocab = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = vocabNode.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      vocab.put(e.getKey(), e.getValue().asInt());
    }
    JsonNode norm = root.path("normalizer");
    boolean lowercase = norm.path("lowercase").asBoolean(true);
    // Hugging Face: strip_accents = null means "follow lowercase".
    boolean strip = norm.path("strip_accents").isNull() || norm.path("strip_accents").isMissingNode()
        ? lowercase : norm.path("strip_accents").asBoolean();
    int maxLength = root.path("truncation").path("max_length").asInt(512);
    return new WordPieceTokenizer(vocab, model.path("unk_token").asText("[UNK]"),
        model.path("continuing_subword_prefix").asText("##"), model.path("max_input_chars_per_word").asInt(100),
        lowercase, strip, maxLength);
  }

  /** The longest sequence (special tokens included) the tokenizer's configuration allows. */
  public int maxLength() {
    return maxLength;
  }

  /** The same tokenizer with another length limit (e.g. the model's own, when it is not the configured one). */
  public WordPieceTokenizer withMaxLength(int limit) {
    return new WordPieceTokenizer(vocab, unkToken, prefix, maxCharsPerWord, lowercase, stripAccents, limit);
  }

  public int vocabSize() {
    return vocab.size();
  }

  /**
   * Encodes one text as {@code [CLS] tokens [SEP]}. A text whose encoding is longer than {@link #maxLength()}
   * is an error, not silently truncated.
   */
  public Encoding encode(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("cannot encode empty text");
    }
    List<String> tokens = new ArrayList<>();
    tokens.add("[CLS]");
    for (String word : preTokenize(normalize(text))) {
      tokens.addAll(wordPiece(word));
    }
    tokens.add("[SEP]");
    if (tokens.size() > maxLength) {
      throw new IllegalArgumentException("text encodes to " + tokens.size() + " tokens, more than the model's maximum of "
          + maxLength + "; shorten it");
    }
    long[] ids = new long[tokens.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = vocab.get(tokens.get(i));
    }
    long[] mask = new long[ids.length];
    java.util.Arrays.fill(mask, 1);
    return new Encoding(ids, mask, new long[ids.length], List.copyOf(tokens));
  }

  // ---- BertNormalizer ----

  String normalize(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    text.codePoints().forEach(cp -> {
      if (cp == 0 || cp == 0xFFFD || isControl(cp)) {
        return;
      }
      if (isWhitespace(cp)) {
        out.append(' ');
      } else if (isCjk(cp)) {
        out.append(' ').appendCodePoint(cp).append(' ');
      } else {
        out.appendCodePoint(cp);
      }
    });
    String s = out.toString();
    if (lowercase) {
      s = s.toLowerCase(java.util.Locale.ROOT);
    }
    if (stripAccents) {
      s = Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{Mn}", "");
    }
    return s;
  }

  // ---- BertPreTokenizer: whitespace split, each punctuation character its own word ----

  static List<String> preTokenize(String text) {
    List<String> words = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    text.codePoints().forEach(cp -> {
      if (isWhitespace(cp)) {
        flush(cur, words);
      } else if (isPunctuation(cp)) {
        flush(cur, words);
        words.add(new String(Character.toChars(cp)));
      } else {
        cur.appendCodePoint(cp);
      }
    });
    flush(cur, words);
    return words;
  }

  private static void flush(StringBuilder cur, List<String> words) {
    if (!cur.isEmpty()) {
      words.add(cur.toString());
      cur.setLength(0);
    }
  }

  // ---- WordPiece: greedy longest-match-first ----

  List<String> wordPiece(String word) {
    if (word.codePointCount(0, word.length()) > maxCharsPerWord) {
      return List.of(unkToken);
    }
    List<String> pieces = new ArrayList<>();
    int start = 0;
    while (start < word.length()) {
      int end = word.length();
      String match = null;
      while (start < end) {
        String candidate = (start > 0 ? prefix : "") + word.substring(start, end);
        if (vocab.containsKey(candidate)) {
          match = candidate;
          break;
        }
        end = word.offsetByCodePoints(end, -1);
      }
      if (match == null) {
        return List.of(unkToken);
      }
      pieces.add(match);
      start = end;
    }
    return pieces;
  }

  private void requireToken(String token) {
    if (!vocab.containsKey(token)) {
      throw new IllegalArgumentException("tokenizer vocabulary lacks the special token " + token);
    }
  }

  // ---- character classes, as BERT's original tokenizer defines them ----

  private static boolean isWhitespace(int cp) {
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || Character.getType(cp) == Character.SPACE_SEPARATOR;
  }

  private static boolean isControl(int cp) {
    if (cp == '\t' || cp == '\n' || cp == '\r') {
      return false;
    }
    int t = Character.getType(cp);
    return t == Character.CONTROL || t == Character.FORMAT || t == Character.PRIVATE_USE || t == Character.SURROGATE
        || t == Character.UNASSIGNED;
  }

  private static boolean isPunctuation(int cp) {
    if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
      return true;
    }
    return switch (Character.getType(cp)) {
      case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
           Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
           Character.OTHER_PUNCTUATION -> true;
      default -> false;
    };
  }

  private static boolean isCjk(int cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
        || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF)
        || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
  }
}
