package org.pimllm.benchmarks.onnx;

import java.nio.file.Path;
import java.util.Map;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Tensor;
import org.pimllm.models.onnx.OnnxImporter;
import org.pimllm.models.tokenizer.WordPieceTokenizer;

/** A bundled MiniLM imported for one tokenized sentence (batch 1), with that sentence's inputs. */
record MiniLmSentence(IRModule graph, Map<String, Tensor> inputs) {

  static final Path BUNDLED = Path.of("../models/target/bundled");

  /** {@code modelFile} (under the bundled folder) imported for {@code sentence}'s length. */
  static MiniLmSentence of(String modelFile, String sentence) {
    WordPieceTokenizer tok = WordPieceTokenizer.load(BUNDLED.resolve("all-minilm-l6-v2-tokenizer.json"));
    WordPieceTokenizer.Encoding e = tok.encode(sentence);
    int n = e.length();
    IRModule graph = OnnxImporter.importFile(BUNDLED.resolve(modelFile),
        Map.of("input_ids", new int[] {1, n}, "attention_mask", new int[] {1, n}, "token_type_ids", new int[] {1, n}));
    Map<String, Tensor> inputs = Map.of(
        "input_ids", Tensor.ofLongs(e.inputIds(), 1, n),
        "attention_mask", Tensor.ofLongs(e.attentionMask(), 1, n),
        "token_type_ids", Tensor.ofLongs(e.tokenTypeIds(), 1, n));
    return new MiniLmSentence(graph, inputs);
  }
}
