package dev.leadpipe.bench;

import java.util.List;

/**
 * End to end's ingest→DELIVERED latency at each offered rate, in the order measured: the chart's data
 * ({@link Bench.Shared#END_TO_END_LATENCY}).
 */
public record LatencyPoints(List<Point> points) {

    public LatencyPoints {
        points = List.copyOf(points);
    }

    /** At {@code offeredPerSecond} leads/s offered: {@code achievedPerSecond} delivered, latency in ms. */
    public record Point(
            double offeredPerSecond, double achievedPerSecond, double p50Millis, double p99Millis, double maxMillis) {}
}
