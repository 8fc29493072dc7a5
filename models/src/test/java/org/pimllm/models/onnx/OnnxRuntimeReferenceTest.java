package org.pimllm.models.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pimllm.models.tokenizer.WordPieceTokenizer;

/**
 * ONNX Runtime runs the bundled MiniLM on text from our tokenizer, and the embeddings behave like a
 * sentence-embedding model's: a paraphrase is closer than an unrelated sentence. This checks the
 * tokenizer end to end (wrong ids would scramble the similarities) and that ORT works on this machine.
 */
class OnnxRuntimeReferenceTest {

  static final WordPieceTokenizer TOK = WordPieceTokenizer.load(Path.of("target/bundled/all-minilm-l6-v2-tokenizer.json"));

  static float[] meanPooled(OnnxRuntimeReference ort, String text) {
    WordPieceTokenizer.Encoding e = TOK.encode(text);
    OnnxRuntimeReference.FloatOutput h = ort.runTokens(Map.of(
        "input_ids", e.inputIds(), "attention_mask", e.attentionMask(), "token_type_ids", e.tokenTypeIds()))
        .get("last_hidden_state");
    assertArrayEquals(new long[] {1, e.length(), 384}, h.shape());
    float[] mean = new float[384];
    for (int t = 0; t < e.length(); t++) {
      for (int d = 0; d < 384; d++) {
        mean[d] += h.values()[t * 384 + d] / e.length();
      }
    }
    return mean;
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  @Test
  void paraphrasesAreCloserThanUnrelatedSentences() {
    for (Path model : new Path[] {OnnxReaderTest.FP32, OnnxReaderTest.QUANT}) {
      try (OnnxRuntimeReference ort = new OnnxRuntimeReference(model)) {
        float[] a = meanPooled(ort, "A man is eating food.");
        float[] b = meanPooled(ort, "A man is eating a piece of bread.");
        float[] c = meanPooled(ort, "The stock market fell sharply on Tuesday.");
        double near = cosine(a, b);
        double far = cosine(a, c);
        assertTrue(near > far + 0.2, model + ": paraphrase " + near + " vs unrelated " + far);
      }
    }
  }
}
