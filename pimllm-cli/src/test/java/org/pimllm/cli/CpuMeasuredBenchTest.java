package org.pimllm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pimllm.benchmarks.e2e.BenchConfig;

/**
 * {@code pimllm bench --variants cpu-measured}: the cpu pipeline run on this machine, labelled as measured in the
 * text, the JSON and the CSV, checked against the reference executor with --functional; a model whose weights
 * cannot be materialized is refused before any work. No wall-clock value is asserted.
 */
class CpuMeasuredBenchTest {

  @Test
  void measuredRunIsLabelledInTextJsonAndCsvAndChecked(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("m.json"), csv = dir.resolve("m.csv");
    MainTest.Result r = MainTest.run("bench", "--models", "bert-tiny", "--seq", "8", "--dpus", "64", "--hw", "upmem-2556-350",
        "--variants", "cpu,cpu-peak,cpu-measured", "--measure-warmup", "0", "--measure-reps", "2", "--functional",
        "--no-progress", "--json", json.toString(), "--csv", csv.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("MEASURED ON THIS MACHINE (cpu-measured)"), r.out());
    assertTrue(r.out().contains("host GEMMs of bert-tiny seq 8: "), r.out());
    assertTrue(r.out().contains("except cpu-measured: measured on this machine"), r.out());
    assertFalse(r.out().contains("MISMATCH"), r.out());

    JsonNode j = new ObjectMapper().readTree(json.toFile());
    assertTrue(j.get("timing").asText().contains("measured on this machine"), j.get("timing").asText());
    JsonNode cpu = j.get("records").get(0), measured = j.get("records").get(2);
    assertEquals("simulated", cpu.get("timing").asText());
    assertTrue(cpu.get("measurement").isNull());
    assertEquals("cpu-measured", measured.get("variant").asText());
    assertEquals("measured on this machine", measured.get("timing").asText());
    assertEquals(2, measured.get("measurement").get("reps").asInt());
    assertTrue(measured.get("measurement").get("minMs").asDouble() <= measured.get("totalMs").asDouble());
    assertTrue(measured.get("totalMs").asDouble() <= measured.get("measurement").get("maxMs").asDouble());
    assertTrue(List.of("exact", "within 1e-3").contains(measured.get("check").asText()), measured.toString());

    List<String> lines = Files.readAllLines(csv);
    assertTrue(lines.get(0).endsWith(",check,timing,measured_min_ms,measured_max_ms,measured_reps"), lines.get(0));
    assertTrue(lines.get(1).contains(",simulated,"), lines.get(1));
    assertTrue(lines.get(3).contains(",measured on this machine,") && lines.get(3).endsWith(",2"), lines.get(3));
  }

  @Test
  void aModelTooBigToMaterializeIsRefusedWithItsSize() {
    MainTest.Result r = MainTest.run("bench", "--models", "llama2-13b", "--variants", "cpu-measured", "--no-progress");
    assertEquals(2, r.code(), r.out());
    assertTrue(r.err().contains("cpu-measured: llama2-13b runs the model on real data, so its"), r.err());
    assertTrue(r.err().contains("GiB of int8 weights"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  @Test
  void theDefaultVariantsDoNotMeasure() {
    assertFalse(BenchConfig.ALL_VARIANTS.contains("cpu-measured"));
    MainTest.Result r = MainTest.run("bench", "--models", "bert-tiny", "--variants", "cpu-measured", "--measure-reps", "0",
        "--no-progress");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--measure-reps >= 1"), r.err());
  }
}
