package org.pimllm.benchmarks.e2e;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Bar charts a reader understands at a glance: a log axis with 1-2-5 ticks written as numbers (1x, 2x, 5x, 10x, not
 * 10^0.2), bars growing from a reference value (1x for speedups: a slowdown hangs below the line), the value on every
 * bar, dashed reference lines with their names, and the Okabe-Ito colour-blind-safe palette on white.
 */
public final class Charts {

    /** Okabe-Ito colours (yellow replaced by dark grey, which reads on white). */
    static final Color[] PALETTE = {
        new Color(0x0072B2), new Color(0xE69F00), new Color(0x009E73), new Color(0xD55E00),
        new Color(0xCC79A7), new Color(0x56B4E9), new Color(0x000000), new Color(0x666666)};

    private Charts() {
    }

    /**
     * A grouped bar chart on a log axis.
     *
     * @param values     series (legend) -> category (x axis) -> value, all positive
     * @param base       where bars start (1 for speedups); null: at the bottom of the axis
     * @param suffix     appended to tick and bar labels ("x" for speedups, "" otherwise)
     * @param references named horizontal lines (e.g. "1x = base" at 1, "cpu" at its tokens/s)
     */
    public static JFreeChart logBars(String title, String categoryLabel, String valueLabel,
            Map<String, Map<String, Double>> values, Double base, String suffix, Map<String, Double> references) {
        DefaultCategoryDataset ds = new DefaultCategoryDataset();
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (var s : values.entrySet()) {
            for (var c : s.getValue().entrySet()) {
                double v = c.getValue();
                if (!(v > 0) || !Double.isFinite(v)) continue; // a log axis has no place for 0 or NaN: no bar
                ds.addValue(v, s.getKey(), c.getKey());
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (hi == 0) {
            lo = hi = 1;
        }
        for (double r : references.values()) {
            lo = Math.min(lo, r);
            hi = Math.max(hi, r);
        }
        if (base != null) {
            lo = Math.min(lo, base);
            hi = Math.max(hi, base);
        }
        // room under the lowest bar and above the tallest for its label
        double lower = lo / Math.pow(hi / lo, 0.12) / 1.3; // room for the label under a slowdown's bar
        double upper = hi * Math.pow(hi / lower, 0.25);

        OneTwoFiveLogAxis axis = new OneTwoFiveLogAxis(valueLabel, suffix);
        axis.setRange(lower, upper);
        axis.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        axis.setLabelFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));

        double barBase = base != null ? base : lower;
        ItemLabelPosition above = new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12, TextAnchor.CENTER_LEFT,
                TextAnchor.CENTER_LEFT, -Math.PI / 2);
        ItemLabelPosition below = new ItemLabelPosition(ItemLabelAnchor.OUTSIDE6, TextAnchor.CENTER_RIGHT,
                TextAnchor.CENTER_RIGHT, -Math.PI / 2);
        // a bar under its base (a slowdown) is labelled below its end, not at the base line
        BarRenderer renderer = new BarRenderer() {
            @Override
            public ItemLabelPosition getPositiveItemLabelPosition(int row, int column) {
                Number v = getPlot() == null ? null : getPlot().getDataset().getValue(row, column);
                return v != null && v.doubleValue() < barBase ? below : above;
            }
        };
        renderer.setBarPainter(new StandardBarPainter()); // flat colours, no gradient
        renderer.setShadowVisible(false);
        renderer.setDrawBarOutline(true);
        renderer.setDefaultOutlinePaint(Color.WHITE);
        renderer.setItemMargin(0.04);
        renderer.setBase(barBase);
        renderer.setIncludeBaseInRange(false);
        for (int i = 0; i < values.size(); i++) {
            renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
        }
        renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", new ShortNumber(suffix)));
        renderer.setDefaultItemLabelsVisible(true);
        renderer.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, values.size() * ds.getColumnCount() > 24 ? 11 : 13));
        renderer.setDefaultItemLabelPaint(Color.BLACK);
        // labels written upwards from the end of each bar, so many narrow bars keep readable labels
        renderer.setDefaultPositiveItemLabelPosition(above);
        renderer.setDefaultNegativeItemLabelPosition(below);
        renderer.setItemLabelAnchorOffset(4);

        CategoryAxis categories = new CategoryAxis(categoryLabel);
        categories.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        categories.setLabelFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        if (ds.getColumnCount() > 6) categories.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        categories.setCategoryMargin(0.15);

        CategoryPlot plot = new CategoryPlot(ds, categories, axis, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xBBBBBB));
        plot.setRangeGridlineStroke(new BasicStroke(0.8f));
        plot.setOutlineVisible(false);
        int i = 0;
        for (var r : references.entrySet()) {
            ValueMarker line = new ValueMarker(r.getValue(), i == 0 ? Color.BLACK : new Color(0x444444),
                    new BasicStroke(i == 0 ? 2.0f : 1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                            i == 0 ? null : new float[] {8f, 5f}, 0f));
            line.setLabel(r.getKey());
            line.setLabelFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            line.setLabelPaint(Color.BLACK);
            line.setLabelBackgroundColor(new Color(255, 255, 255, 0)); // no box behind the name
            line.setLabelAnchor(RectangleAnchor.RIGHT);
            line.setLabelTextAnchor(TextAnchor.TOP_RIGHT); // under the line, at the right end
            line.setLabelOffset(new org.jfree.chart.ui.RectangleInsets(4, 4, 4, 6));
            plot.addRangeMarker(line, org.jfree.chart.ui.Layer.FOREGROUND);
            i++;
        }
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 17), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.getLegend().setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        return chart;
    }

    /** Writes the chart as a PNG, creating missing parent folders. */
    public static void savePng(JFreeChart chart, Path file, int width, int height) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, width, height);
    }

    /** The ticks a reader expects on a log axis: 1, 2, 5, 10, 20, 50, ... (only powers of ten over many decades). */
    static List<Double> ticks(double lower, double upper) {
        int e0 = (int) Math.floor(Math.log10(lower));
        int e1 = (int) Math.ceil(Math.log10(upper));
        double[] mantissas = e1 - e0 <= 4 ? new double[] {1, 2, 5} : new double[] {1};
        List<Double> out = new ArrayList<>();
        for (int e = e0; e <= e1; e++) {
            for (double m : mantissas) {
                double v = m * Math.pow(10, e);
                if (v >= lower * (1 - 1e-9) && v <= upper * (1 + 1e-9)) out.add(v);
            }
        }
        return out;
    }

    /** A number as a person writes it: 0.05, 0.5, 1.25, 12.3, 1234; with the suffix ("x"). */
    public static String label(double v, String suffix) {
        String digits;
        double a = Math.abs(v);
        if (a >= 100) digits = String.format(Locale.ROOT, "%,.0f", v);
        else if (a >= 10) digits = String.format(Locale.ROOT, "%.1f", v);
        else if (a >= 0.1) digits = String.format(Locale.ROOT, "%.2f", v);
        else digits = String.format(Locale.ROOT, "%.2g", v);
        if (digits.contains(".") && !digits.contains("e")) digits = digits.replaceAll("0+$", "").replaceAll("\\.$", "");
        return digits + suffix;
    }

    /** A LogAxis whose ticks are {@link #ticks} labelled by {@link #label}. */
    static final class OneTwoFiveLogAxis extends LogAxis {
        private final String suffix;

        OneTwoFiveLogAxis(String label, String suffix) {
            super(label);
            this.suffix = suffix;
            setMinorTickMarksVisible(false);
        }

        @Override
        public List refreshTicks(Graphics2D g2, AxisState state, Rectangle2D dataArea, RectangleEdge edge) {
            List<NumberTick> out = new ArrayList<>();
            boolean vertical = RectangleEdge.isLeftOrRight(edge);
            for (double v : ticks(getLowerBound(), getUpperBound())) {
                out.add(new NumberTick(TickType.MAJOR, v, label(v, suffix),
                        vertical ? TextAnchor.CENTER_RIGHT : TextAnchor.TOP_CENTER,
                        vertical ? TextAnchor.CENTER_RIGHT : TextAnchor.TOP_CENTER, 0.0));
            }
            return out;
        }
    }

    /** {@link #label} as a NumberFormat, for the bar labels. */
    static final class ShortNumber extends NumberFormat {
        private final String suffix;

        ShortNumber(String suffix) {
            this.suffix = suffix;
        }

        @Override
        public StringBuffer format(double number, StringBuffer toAppendTo, FieldPosition pos) {
            return toAppendTo.append(label(number, suffix));
        }

        @Override
        public StringBuffer format(long number, StringBuffer toAppendTo, FieldPosition pos) {
            return toAppendTo.append(label(number, suffix));
        }

        @Override
        public Number parse(String source, ParsePosition parsePosition) {
            return null; // labels are only written
        }
    }
}
