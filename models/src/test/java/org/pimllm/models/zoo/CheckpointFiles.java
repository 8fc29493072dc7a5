package org.pimllm.models.zoo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes small safetensors and GGUF files byte by byte from the format specifications, with
 * encoders for F32, F16 and Q8_0 written here independently of the readers.
 */
final class CheckpointFiles {

  private CheckpointFiles() {}

  /** One tensor to write: name, row-major shape (outermost first), values, and how to store them. */
  record Entry(String name, int[] shape, float[] values, Encoding encoding) {}

  enum Encoding { F32, F16, Q8_0 }

  /** What a reader must return for {@code values} stored as {@code e}: the decoded stored values. */
  static float[] decoded(float[] values, Encoding e) {
    float[] out = new float[values.length];
    switch (e) {
      case F32 -> System.arraycopy(values, 0, out, 0, values.length);
      case F16 -> {
        for (int i = 0; i < values.length; i++) {
          out[i] = Float.float16ToFloat(Float.floatToFloat16(values[i]));
        }
      }
      case Q8_0 -> {
        for (int blk = 0; blk < values.length / 32; blk++) {
          float d = q8Scale(values, blk);
          float stored = Float.float16ToFloat(Float.floatToFloat16(d));
          for (int j = 0; j < 32; j++) {
            out[blk * 32 + j] = stored * q8(values[blk * 32 + j], d);
          }
        }
      }
    }
    return out;
  }

  private static float q8Scale(float[] v, int blk) {
    float amax = 0;
    for (int j = 0; j < 32; j++) {
      amax = Math.max(amax, Math.abs(v[blk * 32 + j]));
    }
    return amax / 127f;
  }

  private static byte q8(float x, float d) {
    return (byte) (d == 0 ? 0 : Math.round(x / d));
  }

  static byte[] encode(Entry e) {
    float[] v = e.values();
    return switch (e.encoding()) {
      case F32 -> {
        ByteBuffer b = le(4 * v.length);
        for (float x : v) {
          b.putFloat(x);
        }
        yield b.array();
      }
      case F16 -> {
        ByteBuffer b = le(2 * v.length);
        for (float x : v) {
          b.putShort(Float.floatToFloat16(x));
        }
        yield b.array();
      }
      case Q8_0 -> {
        if (v.length % 32 != 0) {
          throw new IllegalArgumentException(e.name() + ": Q8_0 needs a multiple of 32 values");
        }
        ByteBuffer b = le(v.length / 32 * 34);
        for (int blk = 0; blk < v.length / 32; blk++) {
          float d = q8Scale(v, blk);
          b.putShort(Float.floatToFloat16(d));
          for (int j = 0; j < 32; j++) {
            b.put(q8(v[blk * 32 + j], d));
          }
        }
        yield b.array();
      }
    };
  }

  static Path safetensors(Path file, List<Entry> entries) throws IOException {
    StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    for (Entry e : entries) {
      if (e.encoding() == Encoding.Q8_0) {
        throw new IllegalArgumentException("safetensors has no Q8_0");
      }
      byte[] bytes = encode(e);
      header.append(",\"").append(e.name()).append("\":{\"dtype\":\"").append(e.encoding())
          .append("\",\"shape\":").append(java.util.Arrays.toString(e.shape()).replace(" ", ""))
          .append(",\"data_offsets\":[").append(data.size()).append(',').append(data.size() + bytes.length).append("]}");
      data.writeBytes(bytes);
    }
    byte[] h = header.append('}').toString().getBytes(StandardCharsets.UTF_8);
    ByteBuffer out = le(8 + h.length + data.size());
    out.putLong(h.length).put(h).put(data.toByteArray());
    Files.write(file, out.array());
    return file;
  }

  /** A GGUF v3 file: no metadata but the architecture, alignment 32, ggml dims innermost first. */
  static Path gguf(Path file, String arch, List<Entry> entries) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    head.writeBytes(le(4).putInt(0x46554747).array());
    head.writeBytes(le(4).putInt(3).array());
    head.writeBytes(le(8).putLong(entries.size()).array());
    head.writeBytes(le(8).putLong(1).array());
    head.writeBytes(string("general.architecture"));
    head.writeBytes(le(4).putInt(8).array());
    head.writeBytes(string(arch));
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    for (Entry e : entries) {
      head.writeBytes(string(e.name()));
      head.writeBytes(le(4).putInt(e.shape().length).array());
      for (int d = e.shape().length - 1; d >= 0; d--) {
        head.writeBytes(le(8).putLong(e.shape()[d]).array());
      }
      int type = switch (e.encoding()) {
        case F32 -> 0;
        case F16 -> 1;
        case Q8_0 -> 8;
      };
      head.writeBytes(le(4).putInt(type).array());
      head.writeBytes(le(8).putLong(data.size()).array());
      data.writeBytes(encode(e));
      data.writeBytes(new byte[(32 - data.size() % 32) % 32]);
    }
    head.writeBytes(new byte[(32 - head.size() % 32) % 32]);
    head.writeBytes(data.toByteArray());
    Files.write(file, head.toByteArray());
    return file;
  }

  private static byte[] string(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    ByteBuffer out = le(8 + b.length);
    out.putLong(b.length).put(b);
    return out.array();
  }

  private static ByteBuffer le(int n) {
    return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
  }
}
