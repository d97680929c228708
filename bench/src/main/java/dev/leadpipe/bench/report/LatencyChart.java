package dev.leadpipe.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;

import dev.leadpipe.bench.LatencyPoints;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The PNG chart of end to end's ingest→DELIVERED latency (p50, p99) against the offered rate. */
public final class LatencyChart {
    private LatencyChart() {}

    /** Writes the chart of {@code points} to {@code png} (800×450), headless. */
    public static void write(LatencyPoints points, String subtitle, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYSeries p50 = new XYSeries("p50");
        XYSeries p99 = new XYSeries("p99");
        for (LatencyPoints.Point p : points.points()) {
            if (!Double.isNaN(p.p50Millis())) {
                p50.add(p.offeredPerSecond(), p.p50Millis());
                p99.add(p.offeredPerSecond(), p.p99Millis());
            }
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(p50);
        data.addSeries(p99);
        JFreeChart chart = ChartFactory.createXYLineChart(
                "ingest → DELIVERED latency against offered rate",
                "offered rate (leads/s)",
                "latency (ms)",
                data,
                PlotOrientation.VERTICAL,
                true,
                false,
                false);
        chart.addSubtitle(new org.jfree.chart.title.TextTitle(subtitle));
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        renderer.setSeriesPaint(0, new Color(0x1f77b4));
        renderer.setSeriesPaint(1, new Color(0xd62728));
        renderer.setSeriesStroke(0, new BasicStroke(2f));
        renderer.setSeriesStroke(1, new BasicStroke(2f));
        plot.setRenderer(renderer);
        NumberAxis rates = (NumberAxis) plot.getDomainAxis();
        rates.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        rates.setLowerBound(0);
        double highest = points.points().stream()
                .mapToDouble(LatencyPoints.Point::offeredPerSecond)
                .max()
                .orElse(1);
        rates.setUpperBound(highest * 1.1);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 800, 450);
    }
}
