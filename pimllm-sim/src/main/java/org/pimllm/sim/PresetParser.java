package org.pimllm.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a hardware preset: sections of {@code {"value": ..., "unit": ..., "source": ...}} entries, plus the
 * op-cost table with one source per row. Every value must be present, have a source and be in range;
 * unknown keys are rejected so that typos do not pass silently.
 */
final class PresetParser {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String origin;
  private final JsonNode root;
  private final List<HardwareConfig.Parameter> parameters = new ArrayList<>();

  private PresetParser(String origin, JsonNode root) {
    this.origin = origin;
    this.root = root;
  }

  static HardwareConfig parse(byte[] json, String origin) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("hardware preset " + origin + " is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read hardware preset " + origin + ": " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("hardware preset " + origin + " must be a JSON object");
    }
    return new PresetParser(origin, root).config();
  }

  private HardwareConfig config() {
    onlyKeys(root, "", "name", "description", "organization", "pipeline", "dma", "opCosts", "host", "system",
        "hostCpu");
    String name = text(root, "name");
    String description = root.has("description") ? text(root, "description") : "";

    JsonNode org = section("organization", "dpus", "dpusPerRank", "clockMHz", "mramBytes", "wramBytes",
        "iramInstructions", "maxTasklets");
    int dpus = intValue(org, "organization", "dpus", 1, 1 << 20);
    int dpusPerRank = intValue(org, "organization", "dpusPerRank", 1, 1 << 16);
    double clockHz = number(org, "organization", "clockMHz", 1, 100_000) * 1e6;
    long mram = longValue(org, "organization", "mramBytes", 8, 1L << 40);
    int wram = intValue(org, "organization", "wramBytes", 8, 1 << 30);
    int iram = intValue(org, "organization", "iramInstructions", 1, 1 << 30);
    int maxTasklets = intValue(org, "organization", "maxTasklets", 1, 1024);

    JsonNode pipe = section("pipeline", "revolverCycles", "issuePerCycle");
    var pipeline = new HardwareConfig.Pipeline(
        intValue(pipe, "pipeline", "revolverCycles", 1, 1000),
        number(pipe, "pipeline", "issuePerCycle", 1e-3, 64));

    JsonNode d = section("dma", "minBytes", "maxBytes", "alignBytes", "readAlphaCycles", "writeAlphaCycles",
        "betaCyclesPerByte");
    var dma = new HardwareConfig.Dma(
        intValue(d, "dma", "minBytes", 1, 1 << 20),
        intValue(d, "dma", "maxBytes", 1, 1 << 24),
        intValue(d, "dma", "alignBytes", 1, 4096),
        number(d, "dma", "readAlphaCycles", 0, 1e6),
        number(d, "dma", "writeAlphaCycles", 0, 1e6),
        number(d, "dma", "betaCyclesPerByte", 1e-6, 1e3));
    if (dma.minBytes() > dma.maxBytes()) {
      throw bad("dma.minBytes (" + dma.minBytes() + ") exceeds dma.maxBytes (" + dma.maxBytes() + ")");
    }
    if (dma.minBytes() % dma.alignBytes() != 0 || dma.maxBytes() % dma.alignBytes() != 0) {
      throw bad("dma.minBytes and dma.maxBytes must be multiples of dma.alignBytes (" + dma.alignBytes() + ")");
    }
    if (mram % dma.alignBytes() != 0 || wram % dma.alignBytes() != 0) {
      throw bad("organization.mramBytes and wramBytes must be multiples of dma.alignBytes (" + dma.alignBytes() + ")");
    }

    OpCosts opCosts = opCosts();

    JsonNode h = section("host", "serialH2DGBps", "serialD2HGBps", "parallelH2DGBpsPerRank", "parallelD2HGBpsPerRank",
        "broadcastGBpsPerRank", "transferThreadsPerRank", "sockets", "transferCoresPerSocket", "pimChannelsPerSocket",
        "remoteNumaSlowdown", "numaAwareAllocation", "serialCallMicros", "parallelH2DCallMicros", "parallelD2HCallMicros",
        "broadcastCallMicros", "chipsPerRank", "pushWordCostPerLine", "pushCachedWordCostPerLine", "hostLlcMiB",
        "wramPullMicrosPerWord");
    var host = new HardwareConfig.HostLink(
        number(h, "host", "serialH2DGBps", 1e-6, 1e4) * 1e9,
        number(h, "host", "serialD2HGBps", 1e-6, 1e4) * 1e9,
        number(h, "host", "parallelH2DGBpsPerRank", 1e-6, 1e4) * 1e9,
        number(h, "host", "parallelD2HGBpsPerRank", 1e-6, 1e4) * 1e9,
        number(h, "host", "broadcastGBpsPerRank", 1e-6, 1e4) * 1e9,
        intValue(h, "host", "transferThreadsPerRank", 1, 1024),
        intValue(h, "host", "sockets", 1, 64),
        intValue(h, "host", "transferCoresPerSocket", 1, 1 << 16),
        intValue(h, "host", "pimChannelsPerSocket", 1, 1024),
        number(h, "host", "remoteNumaSlowdown", 1, 100),
        intValue(h, "host", "numaAwareAllocation", 0, 1) == 1,
        number(h, "host", "serialCallMicros", 0, 1e7) * 1e-6,
        number(h, "host", "parallelH2DCallMicros", 0, 1e7) * 1e-6,
        number(h, "host", "parallelD2HCallMicros", 0, 1e7) * 1e-6,
        number(h, "host", "broadcastCallMicros", 0, 1e7) * 1e-6,
        new HardwareConfig.Lines(intValue(h, "host", "chipsPerRank", 1, dpusPerRank),
            number(h, "host", "pushWordCostPerLine", 0, 100),
            number(h, "host", "pushCachedWordCostPerLine", 0, 100),
            number(h, "host", "hostLlcMiB", 0, 1e6) * (1 << 20),
            number(h, "host", "wramPullMicrosPerWord", 0, 1e6) * 1e-6));
    if (dpusPerRank % host.lines().chipsPerRank() != 0) {
      throw bad("host.chipsPerRank (" + host.lines().chipsPerRank() + ") must divide dpusPerRank (" + dpusPerRank + ")");
    }
    if (host.lines().cachedWordCost() > host.lines().wordCost()) {
      throw bad("host.pushCachedWordCostPerLine must not exceed pushWordCostPerLine (a cached read is not slower)");
    }
    if (host.parallelH2DPerRank() < host.serialH2D() || host.parallelD2HPerRank() < host.serialD2H()
        || host.broadcastPerRank() < host.serialH2D()) {
      throw bad("host: a rank's parallel/broadcast bandwidth must not be below one DPU's serial bandwidth");
    }
    if (host.sockets() > Math.ceilDiv(dpus, dpusPerRank)) {
      throw bad("host.sockets (" + host.sockets() + ") exceeds the machine's " + Math.ceilDiv(dpus, dpusPerRank)
          + " ranks; every socket holds at least one rank");
    }

    JsonNode s = section("system", "allocMicrosPerRank", "freeMicrosPerRank", "loadMicrosPerRank", "launchMicros",
        "launchMicrosPerRank");
    var system = new HardwareConfig.SystemCosts(
        number(s, "system", "allocMicrosPerRank", 0, 1e9) * 1e-6,
        number(s, "system", "freeMicrosPerRank", 0, 1e9) * 1e-6,
        number(s, "system", "loadMicrosPerRank", 0, 1e9) * 1e-6,
        number(s, "system", "launchMicros", 0, 1e9) * 1e-6,
        number(s, "system", "launchMicrosPerRank", 0, 1e9) * 1e-6);

    JsonNode hc = section("hostCpu", "transposeGBps", "reduceGBps", "cores", "clockGHz", "int8MacsPerCyclePerCore",
        "int16MacsPerCyclePerCore", "int32MacsPerCyclePerCore", "fp32FlopsPerCyclePerCore", "memoryGBps",
        "tvmCpuComputeEfficiency", "tvmCpuMemoryEfficiency", "tvmCpuCallMicros", "peakComputeEfficiency",
        "peakMemoryEfficiency", "peakCallMicros", "tvmCpuGemvMemoryEfficiency", "peakGemvMemoryEfficiency");
    var hostCpu = new HardwareConfig.HostCpu(
        number(hc, "hostCpu", "transposeGBps", 1e-6, 1e4) * 1e9,
        number(hc, "hostCpu", "reduceGBps", 1e-6, 1e4) * 1e9,
        intValue(hc, "hostCpu", "cores", 1, 1 << 16),
        number(hc, "hostCpu", "clockGHz", 1e-3, 100) * 1e9,
        number(hc, "hostCpu", "int8MacsPerCyclePerCore", 1e-3, 1e6),
        number(hc, "hostCpu", "int16MacsPerCyclePerCore", 1e-3, 1e6),
        number(hc, "hostCpu", "int32MacsPerCyclePerCore", 1e-3, 1e6),
        number(hc, "hostCpu", "fp32FlopsPerCyclePerCore", 1e-3, 1e6),
        number(hc, "hostCpu", "memoryGBps", 1e-3, 1e5) * 1e9,
        new HardwareConfig.HostProfile(
            number(hc, "hostCpu", "tvmCpuComputeEfficiency", 1e-6, 1),
            number(hc, "hostCpu", "tvmCpuMemoryEfficiency", 1e-6, 1),
            number(hc, "hostCpu", "tvmCpuCallMicros", 0, 1e7) * 1e-6,
            number(hc, "hostCpu", "tvmCpuGemvMemoryEfficiency", 1e-6, 1)),
        new HardwareConfig.HostProfile(
            number(hc, "hostCpu", "peakComputeEfficiency", 1e-6, 1),
            number(hc, "hostCpu", "peakMemoryEfficiency", 1e-6, 1),
            number(hc, "hostCpu", "peakCallMicros", 0, 1e7) * 1e-6,
            number(hc, "hostCpu", "peakGemvMemoryEfficiency", 1e-6, 1)));

    return new HardwareConfig(name, description, dpus, dpus, dpusPerRank, clockHz, mram, wram, iram, maxTasklets,
        pipeline, dma, opCosts, host, system, hostCpu, parameters);
  }

  private OpCosts opCosts() {
    JsonNode node = root.get("opCosts");
    if (node == null || !node.isObject()) {
      throw bad("missing section \"opCosts\" (a table of instructions per op class and dtype)");
    }
    Set<String> allowed = new LinkedHashSet<>(List.of("unit", "note", "mulsi3"));
    for (OpClass op : OpClass.values()) {
      allowed.add(op.name());
    }
    onlyKeys(node, "opCosts.", allowed.toArray(String[]::new));
    double[][] table = new double[OpClass.values().length][DType.values().length];
    for (OpClass op : OpClass.values()) {
      String key = "opCosts." + op;
      JsonNode row = node.get(op.name());
      if (row == null || !row.isObject()) {
        throw bad("missing " + key + " (an object with a cost per dtype and a \"source\")");
      }
      Set<String> rowKeys = new LinkedHashSet<>(List.of("source"));
      for (DType t : DType.values()) {
        rowKeys.add(t.name());
      }
      onlyKeys(row, key + ".", rowKeys.toArray(String[]::new));
      String source = text(row, "source");
      StringBuilder shown = new StringBuilder();
      for (DType t : DType.values()) {
        JsonNode v = row.get(t.name());
        if (v == null || !v.isNumber()) {
          throw bad(key + "." + t + " must be a number of instructions");
        }
        double cost = v.asDouble();
        if (!(cost >= 0 && cost <= 1e6)) {
          throw bad(key + "." + t + " = " + cost + " is out of range [0, 1e6]");
        }
        table[op.ordinal()][t.ordinal()] = cost;
        shown.append(shown.isEmpty() ? "" : " ").append(t.name().toLowerCase()).append('=').append(v.asText());
      }
      parameters.add(new HardwareConfig.Parameter(key, shown.toString(), "instructions/op", source));
    }
    JsonNode mul = node.get("mulsi3");
    if (mul == null || !mul.isObject()) {
      throw bad("missing opCosts.mulsi3 (the runtime's 32-bit multiply: fixedInstructions, instructionsPerStep)");
    }
    onlyKeys(mul, "opCosts.mulsi3.", "fixedInstructions", "instructionsPerStep");
    double fixed = number(mul, "opCosts.mulsi3", "fixedInstructions", 0, 1000);
    double perStep = number(mul, "opCosts.mulsi3", "instructionsPerStep", 0, 100);
    return new OpCosts(table, fixed, perStep);
  }

  private JsonNode section(String name, String... keys) {
    JsonNode node = root.get(name);
    if (node == null || !node.isObject()) {
      throw bad("missing section \"" + name + "\" (with " + String.join(", ", keys) + ")");
    }
    onlyKeys(node, name + ".", keys);
    return node;
  }

  private void onlyKeys(JsonNode node, String prefix, String... keys) {
    Set<String> allowed = Set.of(keys);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!allowed.contains(k)) {
        throw bad("unknown key \"" + prefix + k + "\"; expected one of " + String.join(", ", keys));
      }
    }
  }

  /** Reads {"value", "unit", "source"} and records the parameter; the value must lie in [min, max]. */
  private double number(JsonNode section, String sectionName, String key, double min, double max) {
    String full = sectionName + "." + key;
    JsonNode entry = section.get(key);
    if (entry == null) {
      throw bad("missing " + full);
    }
    if (!entry.isObject() || !entry.has("value") || !entry.has("source")) {
      throw bad(full + " must be an object {\"value\": ..., \"unit\": ..., \"source\": ...}");
    }
    onlyKeys(entry, full + ".", "value", "unit", "source");
    JsonNode v = entry.get("value");
    if (!v.isNumber()) {
      throw bad(full + ".value must be a number, not " + v);
    }
    String source = entry.get("source").asText("");
    if (source.isBlank()) {
      throw bad(full + ".source is empty; every value needs a source");
    }
    double value = v.asDouble();
    if (!(value >= min && value <= max)) {
      throw bad(full + " = " + v.asText() + " is out of range [" + fmt(min) + ", " + fmt(max) + "]");
    }
    parameters.add(new HardwareConfig.Parameter(full, v.asText(), entry.path("unit").asText(""), source));
    return value;
  }

  private int intValue(JsonNode section, String sectionName, String key, int min, int max) {
    return (int) whole(section, sectionName, key, min, max);
  }

  private long longValue(JsonNode section, String sectionName, String key, long min, long max) {
    return whole(section, sectionName, key, min, max);
  }

  private long whole(JsonNode section, String sectionName, String key, long min, long max) {
    double v = number(section, sectionName, key, min, max);
    if (v != Math.rint(v)) {
      throw bad(sectionName + "." + key + " = " + v + " must be a whole number");
    }
    return (long) v;
  }

  private String text(JsonNode node, String key) {
    JsonNode v = node.get(key);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw bad("\"" + key + "\" must be a non-empty string");
    }
    return v.asText();
  }

  private static String fmt(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  private IllegalArgumentException bad(String what) {
    return new IllegalArgumentException("hardware preset " + origin + ": " + what);
  }
}
