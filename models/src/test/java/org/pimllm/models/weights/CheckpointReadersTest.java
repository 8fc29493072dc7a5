package org.pimllm.models.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files are written here byte by byte from the format specifications, independently of the readers. */
class CheckpointReadersTest {

  @TempDir Path dir;

  // ---- safetensors ----

  static byte[] safetensors(String headerJson, byte[] data) {
    byte[] h = headerJson.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h).put(data);
    return b.array();
  }

  static byte[] le(int bytesPerValue, long... values) {
    ByteBuffer b = ByteBuffer.allocate(bytesPerValue * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      switch (bytesPerValue) {
        case 1 -> b.put((byte) v);
        case 2 -> b.putShort((short) v);
        case 4 -> b.putInt((int) v);
        default -> b.putLong(v);
      }
    }
    return b.array();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  Path write(String name, byte[] bytes) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  @Test
  void readsSafetensorsOfSeveralTypes() throws IOException {
    byte[] f32 = le(4, Float.floatToIntBits(1.5f), Float.floatToIntBits(-2f));
    byte[] f16 = le(2, 0x3C00, 0xC000, 0x3800); // 1.0, -2.0, 0.5
    byte[] bf16 = le(2, 0x3F80); // 1.0
    byte[] i8 = le(1, -3, 7, 0, 1);
    String header = """
        {"__metadata__":{"format":"pt"},
         "a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},
         "b":{"dtype":"F16","shape":[3,1],"data_offsets":[8,14]},
         "c":{"dtype":"BF16","shape":[],"data_offsets":[14,16]},
         "d":{"dtype":"I8","shape":[2,2],"data_offsets":[16,20]}}""";
    Checkpoint ck = Checkpoint.open(write("m.safetensors", safetensors(header, concat(f32, f16, bf16, i8))));
    assertEquals("safetensors", ck.format());
    assertEquals("pt", ck.metadata().get("format"));
    assertEquals(List.of("a", "b", "c", "d"), List.copyOf(ck.tensors().keySet()));
    assertArrayEquals(new float[] {1.5f, -2f}, ck.tensor("a").orElseThrow().toFloats());
    assertArrayEquals(new long[] {3, 1}, ck.tensor("b").orElseThrow().shape());
    assertArrayEquals(new float[] {1f, -2f, 0.5f}, ck.tensor("b").orElseThrow().toFloats());
    assertArrayEquals(new float[] {1f}, ck.tensor("c").orElseThrow().toFloats());
    assertArrayEquals(new float[] {-3, 7, 0, 1}, ck.tensor("d").orElseThrow().toFloats());
  }

  @Test
  void safetensorsErrorsSayWhatIsWrong() throws IOException {
    String ok = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
    assertError(write("t1.safetensors", safetensors(ok, new byte[4])), "truncated");
    assertError(write("t2.safetensors", safetensors(ok.replace("F32", "Q9"), new byte[8])), "unsupported dtype 'Q9'");
    assertError(write("t3.safetensors", safetensors(ok.replace("[0,8]", "[0,12]"), new byte[12])), "needs 8 bytes");
    String overlap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
    assertError(write("t4.safetensors", safetensors(overlap, new byte[8])), "overlap");
    assertError(write("t5.safetensors", safetensors("{\"a\": [", new byte[0])), "malformed");
    assertError(write("t6.safetensors", le(8, 1L << 40)), "not a safetensors file");
    assertError(write("t7.bin", new byte[16]), "cannot tell its format");
    assertError(dir.resolve("missing.safetensors"), "not found");
  }

  // ---- GGUF ----

  static byte[] ggufString(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return concat(le(8, b.length), b);
  }

  /** A GGUF v3 file with one F32 [2,3] tensor (ne = {3, 2}) and one Q8_0 tensor of 64 values. */
  static byte[] gguf() {
    byte[] meta = concat(
        ggufString("general.architecture"), le(4, 8), ggufString("llama"),
        ggufString("llama.block_count"), le(4, 4), le(4, 2),
        ggufString("tokenizer.ggml.tokens"), le(4, 9), le(4, 8), le(8, 2), ggufString("<s>"), ggufString("a"));
    byte[] info1 = concat(ggufString("w"), le(4, 2), le(8, 3, 2), le(4, 0), le(8, 0));
    byte[] info2 = concat(ggufString("q"), le(4, 1), le(8, 64), le(4, 8), le(8, 32));
    byte[] head = concat(le(4, 0x46554747), le(4, 3), le(8, 2), le(8, 3), meta, info1, info2);
    int pad = (32 - head.length % 32) % 32;
    byte[] w = new byte[32];
    ByteBuffer wb = ByteBuffer.wrap(w).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 6; i++) {
      wb.putFloat(i + 1);
    }
    ByteBuffer q = ByteBuffer.allocate(68).order(ByteOrder.LITTLE_ENDIAN);
    for (int blk = 0; blk < 2; blk++) {
      q.putShort(blk == 0 ? (short) 0x3800 : (short) 0x4000); // scale 0.5, then 2.0
      for (int j = 0; j < 32; j++) {
        q.put((byte) (j - 16));
      }
    }
    return concat(head, new byte[pad], w, q.array());
  }

  @Test
  void readsGguf() throws IOException {
    Checkpoint ck = Checkpoint.open(write("m.gguf", gguf()));
    assertEquals("gguf", ck.format());
    assertEquals("llama", ck.metadata().get("general.architecture"));
    assertEquals(List.of("<s>", "a"), ck.metadata().get("tokenizer.ggml.tokens"));
    StoredTensor w = ck.tensor("w").orElseThrow();
    assertArrayEquals(new long[] {2, 3}, w.shape());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, w.toFloats());
    StoredTensor q = ck.tensor("q").orElseThrow();
    assertEquals(StoredType.Q8_0, q.type());
    float[] v = q.toFloats();
    assertEquals(64, v.length);
    assertEquals(0.5f * -16, v[0]);
    assertEquals(0.5f * 15, v[31]);
    assertEquals(2.0f * -16, v[32]);
    assertEquals(2.0f * 15, v[63]);
  }

  @Test
  void ggufErrorsSayWhatIsWrong() throws IOException {
    byte[] good = gguf();
    assertError(write("cut.gguf", Arrays.copyOf(good, good.length - 10)), "truncated");
    byte[] v9 = good.clone();
    v9[4] = 9;
    assertError(write("v9.gguf", v9), "version 9");
  }

  @Test
  void fuzzedFilesGiveOnlyFormatErrors() throws IOException {
    Random rnd = new Random(7);
    byte[] g = gguf();
    byte[] s = safetensors("{\"a\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[0,8]}}", new byte[8]);
    for (int round = 0; round < 1500; round++) {
      byte[] base = round % 2 == 0 ? g : s;
      byte[] b = base.clone();
      for (int k = 0, n = 1 + rnd.nextInt(4); k < n; k++) {
        b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
      }
      Path p = write(round % 2 == 0 ? "f.gguf" : "f.safetensors", Arrays.copyOf(b, rnd.nextInt(8) == 0 ? rnd.nextInt(b.length) : b.length));
      assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
        try {
          Checkpoint ck = Checkpoint.open(p);
          ck.tensors().values().forEach(StoredTensor::toFloats);
        } catch (WeightFormatException expected) {
          assertTrue(!expected.getMessage().isBlank());
        }
      });
    }
  }

  private static void assertError(Path file, String fragment) {
    WeightFormatException e = assertThrows(WeightFormatException.class, () -> Checkpoint.open(file));
    assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
  }
}
