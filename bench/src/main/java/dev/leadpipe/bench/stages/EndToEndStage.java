package dev.leadpipe.bench.stages;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import dev.leadpipe.bench.Bench;
import dev.leadpipe.bench.Figure;
import dev.leadpipe.bench.Latencies;
import dev.leadpipe.bench.LatencyPoints;
import dev.leadpipe.bench.ServiceJvm;
import dev.leadpipe.bench.Stage;
import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.topic.TopicSpec;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.fakes.FakeHttpsReceiver;
import dev.leadpipe.kafka.GroupOffsets;

/**
 * Stage 6, end to end: ingest, router and sink-https each in a JVM of its own (256 MiB heap), sink-https posting to a
 * {@link FakeHttpsReceiver} in this JVM; a step-up of offered rates, each held steady, measuring the time from ingest's
 * 202 to the lead's DELIVERED outcome on {@code lead-outcomes}, and each service's peak heap and CPU.
 */
public final class EndToEndStage implements Stage {
    static final double[] RATES = {250, 500, 1_000, 2_000, 4_000};
    static final String HEAP = "256m";
    /** Offers the load is spread over, each with an endpoint (a URL path of the stand-in) of its own. */
    static final int OFFERS = 20;

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Override
    public String title() {
        return "6. End to end: ingest → router → sink-https, each in a JVM of its own";
    }

    @Override
    public String method() {
        return "Ingest, router and sink-https from their runnable jars, each in a JVM of its own with `-Xmx256m` and "
                + "their default settings (the router `exactly_once_v2`), on the run's broker; sink-https posts to a "
                + "fast HTTP stand-in (`FakeHttpsReceiver`, 202 at once, in the bench's JVM) configured through ingest's API "
                + "as the destination of 20 offers, each at a path of its own (an endpoint of its own for the sink); "
                + "the leads are spread evenly over them. After a warm-up (300 leads/s for 20 s, while the JVMs compile their hot code), leads are "
                + "offered at a steady rate of 250, 500, 1,000, 2,000 then 4,000 leads/s, 30 s each (scaled), as "
                + "NDJSON batches every 20 ms (open loop), until the pipeline saturates (it delivers less than 90 % "
                + "of the offered rate, or leaves more than 1 % undelivered 30 s after the step). The latency is "
                + "from ingest's 202 to the moment the bench reads the lead's DELIVERED outcome on `lead-outcomes` "
                + "(read_committed). The load generator, the stand-in and the outcome reader share the machine's "
                + "cores with the three services and the broker. Heap: the peak of `jvm_memory_used_bytes` "
                + "(area heap) sampled each second from each service's `/metrics`; CPU: the process's CPU seconds.";
    }

    @Override
    public List<Figure> run(Bench bench) throws Exception {
        double scale = bench.scale();
        Duration step = IngestStage.seconds(30 * scale, 3);
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> offers = new ArrayList<>();
        for (int n = 0; n < OFFERS; n++) {
            offers.add("bench.e2e-" + n + "-" + run);
        }
        List<Figure> figures = new ArrayList<>();
        List<LatencyPoints.Point> points = new ArrayList<>();
        Map<String, String> allowed = Map.of(DestinationAddresses.ALLOWED_HOSTS_ENV, "127.0.0.1,localhost");
        try (FakeHttpsReceiver receiver = FakeHttpsReceiver.start(null)) {
            String routerId = "bench-router-" + run;
            GroupOffsets.atEnd(bench.bootstrapServers(), routerId, List.of(Topics.LEADS));
            String sinkGroup = "bench-sink-https-" + run;
            List<TopicSpec<?, ?>> sinkTopics = new ArrayList<>();
            sinkTopics.add(Topics.DELIVERIES_HTTPS);
            sinkTopics.addAll(Topics.retryTiers(DestinationType.HTTPS));
            GroupOffsets.atEnd(bench.bootstrapServers(), sinkGroup, sinkTopics);
            bench.progress("end to end: starting router, sink-https and ingest");
            Map<String, String> routerEnv = new LinkedHashMap<>(allowed);
            routerEnv.put("ROUTER_APPLICATION_ID", routerId);
            routerEnv.put("ROUTER_STATE_DIR", bench.workDir("router-state").toString());
            Map<String, String> sinkEnv = new LinkedHashMap<>(allowed);
            sinkEnv.put("SINK_GROUP_ID", sinkGroup);
            try (ServiceJvm router = bench.start("router", routerEnv, HEAP);
                    ServiceJvm sink = bench.start("sink-https", sinkEnv, HEAP);
                    ServiceJvm ingest = bench.start("ingest", allowed, HEAP);
                    OutcomeWatch watch = new OutcomeWatch(bench.bootstrapServers())) {
                String ingestUrl = "http://127.0.0.1:" + ingest.port();
                for (int n = 0; n < OFFERS; n++) {
                    putDestination(ingestUrl, bench.apiKey(), offers.get(n), receiver.url("/bench/" + n));
                }
                SteadyPoster poster = new SteadyPoster(ingestUrl, bench.apiKey(), bench.leads());
                List<ServiceJvm> services = List.of(ingest, router, sink);

                bench.progress("end to end: warm-up, 300 leads/s");
                SteadyPoster.Step warm = poster.run(offers, "warm-" + run, 300, IngestStage.seconds(20 * scale, 3));
                Drained w = drain(watch, warm, Duration.ofSeconds(120));
                if (w.delivered == 0) {
                    throw new IllegalStateException("no lead of the warm-up was delivered within 120 s; outcomes seen: "
                            + watch.others() + "; logs in bench/target/bench-run/logs");
                }
                for (double rate : RATES) {
                    double[] cpuBefore = cpu(services);
                    bench.progress(
                            String.format(Locale.ROOT, "end to end: %.0f leads/s for %d s", rate, step.toSeconds()));
                    SteadyPoster.Step s = poster.run(offers, "r" + (int) rate + "-" + run, rate, step);
                    Drained d = drain(watch, s, Duration.ofSeconds(30));
                    double[] cpuAfter = cpu(services);
                    // the rate at which the step's leads came out: over the span from its first to its last delivery
                    double seconds = Math.max(step.toNanos(), d.lastNanos - d.firstNanos) / 1e9;
                    double achieved = d.delivered / seconds;
                    points.add(new LatencyPoints.Point(
                            rate,
                            achieved,
                            d.latencies.percentileMillis(50),
                            d.latencies.percentileMillis(99),
                            d.latencies.maxMillis()));
                    double p99 = d.latencies.percentileMillis(99);
                    boolean target = rate == 1_000;
                    figures.add(new Figure(
                            String.format(Locale.ROOT, "p99 ingest→DELIVERED at %,.0f leads/s offered", rate),
                            p99,
                            "ms",
                            null,
                            Double.NaN,
                            target ? "p99 ≤ 250 ms" : null,
                            target ? p99 <= 250 : null,
                            String.format(
                                    Locale.ROOT,
                                    "p50 %.0f ms, max %.0f ms; %,d of %,d accepted delivered (%,d refused), %,.0f "
                                            + "leads/s delivered; CPU cores: ingest %.2f, router %.2f, sink %.2f",
                                    d.latencies.percentileMillis(50),
                                    d.latencies.maxMillis(),
                                    d.delivered,
                                    s.accepted().size(),
                                    s.refused(),
                                    achieved,
                                    (cpuAfter[0] - cpuBefore[0]) / seconds,
                                    (cpuAfter[1] - cpuBefore[1]) / seconds,
                                    (cpuAfter[2] - cpuBefore[2]) / seconds)));
                    long undelivered = s.accepted().size() - d.delivered;
                    if (achieved < 0.9 * rate
                            || undelivered > 0.01 * s.accepted().size()
                            || s.refused() > 0) {
                        bench.progress(String.format(
                                Locale.ROOT,
                                "end to end: saturated at %.0f leads/s offered (%.0f delivered/s)",
                                rate,
                                achieved));
                        break;
                    }
                }
                figures.add(Figure.plain(
                        "highest offered rate delivered in full",
                        sustained(points),
                        "leads/s",
                        "at least 90 % of the offered rate delivered, at most 1 % left undelivered"));
                for (ServiceJvm svc : services) {
                    ServiceJvm.ResourceUse use = svc.use();
                    figures.add(new Figure(
                            svc.service() + " JVM: peak heap used",
                            use.peakHeapMiB(),
                            "MiB",
                            null,
                            Double.NaN,
                            "heap ≤ 256 MB",
                            use.peakHeapMiB() <= 256,
                            String.format(Locale.ROOT, "-Xmx256m; %.0f CPU s over the stage", use.cpuSeconds())));
                }
            }
        } finally {
            if (!points.isEmpty()) {
                bench.share(Bench.Shared.END_TO_END_LATENCY, new LatencyPoints(points));
            }
        }
        return figures;
    }

    /** A step's delivered leads, their latencies, and when the first and the last DELIVERED outcome was seen. */
    private record Drained(long delivered, Latencies latencies, long firstNanos, long lastNanos) {}

    /** Waits until every lead of {@code step} was delivered or {@code within} passed after it; their latencies. */
    private static Drained drain(OutcomeWatch watch, SteadyPoster.Step step, Duration within)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline
                && !step.accepted().keySet().stream().allMatch(id -> watch.deliveredAt(id) != null)) {
            Thread.sleep(100);
        }
        Latencies latencies = new Latencies();
        long delivered = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (Map.Entry<String, Long> e : step.accepted().entrySet()) {
            Long at = watch.deliveredAt(e.getKey());
            if (at != null) {
                delivered++;
                latencies.add(Math.max(0, at - e.getValue()));
                first = Math.min(first, at);
                last = Math.max(last, at);
            }
        }
        return new Drained(delivered, latencies, first, last);
    }

    private static double[] cpu(List<ServiceJvm> services) {
        return services.stream().mapToDouble(s -> s.use().cpuSeconds()).toArray();
    }

    /** The highest offered rate that was delivered in full (≥ 90 %), 0 if none. */
    static double sustained(List<LatencyPoints.Point> points) {
        double best = 0;
        for (LatencyPoints.Point p : points) {
            if (p.achievedPerSecond() >= 0.9 * p.offeredPerSecond()) {
                best = Math.max(best, p.offeredPerSecond());
            }
        }
        return best;
    }

    private static void putDestination(String ingestUrl, String key, String offerId, String url) throws Exception {
        String body = "{\"type\":\"https\",\"settings\":{\"url\":\"" + url + "\"}}";
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(ingestUrl + "/v1/offers/" + offerId + "/lead-destination"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + key)
                        .PUT(HttpRequest.BodyPublishers.ofString(body))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200 && r.statusCode() != 201) {
            throw new IllegalStateException("saving " + offerId + "'s destination: " + r.statusCode() + " " + r.body());
        }
    }
}
