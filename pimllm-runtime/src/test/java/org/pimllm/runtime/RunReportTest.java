package org.pimllm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pimllm.sim.Mode;

/** Elapsed time of an inference: the spans' sum when they ran one after another, the latest end when some overlapped. */
class RunReportTest {

  static RunReport report(Span... spans) {
    return new RunReport("v", Mode.TIMING_ONLY, 64, List.of(), List.of(spans), List.of(), Double.NaN);
  }

  @Test
  void serialSpansAddUp() {
    RunReport r = report(new Span(0, TimeCategory.HOST_OPS, "a", 0, 1.0, 0), new Span(1, TimeCategory.H2D, "b", 1.0, 2.0, 0),
        new Span(1, TimeCategory.KERNEL, "c", 3.0, 0.5, 0));
    assertEquals(3.5, r.totalSeconds());
    assertEquals(0.0, r.overlappedSeconds());
  }

  @Test
  void overlappingSpansEndAtTheLatestEnd() {
    // an asynchronous call: H2D 1.0..3.0 while the first ranks' kernel runs 2.0..3.5, then the pull 3.0..4.0
    RunReport r = report(new Span(0, TimeCategory.HOST_OPS, "a", 0, 1.0, 0), new Span(1, TimeCategory.H2D, "b", 1.0, 2.0, 0),
        new Span(1, TimeCategory.KERNEL, "c", 2.0, 1.5, 0), new Span(1, TimeCategory.D2H, "d", 3.0, 1.0, 0));
    assertEquals(4.0, r.totalSeconds());
    assertEquals(5.5 - 4.0, r.overlappedSeconds(), 1e-15);
    assertEquals(1.5, r.byCategory().get(TimeCategory.KERNEL), "categories keep their full durations");
  }
}
