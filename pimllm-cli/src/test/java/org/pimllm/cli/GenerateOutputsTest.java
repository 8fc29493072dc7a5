package org.pimllm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pimllm generate --plot and --trace: the files, what the trace shows, and paths refused before the run. */
class GenerateOutputsTest {

  @Test
  void plotAndTraceOfThePrefillAndOneDecodeStep(@TempDir Path dir) throws Exception {
    Path png = dir.resolve("out/gen.png");
    Path trace = dir.resolve("out/gen.json");
    MainTest.Result r = MainTest.run("generate", "--model", "llama-tiny", "--prompt-len", "6", "--tokens", "3",
        "--variants", "cpu,base", "--dpus", "64", "--plot", png.toString(), "--trace", trace.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("wrote " + trace + ", " + png), r.out());
    byte[] image = Files.readAllBytes(png);
    assertTrue(image.length > 1000 && image[1] == 'P' && image[2] == 'N' && image[3] == 'G');

    JsonNode events = HwCommand.JSON.readTree(trace.toFile()).get("traceEvents");
    List<String> processes = new ArrayList<>();
    List<String> phases = new ArrayList<>();
    boolean pimSpan = false;
    for (JsonNode e : events) {
      if (e.get("name").asText().equals("process_name")) processes.add(e.get("args").get("name").asText());
      if ("phase".equals(e.path("cat").asText())) phases.add(e.get("pid").asInt() + " " + e.get("name").asText());
      pimSpan |= e.get("pid").asInt() == 2 && e.path("tid").asInt() == 2 && e.has("dur");
    }
    assertEquals(List.of("llama-tiny-2l prompt 6, 64 DPUs: cpu", "llama-tiny-2l prompt 6, 64 DPUs: base"),
        processes);
    assertEquals(List.of("1 prefill (6 tokens) = time to first token", "1 decode step 1 (cache 6 tokens)",
        "2 prefill (6 tokens) = time to first token", "2 decode step 1 (cache 6 tokens)"), phases);
    assertTrue(pimSpan, "base runs its GEMMs on PIM: spans on the PIM thread");
  }

  @Test
  void outputPathsAreCheckedBeforeTheRun(@TempDir Path dir) {
    MainTest.Result r = MainTest.run("generate", "--model", "llama-tiny", "--prompt-len", "6", "--tokens", "3",
        "--plot", dir.resolve("chart.jpg").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("ending in .png"), r.err());
    r = MainTest.run("generate", "--model", "llama-tiny", "--prompt-len", "6", "--tokens", "3",
        "--trace", dir.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("error: --trace"), r.err());
    assertFalse(r.out().contains("tokens/s"), "refused before any generation: " + r.out());
  }
}
