package org.pimllm.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Values of a preset changed on the command line: {@code --hw NAME,section.key=value,...} (e.g.
 * {@code upmem-2560-450,system.launchMicros=15,host.numaAwareAllocation=1}), so a what-if takes one flag instead of
 * an edited copy of the JSON. Each override replaces one entry's {@code value}; its {@code source} then says it was
 * overridden and what it was, the preset is named by the whole spec, and the result is validated like any preset
 * file (PresetParser: ranges, whole numbers, consistency).
 */
final class PresetOverrides {

  private static final ObjectMapper JSON = new ObjectMapper();

  private PresetOverrides() {
  }

  /** The preset JSON with {@code overrides} ("section.key=value" separated by commas) applied, named {@code spec}. */
  static byte[] apply(byte[] json, String overrides, String spec) {
    ObjectNode root;
    try {
      JsonNode tree = JSON.readTree(json);
      if (!(tree instanceof ObjectNode o)) {
        throw new IllegalArgumentException("hardware preset of " + spec + " must be a JSON object");
      }
      root = o;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("hardware preset of " + spec + " is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the hardware preset of " + spec + ": " + e.getMessage());
    }
    for (String o : overrides.split(",")) {
      set(root, o.trim(), spec);
    }
    root.put("name", spec);
    try {
      return JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void set(ObjectNode root, String override, String spec) {
    int eq = override.indexOf('=');
    int dot = override.indexOf('.');
    if (eq < 0 || dot < 0 || dot > eq) {
      throw new IllegalArgumentException("--hw override '" + override + "' must be section.key=value, e.g."
          + " system.launchMicros=15 (in " + spec + ")");
    }
    String section = override.substring(0, dot);
    String key = override.substring(dot + 1, eq);
    String text = override.substring(eq + 1).trim();
    JsonNode sec = root.get(section);
    if (!(sec instanceof ObjectNode s) || section.equals("opCosts")) {
      throw new IllegalArgumentException("--hw override '" + override + "': no overridable section '" + section
          + "'; sections: " + String.join(", ", overridableSections(root))
          + " (op costs: edit a copy from `pimllm hw show NAME --json`)");
    }
    JsonNode entry = s.get(key);
    if (!(entry instanceof ObjectNode e) || !e.has("value")) {
      throw new IllegalArgumentException("--hw override '" + override + "': section " + section + " has no value '"
          + key + "'; its values: " + String.join(", ", keys(s)));
    }
    String was = e.get("value").asText();
    try {
      long whole = Long.parseLong(text);
      e.put("value", whole);
    } catch (NumberFormatException notWhole) {
      double v;
      try {
        v = Double.parseDouble(text);
      } catch (NumberFormatException notNumber) {
        throw new IllegalArgumentException("--hw override '" + override + "': '" + text + "' is not a number");
      }
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("--hw override '" + override + "': the value must be a finite number");
      }
      e.put("value", v);
    }
    e.put("source", "overridden on the command line (" + spec + "); the preset's value was " + was);
  }

  private static List<String> overridableSections(ObjectNode root) {
    List<String> out = new ArrayList<>();
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (root.get(k).isObject() && !k.equals("opCosts")) out.add(k);
    }
    return out;
  }

  private static List<String> keys(JsonNode node) {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
