package org.pimllm.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Example;
import org.pimllm.sim.microbench.MramBench;
import org.pimllm.sim.microbench.VaBench;
import org.pimllm.testkit.Campaign;
import org.pimllm.testkit.Campaign.Outcome;

/**
 * The hardware-preset campaign of docs/reliability.md: what {@code --hw FILE.json} feeds
 * {@link HardwareConfig#load}. The bundled presets are mutated (fields missing, negative, zero, NaN and infinite,
 * fractional, huge, of the wrong JSON type, unknown keys added, sections emptied, values made inconsistent with each
 * other, the text truncated) and written to a file. A preset must load or be refused with a one-line
 * IllegalArgumentException naming the key; one that loads must then run PrIM's vector addition (checked against its
 * CPU reference) and an MRAM-read microbenchmark with finite, non-negative times, or refuse them with a one-line
 * IllegalArgumentException (a preset whose values the simulator cannot honour).
 */
class PresetFuzzCampaignTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Example
  void presetCampaign() throws IOException {
    Path dir = Files.createTempDirectory("preset-fuzz");
    List<byte[]> originals = new ArrayList<>();
    for (String name : HardwareConfig.presetNames()) {
      originals.add(HardwareConfig.class.getResourceAsStream("/hw/" + name + ".json").readAllBytes());
    }
    Campaign c = new Campaign("hw-preset", 150, 3L, Duration.ofSeconds(30), t -> t instanceof IllegalArgumentException)
        .budget(128L << 20, 256);
    for (int i = 0; i < c.tries(); i++) {
      Random r = c.random(i);
      byte[] original = originals.get(r.nextInt(originals.size()));
      String[] label = {""};
      byte[] bytes = mutate(original, r, label);
      Path file = dir.resolve("case-" + i + ".json");
      Files.write(file, bytes);
      c.run(i, label[0], bytes.length, () -> loadAndUse(file));
      Files.delete(file);
    }
    Files.delete(dir);
    c.finish();
  }

  private static Outcome loadAndUse(Path file) {
    HardwareConfig cfg = HardwareConfig.load(file);
    int dpus = Math.min(4, cfg.totalDpus());
    int tasklets = Math.min(4, cfg.maxTasklets());
    VaBench.Result va = VaBench.run(cfg, dpus, 4096, tasklets, Mode.FUNCTIONAL);
    if (!va.verified()) throw new AssertionError("vector addition differs from the CPU reference");
    for (double ms : new double[] {va.h2dMs(), va.kernelMs(), va.d2hMs()}) {
      if (!(ms >= 0 && Double.isFinite(ms))) throw new AssertionError("VA time " + ms + " ms: " + va);
    }
    MramBench.Result mram = MramBench.run(cfg, MramBench.Direction.READ, Math.min(256, cfg.dmaMaxBytes()), tasklets);
    if (!(mram.latencyCycles() >= 0 && Double.isFinite(mram.latencyCycles()) && Double.isFinite(mram.mbps()))) {
      throw new AssertionError("MRAM read " + mram);
    }
    return Outcome.SUCCESS;
  }

  // ---- mutations ----

  private static byte[] mutate(byte[] original, Random r, String[] label) {
    if (r.nextInt(10) == 0) { // broken text
      int cut = r.nextInt(original.length);
      label[0] = "truncated at " + cut;
      return java.util.Arrays.copyOf(original, cut);
    }
    ObjectNode root;
    try {
      root = (ObjectNode) JSON.readTree(original);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> done = new ArrayList<>();
    for (int n = 1 + r.nextInt(3); n > 0; n--) {
      done.add(r.nextInt(4) == 0 ? inconsistent(root, r) : mutateLeaf(root, r));
    }
    label[0] = String.join("; ", done);
    try {
      return JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every "value" entry and every op-cost number, with its path and parent. */
  private record Leaf(String path, ObjectNode parent, String key) {}

  private static List<Leaf> leaves(ObjectNode node, String prefix) {
    List<Leaf> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      var e = it.next();
      String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      if (e.getValue() instanceof ObjectNode o) {
        out.add(new Leaf(path, node, e.getKey()));
        out.addAll(leaves(o, path));
      } else {
        out.add(new Leaf(path, node, e.getKey()));
      }
    }
    return out;
  }

  private static String mutateLeaf(ObjectNode root, Random r) {
    List<Leaf> all = leaves(root, "");
    Leaf leaf = all.get(r.nextInt(all.size()));
    ObjectNode p = leaf.parent();
    String k = leaf.key();
    int what = r.nextInt(14);
    switch (what) {
      case 0 -> p.remove(k);
      case 1 -> p.put(k, -1);
      case 2 -> p.put(k, 0);
      case 3 -> p.put(k, Double.NaN); // Jackson writes NaN as a string
      case 4 -> p.putRawValue(k, new com.fasterxml.jackson.databind.util.RawValue("1e400")); // +Infinity as a double
      case 5 -> p.put(k, 2.5);
      case 6 -> p.put(k, Long.MAX_VALUE);
      case 7 -> p.put(k, 4294967296L);
      case 8 -> p.put(k, "12");
      case 9 -> p.putNull(k);
      case 10 -> {
        ArrayNode a = p.putArray(k);
        a.add(1);
      }
      case 11 -> p.putObject(k);
      case 12 -> p.put(k + "X", 1); // an unknown key next to a known one
      default -> {
        JsonNode v = p.get(k);
        if (v instanceof ObjectNode o && o.has("value")) {
          o.put("value", List.of(-1e-9, 1e-300, 3e38, 1e15, 65535.0, 1.0000001).get(r.nextInt(6)));
        } else {
          p.put(k, 1e15);
        }
      }
    }
    return leaf.path() + " #" + what;
  }

  /** Values that are each in range but contradict another one. */
  private static String inconsistent(ObjectNode root, Random r) {
    // an earlier mutation may have replaced a section by a scalar: then there is nothing to make inconsistent
    ObjectNode org = root.get("organization") instanceof ObjectNode o ? o : null;
    ObjectNode dma = root.get("dma") instanceof ObjectNode o ? o : null;
    int what = r.nextInt(8);
    switch (what) {
      case 0 -> setValue(org, "dpusPerRank", 100_000); // more DPUs per rank than DPUs
      case 1 -> setValue(org, "wramBytes", 64);        // WRAM too small for any tasklet stack
      case 2 -> setValue(org, "maxTasklets", 1024);    // more tasklets than WRAM can hold stacks for
      case 3 -> setValue(dma, "minBytes", 4096);       // min over max
      case 4 -> setValue(org, "mramBytes", 8);         // MRAM of one DMA word
      case 5 -> setValue(dma, "maxBytes", 8);          // DMA of one word
      case 6 -> setValue(org, "dpus", 1);              // one DPU, the rest of the machine unchanged
      default -> setValue(dma, "alignBytes", 4096);    // alignment over every size
    }
    return "inconsistent #" + what;
  }

  private static void setValue(ObjectNode section, String key, double v) {
    if (section != null && section.get(key) instanceof ObjectNode o) {
      o.put("value", v);
    }
  }
}
