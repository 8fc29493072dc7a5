package org.pimllm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompileCommandTest {

  /** A GPT-2-style projection (Conv1D weight stored (in, out), used through matmul), printed by the IR printer. */
  static final String IR = irText();

  static String irText() {
    org.pimllm.ir.Builder b = new org.pimllm.ir.Builder(5);
    org.pimllm.ir.Var x = b.var("x", org.pimllm.ir.DType.FP32, 16, 64);
    return org.pimllm.ir.text.Printer.print(b.module(b.function(b.matmul(x, b.weight("c_attn.weight", 64, 192)), x)));
  }


  static JsonNode json(MainTest.Result r) throws Exception {
    assertEquals(0, r.code(), r.err());
    return new ObjectMapper().readTree(r.out());
  }

  @Test
  void int4WeightsGiveInt4PlansAndNeedStaticInt8() throws Exception {
    JsonNode j = json(MainTest.run("compile", "--model", "llama-7b", "--layers", "1", "--seq", "16", "--weights", "int4",
        "--disable-pass", "PartitionCpuPim", "--json"));
    long int4 = 0;
    for (JsonNode g : j.get("gemms")) {
      if (g.get("plan").asText().endsWith("int4_g128")) int4++;
    }
    assertEquals(5, int4, j.toString()); // fused QKV, output projection, fused gate/up, down, lm_head
    MainTest.Result r = MainTest.run("compile", "--model", "llama-7b", "--layers", "1", "--weights", "int4", "--precision", "fp32");
    assertTrue(r.code() != 0 && r.err().contains("--weights int4 needs --precision int8 --quant static"), r.err());
  }

  @Test
  void irFileCompilesToAPlacementTableInJson(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("proj.relay");
    Files.writeString(f, IR);
    JsonNode j = json(MainTest.run("compile", "--ir", f.toString(), "--dpus", "256", "--hw", "upmem-2556-350",
        "--precision", "fp32", "--disable-pass", "PartitionCpuPim", "--json"));
    JsonNode g = j.get("gemms").get(0);
    assertEquals(List.of("name", "b", "m", "k", "n", "placement", "plan", "estimatedMs", "cpuEstimatedMs", "pimEstimatedMs", "why"),
        names(g));
    assertEquals("c_attn.weight.T", g.get("name").asText());
    assertEquals(16, g.get("m").asInt());
    assertEquals(64, g.get("k").asInt());
    assertEquals(192, g.get("n").asInt());
    assertEquals("pim", g.get("placement").asText());
    assertTrue(g.get("estimatedMs").asDouble() > 0);
    assertTrue(j.get("dpuPool").asInt() >= 1);
  }

  @Test
  void textOutputHasTheOptimizedIrAndTheTableAndDumpsEveryPass(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("proj.relay");
    Files.writeString(f, IR);
    Path dumps = dir.resolve("dumps");
    MainTest.Result r = MainTest.run("compile", "--ir", f.toString(), "--variant", "naive", "--precision", "fp32", "--dpus", "64",
        "--hw", "upmem-2556-350", "--dump-dir", dumps.toString(), "--timing");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("pim.gemm("), r.out());
    assertTrue(r.out().contains("b_layout=row_major"), "naive has no layout pass: " + r.out());
    assertTrue(r.out().contains("DPU pool: none"), r.out());
    assertTrue(r.out().contains("pass timing"), r.out());
    assertTrue(Files.exists(dumps.resolve("05-LowerToPgemm.after.relay")), String.join(",", dumpNames(dumps)));
  }

  @Test
  void zooModelsCompile() throws Exception {
    JsonNode j = json(MainTest.run("compile", "--model", "bert-tiny", "--seq", "32", "--dpus", "256", "--json"));
    assertEquals(2 * 6, j.get("gemms").size(), j.toString()); // per layer: fused QKV, 2 attention GEMMs, output, FFN in and out
  }

  @Test
  void siblingFusionAndLayoutOnTheZooModels() throws Exception {
    JsonNode llama = json(MainTest.run("compile", "--model", "llama-7b", "--layers", "1", "--seq", "16", "--int8",
        "--variant", "ts+adj+qkv", "--json"));
    List<String> names = new java.util.ArrayList<>();
    llama.get("gemms").forEach(g -> names.add(g.get("name").asText()));
    assertTrue(names.stream().anyMatch(n -> n.contains("q_proj") && n.contains("k_proj") && n.contains("v_proj")), names.toString());
    assertTrue(names.stream().anyMatch(n -> n.contains("gate_proj") && n.contains("up_proj")), names.toString());

    JsonNode gpt2 = json(MainTest.run("compile", "--model", "gpt2", "--layers", "1", "--seq", "16", "--int8",
        "--variant", "ts+adj+qkv", "--json"));
    List<String> g2 = new java.util.ArrayList<>();
    gpt2.get("gemms").forEach(g -> g2.add(g.get("name").asText()));
    assertTrue(g2.stream().noneMatch(n -> n.contains("+")), "GPT-2's c_attn is one GEMM already: " + g2);
    assertTrue(g2.stream().anyMatch(n -> n.contains("c_attn") && n.endsWith(".T")), "Conv1D weights transposed at build time: " + g2);
  }

  @Test
  void int8CalibrationFromZooSamples() throws Exception {
    JsonNode j = json(MainTest.run("compile", "--model", "bert-tiny", "--layers", "1", "--seq", "8", "--int8",
        "--calibrate", "2", "--json"));
    assertEquals(6, j.get("gemms").size(), j.toString());
    assertTrue(j.get("gemms").get(0).get("name").asText().endsWith(".int8"), j.toString());
    MainTest.Result r = MainTest.run("compile", "--model", "bert-tiny", "--precision", "fp32", "--calibrate", "2");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--calibrate N needs --precision int8 --quant static"), r.err());
  }

  @Test
  void badInputIsAOneLineError(@TempDir Path dir) throws Exception {
    MainTest.Result r = MainTest.run("compile", "--ir", dir.resolve("missing.relay").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("error: IR file"), r.err());
    Path bad = dir.resolve("bad.relay");
    Files.writeString(bad, "def @main(%x: Tensor[(2), float32]) { nn.relu(%x, }");
    r = MainTest.run("compile", "--ir", bad.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("bad.relay: line 1, column"), r.err());
    r = MainTest.run("compile", "--model", "bert-tiny", "--disable-pass", "Nope");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("unknown pass 'Nope'"), r.err());
  }

  static List<String> names(JsonNode n) {
    List<String> l = new java.util.ArrayList<>();
    n.fieldNames().forEachRemaining(l::add);
    return l;
  }

  static List<String> dumpNames(Path d) throws Exception {
    try (var s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
