package dev.leadpipe.bench.stages;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.leadpipe.bench.Bench;
import dev.leadpipe.bench.Figure;
import dev.leadpipe.bench.ServiceJvm;
import dev.leadpipe.bench.Stage;

/**
 * Stage 2, ingest: leads/s over HTTP into ingest's runnable jar (its own JVM), single-lead requests at several
 * concurrencies and the NDJSON batch form, each as a ratio to the ceiling's ProducerPerformance records/s.
 */
public final class IngestStage implements Stage {
    private static final int[] SINGLE_CONNECTIONS = {8, 64};
    private static final int BATCH = 1_000;
    private static final int BATCH_CONNECTIONS = 4;

    @Override
    public String title() {
        return "2. Ingest: leads/s over HTTP";
    }

    @Override
    public String method() {
        return "Ingest from its runnable jar in a JVM of its own (`-Xmx256m`), on the run's broker; the load comes "
                + "from this run's JVM (Java's HttpClient, HTTP/1.1 keep-alive, virtual threads, a closed loop: each "
                + "connection sends its next request when the last one is answered), on the same cores. Single "
                + "leads (`POST /v1/leads`) at 8 and 64 connections, then NDJSON batches of 1,000 leads "
                + "(`POST /v1/leads/batch`) on 4 connections; each for 15 s (scaled) after a 5 s warm-up. A lead "
                + "counts once ingest answered 202 for it (written to `leads`, acks=all). The baseline is the "
                + "ceiling stage's ProducerPerformance records/s in the same run; latencies are per request.";
    }

    @Override
    public List<Figure> run(Bench bench) throws Exception {
        double ceiling = CeilingStage.producerBaseline(bench);
        String baselineWhat = "ProducerPerformance records/s";
        Duration warmUp = seconds(5 * bench.scale(), 1);
        Duration measure = seconds(15 * bench.scale(), 2);
        List<Figure> figures = new ArrayList<>();
        try (ServiceJvm ingest = bench.start("ingest", Map.of(), "256m")) {
            IngestLoad load = new IngestLoad("http://127.0.0.1:" + ingest.port(), bench.apiKey(), bench.leads());
            for (int c : SINGLE_CONNECTIONS) {
                bench.progress("ingest: single leads, " + c + " connections");
                IngestLoad.Result r = load.run("single" + c, c, 1, warmUp, measure);
                double p99 = r.latencies().percentileMillis(99);
                Boolean met = c == 64 ? r.leadsPerSecond() / ceiling >= 0.15 && p99 <= 50 : null;
                figures.add(new Figure(
                        "single-lead requests, " + c + " connections",
                        r.leadsPerSecond(),
                        "leads/s",
                        baselineWhat,
                        ceiling,
                        c == 64 ? "≥ 0.15×, p99 ≤ 50 ms" : null,
                        met,
                        latencyNote(r)));
            }
            bench.progress("ingest: batches of " + BATCH + ", " + BATCH_CONNECTIONS + " connections");
            IngestLoad.Result r = load.run("batch", BATCH_CONNECTIONS, BATCH, warmUp, measure);
            figures.add(new Figure(
                    "NDJSON batches of 1,000 leads, 4 connections",
                    r.leadsPerSecond(),
                    "leads/s",
                    baselineWhat,
                    ceiling,
                    "≥ 0.6×",
                    r.leadsPerSecond() / ceiling >= 0.6,
                    latencyNote(r) + " per batch"));
            ServiceJvm.ResourceUse use = ingest.use();
            figures.add(Figure.plain(
                    "ingest JVM over the stage",
                    use.peakHeapMiB(),
                    "MiB heap (peak)",
                    String.format(Locale.ROOT, "%.0f CPU s", use.cpuSeconds())));
        }
        return figures;
    }

    private static String latencyNote(IngestLoad.Result r) {
        return String.format(
                Locale.ROOT,
                "p50 %.1f ms, p99 %.1f ms; %,d requests, %d refused or failed",
                r.latencies().percentileMillis(50),
                r.latencies().percentileMillis(99),
                r.requests(),
                r.errors());
    }

    static Duration seconds(double s, double atLeast) {
        return Duration.ofMillis((long) (Math.max(s, atLeast) * 1000));
    }
}
