package org.pimllm.models.onnx;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pimllm.ir.TypeInference;

/**
 * Mutates the real quantized MiniLM file and runs the result through the reader AND the importer (and type
 * inference of the imported module): each case must either import or fail with a clear
 * {@link IllegalArgumentException} (OnnxFormatException or a wrong-input error) whose message is one
 * non-blank line; any other exception or a case running past its time bound fails the test.
 *
 * <p>Mutations land in the structural header region (the first nodes and their attributes and names, where
 * ONNX writers put the graph's nodes before the initializers' bulk bytes), as byte overwrites, truncations,
 * and deletions or duplications of a short run (which shift every later field).
 */
class OnnxImportFuzzTest {
  private static final int HEADER = 16 * 1024;
  private static byte[] real;

  @BeforeAll
  static void load() throws IOException {
    real = Files.readAllBytes(OnnxReaderTest.QUANT);
  }

  @Test
  void mutatedRealModelImportsOrGivesAClearError() {
    Random rnd = new Random(7);
    int imported = 0;
    int rejected = 0;
    for (int round = 0; round < 40; round++) {
      byte[] input = mutate(real, rnd);
      String outcome = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> readAndImport(input), "round " + round);
      if (outcome.equals("ok")) {
        imported++;
      } else {
        rejected++;
      }
    }
    // Both outcomes occur with this seed: the test exercises the importer, not only the reader.
    assertTrue(rejected > 0 && imported + rejected == 40, "imported " + imported + ", rejected " + rejected);
  }

  /** "ok" when the model imported and type-checked, else the clear error message. */
  private static String readAndImport(byte[] input) {
    try {
      OnnxModel m = OnnxReader.read(input);
      TypeInference.infer(OnnxImporter.importModel(m, OnnxImporterTest.tokens(4)));
      return "ok";
    } catch (IllegalArgumentException clear) {
      String msg = clear.getMessage();
      assertTrue(msg != null && !msg.isBlank() && !msg.contains("\n"), "unclear message: " + msg);
      return msg;
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError other) {
      fail("mutated model raised " + other, other);
      return "unreachable";
    }
  }

  private static byte[] mutate(byte[] original, Random rnd) {
    int limit = Math.min(HEADER, original.length);
    switch (rnd.nextInt(4)) {
      case 0 -> { // overwrite 1-4 bytes
        byte[] b = original.clone();
        for (int i = 0, n = 1 + rnd.nextInt(4); i < n; i++) {
          b[rnd.nextInt(limit)] = (byte) rnd.nextInt(256);
        }
        return b;
      }
      case 1 -> { // truncate inside the header region
        return Arrays.copyOf(original, rnd.nextInt(limit));
      }
      case 2 -> { // delete a short run
        int at = rnd.nextInt(limit - 16);
        int len = 1 + rnd.nextInt(16);
        byte[] b = new byte[original.length - len];
        System.arraycopy(original, 0, b, 0, at);
        System.arraycopy(original, at + len, b, at, original.length - at - len);
        return b;
      }
      default -> { // change one byte of an ASCII name/op type (keeps the wire format valid)
        byte[] b = original.clone();
        for (int tries = 0; tries < 1000; tries++) {
          int at = rnd.nextInt(limit);
          if (b[at] >= 'A' && b[at] <= 'z') {
            b[at] = (byte) ('A' + rnd.nextInt(26));
            break;
          }
        }
        return b;
      }
    }
  }
}
