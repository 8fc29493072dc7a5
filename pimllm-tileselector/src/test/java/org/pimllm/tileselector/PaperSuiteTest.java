package org.pimllm.tileselector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PaperSuiteTest {

  @Test
  void paperSuiteCoversTheIssuesGrid() {
    List<PaperSuite.Case> cases = PaperSuite.cases();
    assertTrue(cases.size() >= 60, "only " + cases.size() + " cases");
    assertEquals(Set.of(256, 512, 1024, 2048), cases.stream().map(PaperSuite.Case::dpus).collect(Collectors.toSet()));
    assertEquals(Set.of(128, 512), cases.stream().filter(c -> c.shape().b() == 1).map(c -> c.shape().m())
        .collect(Collectors.toSet()));
    // LLaMA-7B FFN up (4096 -> 11008) and a batched attention matmul (32 heads x 128 x 128 x 128) are in it.
    assertTrue(cases.stream().anyMatch(c -> c.shape().k() == 4096 && c.shape().n() == 11008));
    assertTrue(cases.stream().anyMatch(c -> c.shape().b() == 32 && c.shape().k() == 128 && c.shape().n() == 128));
  }

  @Test
  void randomSuiteIsSeededAndOffSuite() {
    assertEquals(PaperSuite.random(3, 20), PaperSuite.random(3, 20));
    Set<Object> paper = PaperSuite.cases().stream().map(PaperSuite.Case::shape).collect(Collectors.toSet());
    for (PaperSuite.Case c : PaperSuite.random(1, 100)) {
      assertFalse(paper.contains(c.shape()), c::toString);
      assertTrue(c.dpus() >= 64 && c.dpus() <= 2048, c::toString);
    }
  }
}
