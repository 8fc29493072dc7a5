package org.pimllm.benchmarks.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {

    @Test
    void logTicksAreOneTwoFiveAndPowersOfTenOverManyDecades() {
        assertEquals(List.of(1.0, 2.0, 5.0, 10.0), Charts.ticks(0.7, 12));
        assertEquals(List.of(0.2, 0.5, 1.0, 2.0), Charts.ticks(0.15, 3));
        assertEquals(List.of(0.001, 0.01, 0.1, 1.0, 10.0, 100.0), Charts.ticks(0.001, 300)); // 6 decades: 10^k only
    }

    @Test
    void labelsAreWrittenAsAPersonWouldWriteThem() {
        assertEquals("1x", Charts.label(1.0, "x"));
        assertEquals("2x", Charts.label(2.0, "x"));
        assertEquals("0.5x", Charts.label(0.5, "x"));
        assertEquals("0.05x", Charts.label(0.05, "x"));
        assertEquals("4.99x", Charts.label(4.99, "x"));
        assertEquals("10.6x", Charts.label(10.62, "x"));
        assertEquals("1,235", Charts.label(1234.5, ""));
    }

    @Test
    void chartIsWrittenAsPng(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub/chart.png");
        var chart = Charts.logBars("t", "model", "speedup", Map.of("a", Map.of("m", 3.0), "b", Map.of("m", 0.4)), 1.0, "x",
                Map.of("1x", 1.0));
        Charts.savePng(chart, file, 400, 300);
        byte[] png = Files.readAllBytes(file);
        assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G');
    }
}
