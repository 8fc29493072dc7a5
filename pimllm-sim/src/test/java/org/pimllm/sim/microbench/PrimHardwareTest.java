package org.pimllm.sim.microbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.pimllm.sim.HardwareConfig;
import org.pimllm.sim.microbench.PrimHardware.Measured;
import org.pimllm.sim.microbench.PrimHardware.Row;
import org.pimllm.sim.microbench.PrimSuite.Times;

class PrimHardwareTest {

  @Test
  void mapeIsTheMeanOfAbsoluteRelativeErrors() {
    // errors +10%, -30%, +20% -> (0.1 + 0.3 + 0.2) / 3 = 0.2
    assertEquals(0.2, PrimHardware.mape(List.of(0.1, -0.3, 0.2)), 1e-12);
    assertEquals(-0.25, PrimHardware.error(3, 4), 1e-12);
    assertEquals(0.5, PrimHardware.error(6, 4), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> PrimHardware.mape(List.of()));
    assertThrows(IllegalArgumentException.class, () -> PrimHardware.error(1, 0));
  }

  @Test
  void mapePerGroupUsesKernelAndSummedTransferErrors() {
    // Row A: kernel 10 vs 8 (+25%), transfers 1+2+1 = 4 vs 2+2+1 = 5 (-20%).
    // Row B: kernel 9 vs 10 (-10%), transfers 6 vs 4 (+50%).
    Row a = new Row(new Measured("X", 1, 1, 8, 2, 2, 1), new Times(10, 1, 2, 1, false));
    Row b = new Row(new Measured("X", 4, 1, 10, 4, 0, 0), new Times(9, 6, 0, 0, false));
    var m = PrimHardware.mapes(List.of(a, b));
    assertEquals(2, m.size());
    assertEquals("X", m.get(0).group());
    assertEquals((0.25 + 0.10) / 2, m.get(0).kernel(), 1e-12);
    assertEquals((0.20 + 0.50) / 2, m.get(0).transfer(), 1e-12);
    assertEquals((0.25 + 0.10 + 0.20 + 0.50) / 4, m.get(1).all(), 1e-12);
    assertEquals("overall", m.get(1).group());
  }

  @Test
  void theCsvHas110RowsOfElevenBenchmarks() {
    List<Measured> rows = PrimHardware.measured();
    assertEquals(110, rows.size());
    Set<String> names = rows.stream().map(Measured::benchmark).collect(Collectors.toSet());
    assertEquals(Set.of("BS", "HST-L", "HST-S", "MLP", "RED", "SCAN-RSS", "SCAN-SSA", "SEL", "TRNS", "TS", "UNI"), names);
    Measured first = rows.get(0);
    assertEquals("BS", first.benchmark());
    assertEquals(131072, first.param());
    assertEquals(114.30707, first.kernelMs(), 1e-9);
    assertEquals(3.81065, first.cpuDpuMs(), 1e-9);
  }

  @Test
  void theComparisonCoversEveryCsvRow() {
    List<Row> rows = PrimHardware.compare(HardwareConfig.preset("upmem-2556-350"));
    assertEquals(110, rows.size());
    String md = PrimHardware.markdown(rows);
    // 110 data rows + header + separator, then the MAPE table.
    long lines = md.lines().takeWhile(l -> !l.isBlank()).count();
    assertEquals(112, lines);
    assertTrue(md.contains("| overall | 110 |"), md);
    for (Row r : rows) {
      assertTrue(r.sim().kernelMs() > 0 && Double.isFinite(r.transferError()), r.toString());
    }
  }
}
