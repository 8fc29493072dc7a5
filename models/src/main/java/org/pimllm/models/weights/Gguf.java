package org.pimllm.models.weights;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reader for GGUF (versions 2 and 3), llama.cpp's checkpoint format: magic "GGUF", version, tensor
 * count, metadata key/value pairs, tensor infos (name, dims innermost first, ggml type, offset), then
 * the tensor data, aligned to {@code general.alignment} (32 by default).
 *
 * <p>Shapes are returned outermost first (ggml's {@code ne[]} reversed), matching safetensors and the
 * IR. Supported tensor types: F32, F16, BF16, Q8_0, and the plain integer types; others are reported
 * by name.
 */
public final class Gguf {

  static final int MAGIC = 0x46554747; // "GGUF" little-endian
  private static final int MAX_DIMS = 8;

  private Gguf() {}

  static boolean looksLikeGguf(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] b = in.readNBytes(4);
      return b.length == 4 && new String(b, StandardCharsets.US_ASCII).equals("GGUF");
    } catch (IOException e) {
      return false;
    }
  }

  public static Checkpoint read(Path file) {
    MappedFile f = MappedFile.open(file);
    Cursor c = new Cursor(f);
    if (f.size() < 4 || c.u32("magic") != MAGIC) {
      throw new WeightFormatException(file + ": not a GGUF file (bad magic)");
    }
    int version = c.u32("version");
    if (version != 2 && version != 3) {
      throw new WeightFormatException(file + ": GGUF version " + version + " is not supported (2 and 3 are)");
    }
    long tensorCount = c.count("tensor count");
    long kvCount = c.count("metadata count");
    Map<String, Object> metadata = new LinkedHashMap<>();
    for (long i = 0; i < kvCount; i++) {
      String key = c.string("metadata key");
      metadata.put(key, c.value(c.u32("type of " + key), key));
    }
    long alignment = 32;
    if (metadata.get("general.alignment") instanceof Number n) {
      alignment = n.longValue();
      if (alignment <= 0 || (alignment & (alignment - 1)) != 0) {
        throw new WeightFormatException(file + ": general.alignment " + alignment + " is not a power of two");
      }
    }
    record Info(String name, long[] shape, StoredType type, long offset) {}
    List<Info> infos = new ArrayList<>();
    for (long i = 0; i < tensorCount; i++) {
      String name = c.string("tensor name");
      int nDims = c.u32("dimension count of " + name);
      if (nDims < 0 || nDims > MAX_DIMS) {
        throw new WeightFormatException(file + ": tensor '" + name + "' has " + nDims + " dimensions");
      }
      long[] shape = new long[nDims];
      for (int d = 0; d < nDims; d++) {
        long ne = c.u64("dimension of " + name);
        if (ne < 0) {
          throw new WeightFormatException(file + ": tensor '" + name + "' has an invalid dimension");
        }
        shape[nDims - 1 - d] = ne; // ggml lists the innermost dimension first
      }
      StoredType type = ggmlType(file, name, c.u32("type of " + name));
      long offset = c.u64("offset of " + name);
      if (offset < 0 || offset % alignment != 0) {
        throw new WeightFormatException(file + ": tensor '" + name + "' has offset " + offset + ", not aligned to " + alignment);
      }
      infos.add(new Info(name, shape, type, offset));
    }
    long dataStart = (c.pos + alignment - 1) / alignment * alignment;
    Map<String, StoredTensor> tensors = new LinkedHashMap<>();
    for (Info info : infos) {
      long bytes = info.type().bytesFor(Safetensors.count(file, info.name(), info.shape()), info.name());
      ByteBuffer data = f.slice(dataStart + info.offset(), bytes, "tensor '" + info.name() + "'");
      if (tensors.put(info.name(), new StoredTensor(info.name(), info.type(), info.shape(), data)) != null) {
        throw new WeightFormatException(file + ": tensor '" + info.name() + "' appears twice");
      }
    }
    return new Checkpoint(file, "gguf", tensors, metadata);
  }

  private static StoredType ggmlType(Path file, String name, int code) {
    return switch (code) {
      case 0 -> StoredType.F32;
      case 1 -> StoredType.F16;
      case 8 -> StoredType.Q8_0;
      case 24 -> StoredType.I8;
      case 25 -> StoredType.I16;
      case 26 -> StoredType.I32;
      case 27 -> StoredType.I64;
      case 28 -> StoredType.F64;
      case 30 -> StoredType.BF16;
      default -> throw new WeightFormatException(file + ": tensor '" + name + "' uses ggml type " + code
          + ", which is not supported (F32, F16, BF16, Q8_0 and integer types are)");
    };
  }

  /** A bounds-checked little-endian reader over the mapped file. */
  private static final class Cursor {
    final MappedFile f;
    long pos;

    Cursor(MappedFile f) {
      this.f = f;
    }

    private ByteBuffer take(long n, String what) {
      ByteBuffer b = f.slice(pos, n, what);
      pos += n;
      return b;
    }

    int u32(String what) {
      return take(4, what).getInt(0);
    }

    long u64(String what) {
      return take(8, what).getLong(0);
    }

    /** A count that must also be plausible for the bytes left (each item takes at least one byte). */
    long count(String what) {
      long n = u64(what);
      if (n < 0 || n > f.size() - pos) {
        throw new WeightFormatException(f.path + ": corrupted " + what + " " + Long.toUnsignedString(n));
      }
      return n;
    }

    String string(String what) {
      long len = count("length of " + what);
      ByteBuffer b = take(len, what);
      byte[] bytes = new byte[(int) len];
      b.get(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    }

    Object value(int type, String key) {
      return switch (type) {
        case 0 -> take(1, key).get(0) & 0xFF;
        case 1 -> (int) take(1, key).get(0);
        case 2 -> take(2, key).getShort(0) & 0xFFFF;
        case 3 -> (int) take(2, key).getShort(0);
        case 4 -> u32(key) & 0xFFFFFFFFL;
        case 5 -> u32(key);
        case 6 -> take(4, key).getFloat(0);
        case 7 -> take(1, key).get(0) != 0;
        case 8 -> string(key);
        case 9 -> {
          int elemType = u32("array type of " + key);
          if (elemType == 9) {
            throw new WeightFormatException(f.path + ": nested arrays in metadata '" + key + "' are not supported");
          }
          long n = count("array length of " + key);
          List<Object> values = new ArrayList<>((int) Math.min(n, 1 << 16));
          for (long i = 0; i < n; i++) {
            values.add(value(elemType, key));
          }
          yield List.copyOf(values);
        }
        case 10 -> u64(key);
        case 11 -> u64(key);
        case 12 -> take(8, key).getDouble(0);
        default -> throw new WeightFormatException(f.path + ": metadata '" + key + "' has unknown value type " + type);
      };
    }
  }
}
