package dev.leadpipe.bench.stages;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads some gauges of a service's {@code /metrics} (Prometheus text) every {@value #PERIOD_MS} ms on a thread of its
 * own, and gives their mean over the samples in which {@code busyGauge} was above zero (the service had work).
 */
final class GaugeSampler implements AutoCloseable {
    private static final long PERIOD_MS = 250;
    /** A sink's gauges (sink-runtime's SinkMetrics): leads held in memory, and those queued for a slot or token. */
    static final String SINK_IN_FLIGHT = "leadpipe_sink_in_flight";

    static final String SINK_QUEUED = "leadpipe_sink_queued";
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final HttpRequest request;
    private final List<String> wanted;
    private final String busyGauge;
    private final Map<String, Double> sums = new HashMap<>();
    private int samples;
    private volatile boolean running = true;
    private final Thread thread;

    GaugeSampler(int port, String apiKey, String busyGauge, List<String> gauges) {
        this.request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .header("Authorization", "Bearer " + apiKey)
                .timeout(Duration.ofSeconds(2))
                .build();
        this.busyGauge = busyGauge;
        List<String> all = new ArrayList<>(gauges);
        all.add(busyGauge);
        this.wanted = List.copyOf(all);
        this.thread = Thread.ofPlatform().daemon().name("bench-gauges").start(this::sample);
    }

    /** Samples a sink's {@link #SINK_IN_FLIGHT} and {@link #SINK_QUEUED} while it holds leads. */
    static GaugeSampler sinkLanes(int port, String apiKey) {
        return new GaugeSampler(port, apiKey, SINK_IN_FLIGHT, List.of(SINK_QUEUED));
    }

    private void sample() {
        while (running) {
            try {
                Map<String, Double> values = read(
                        http.send(request, HttpResponse.BodyHandlers.ofString()).body(), wanted);
                if (values.getOrDefault(busyGauge, 0.0) > 0) {
                    synchronized (this) {
                        samples++;
                        values.forEach((k, v) -> sums.merge(k, v, Double::sum));
                    }
                }
                Thread.sleep(PERIOD_MS);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // a missed sample; the service may be starting or stopping
            }
        }
    }

    /** The sum over all series of each of {@code names} in Prometheus text (metric name before any {@code {labels}}). */
    static Map<String, Double> read(String text, List<String> names) {
        Map<String, Double> values = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            String name = line.substring(0, brace >= 0 ? brace : line.indexOf(' '));
            if (names.contains(name)) {
                try {
                    values.merge(name, Double.parseDouble(line.substring(space + 1)), Double::sum);
                } catch (NumberFormatException e) {
                    // not a plain sample
                }
            }
        }
        return values;
    }

    /** The mean of {@code gauge} over the busy samples, NaN without any. */
    synchronized double mean(String gauge) {
        return samples == 0 ? Double.NaN : sums.getOrDefault(gauge, 0.0) / samples;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
