package org.pimllm.models.weights;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reader for the safetensors format: an 8-byte little-endian header length N, N bytes of JSON
 * ({@code {"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}}), then the
 * data, offsets relative to its start. Every tensor is checked: known dtype, non-negative shape,
 * byte range inside the file and of exactly the size its shape needs, no overlaps.
 */
public final class Safetensors {

  /** Headers beyond this are refused (the format's reference implementation uses the same bound). */
  private static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

  private Safetensors() {}

  public static Checkpoint read(Path file) {
    MappedFile f = MappedFile.open(file);
    if (f.size() < 8) {
      throw new WeightFormatException(file + ": too short for a safetensors file (" + f.size() + " bytes)");
    }
    long headerLen = f.slice(0, 8, "header length").getLong(0);
    if (headerLen <= 0 || headerLen > MAX_HEADER_BYTES) {
      throw new WeightFormatException(file + ": not a safetensors file (header length " + headerLen + ")");
    }
    ByteBuffer headerBytes = f.slice(8, headerLen, "JSON header");
    byte[] json = new byte[(int) headerLen];
    headerBytes.get(json);
    JsonNode header;
    try {
      header = new ObjectMapper().readTree(new String(json, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new WeightFormatException(file + ": malformed safetensors JSON header: " + e.getOriginalMessage());
    }
    if (header == null || !header.isObject()) {
      throw new WeightFormatException(file + ": safetensors header is not a JSON object");
    }
    long dataStart = 8 + headerLen;
    long dataSize = f.size() - dataStart;
    Map<String, Object> metadata = new LinkedHashMap<>();
    record Entry(String name, StoredType type, long[] shape, long begin, long end) {}
    List<Entry> entries = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("__metadata__")) {
        e.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
        continue;
      }
      String name = e.getKey();
      JsonNode t = e.getValue();
      StoredType type = dtype(file, name, t.path("dtype").asText(""));
      long[] shape = shape(file, name, t.path("shape"));
      JsonNode off = t.path("data_offsets");
      if (!off.isArray() || off.size() != 2 || !off.get(0).canConvertToLong() || !off.get(1).canConvertToLong()) {
        throw new WeightFormatException(file + ": tensor '" + name + "' has no valid data_offsets [begin, end]");
      }
      long begin = off.get(0).asLong();
      long end = off.get(1).asLong();
      long need = type.bytesFor(count(file, name, shape), name);
      if (begin < 0 || end < begin || end - begin != need) {
        throw new WeightFormatException(file + ": tensor '" + name + "' (" + type + " " + java.util.Arrays.toString(shape)
            + ") needs " + need + " bytes but data_offsets give [" + begin + ", " + end + ")");
      }
      if (end > dataSize) {
        throw new WeightFormatException(file + ": truncated: tensor '" + name + "' ends at byte " + end
            + " of the data section, which has only " + dataSize + " bytes");
      }
      entries.add(new Entry(name, type, shape, begin, end));
    }
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingLong(Entry::begin));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).begin() < sorted.get(i - 1).end()) {
        throw new WeightFormatException(file + ": tensors '" + sorted.get(i - 1).name() + "' and '" + sorted.get(i).name()
            + "' overlap");
      }
    }
    Map<String, StoredTensor> tensors = new LinkedHashMap<>();
    for (Entry e : entries) {
      tensors.put(e.name(), new StoredTensor(e.name(), e.type(), e.shape(),
          f.slice(dataStart + e.begin(), e.end() - e.begin(), "tensor '" + e.name() + "'")));
    }
    return new Checkpoint(file, "safetensors", tensors, metadata);
  }

  private static StoredType dtype(Path file, String name, String dtype) {
    return switch (dtype) {
      case "F32" -> StoredType.F32;
      case "F16" -> StoredType.F16;
      case "BF16" -> StoredType.BF16;
      case "F64" -> StoredType.F64;
      case "I8" -> StoredType.I8;
      case "U8" -> StoredType.U8;
      case "I16" -> StoredType.I16;
      case "I32" -> StoredType.I32;
      case "I64" -> StoredType.I64;
      case "BOOL" -> StoredType.BOOL;
      default -> throw new WeightFormatException(file + ": tensor '" + name + "' has unsupported dtype '" + dtype + "'");
    };
  }

  private static long[] shape(Path file, String name, JsonNode shape) {
    if (!shape.isArray()) {
      throw new WeightFormatException(file + ": tensor '" + name + "' has no shape array");
    }
    long[] dims = new long[shape.size()];
    for (int i = 0; i < dims.length; i++) {
      JsonNode d = shape.get(i);
      if (!d.canConvertToLong() || d.asLong() < 0) {
        throw new WeightFormatException(file + ": tensor '" + name + "' has an invalid dimension " + d);
      }
      dims[i] = d.asLong();
    }
    return dims;
  }

  static long count(Path file, String name, long[] shape) {
    long n = 1;
    for (long d : shape) {
      try {
        n = Math.multiplyExact(n, d);
      } catch (ArithmeticException e) {
        throw new WeightFormatException(file + ": tensor '" + name + "' has an impossibly large shape");
      }
    }
    return n;
  }
}
