package org.pimllm.sim.microbench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pimllm.sim.HardwareConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every published PrIM figure is reproduced within 10% by the microbenchmarks on the PrIM preset. */
class CalibrationTest {
  private static final Logger LOG = LoggerFactory.getLogger(CalibrationTest.class);

  @Test
  void everyPrimFigureWithinTenPercent() {
    List<Calibration.Row> rows = Calibration.rows(HardwareConfig.preset("upmem-2556-350"));
    LOG.info("calibration:\n{}", Calibration.markdown(rows));
    assertTrue(rows.size() >= 30, "rows: " + rows.size());
    for (Calibration.Row r : rows) {
      assertTrue(Math.abs(r.error()) <= 0.10, r.figure() + ": published " + r.published() + ", simulated " + r.simulated());
    }
  }
}
