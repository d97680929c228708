package dev.leadpipe.bench.stages;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.leadpipe.bench.Bench;
import dev.leadpipe.bench.Figure;
import dev.leadpipe.bench.ServiceJvm;
import dev.leadpipe.bench.Stage;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Stage 3, the router: leads/s through router-streams (its runnable jar, a JVM of its own) draining a backlog on
 * {@code leads}, against a bare Kafka Streams {@code filter().to()} ({@link BareFilterApp}, a JVM of its own too)
 * draining the same records, both exactly_once_v2 with the same commit interval.
 */
public final class RouterStage implements Stage {
    static final int OFFERS = 8;
    static final String COMMIT_INTERVAL_MS = "100";
    private static final long LEADS = 300_000;
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(4);

    @Override
    public String title() {
        return "3. Router: leads/s under exactly_once_v2";
    }

    @Override
    public String method() {
        return "A backlog of " + String.format(Locale.ROOT, "%,d", LEADS)
                + " leads (scaled) shaped like the sample feed is written to `leads` (6 partitions) "
                + "as ingest writes them, for " + OFFERS + " offers whose destinations (type https) are on "
                + "`lead-destinations`, so every lead is routed. Then, one after the other, each app drains it from a "
                + "new consumer group positioned at the backlog's start: router-streams from its runnable jar in a JVM "
                + "of its own (`-Xmx256m`, one stream thread), and the baseline, a bare Kafka Streams "
                + "`filter().to()` of the same bytes to a topic of 6 partitions, also in a JVM of its own "
                + "(`-Xmx256m`, one stream thread); both `exactly_once_v2`, commit interval 100 ms. Records/s count "
                + "from the app's first commit past the first " + Math.round(Backlog.WARM_UP * 100) + " % of the "
                + "backlog (its warm-up: JVM start, first rebalance, the JIT's compiling; ProducerPerformance's "
                + "`--warmup-records` does the same for the ceiling) to the commit that reaches its end; the rate from "
                + "the first commit and the whole drain time are in the note. The router writes three "
                + "records per lead (the delivery, its `leads-routed` record, the de-duplication store's changelog "
                + "entry), the bare filter one.";
    }

    @Override
    public List<Figure> run(Bench bench) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> offers =
                Destinations.httpsOffers(bench, "bench-router-" + run, OFFERS, "https://crm.example.com/leads");
        long count = Math.max(5_000, (long) (LEADS * bench.scale()));
        bench.progress("router: writing " + count + " leads to " + Topics.LEADS.name());
        Backlog backlog = Backlog.write(bench, Topics.LEADS, List.of(), "rt-" + run, offers, count);

        Backlog.Drain bare = drainBare(bench, backlog, run);
        bench.progress(String.format(Locale.ROOT, "router: bare filter().to() %.0f records/s", bare.warmPerSecond()));
        Backlog.Drain router;
        ServiceJvm.ResourceUse use;
        String group = "bench-router-" + run;
        backlog.positionGroup(bench, group);
        long t0 = System.nanoTime();
        double routerWhole;
        try (ServiceJvm jvm = bench.start("router", routerEnv(bench, group), "256m")) {
            router = backlog.await(bench, group, DRAIN_TIMEOUT);
            routerWhole = (System.nanoTime() - t0) / 1e9;
            use = jvm.use();
        }
        bench.progress(String.format(
                Locale.ROOT,
                "router: router-streams %.0f leads/s (%.1f s from its start)",
                router.warmPerSecond(),
                routerWhole));
        List<Figure> figures = new ArrayList<>();
        double ratio = router.warmPerSecond() / bare.warmPerSecond();
        figures.add(new Figure(
                "router-streams, " + String.format(Locale.ROOT, "%,d", count) + " leads, exactly_once_v2",
                router.warmPerSecond(),
                "leads/s",
                "bare Streams filter().to(), same records, exactly_once_v2",
                bare.warmPerSecond(),
                "≥ 0.8×",
                ratio >= 0.8,
                String.format(
                        Locale.ROOT,
                        "from the first commit (warm-up included) %,.0f vs %,.0f records/s (%.2f×); whole drain from"
                                + " the JVM's launch %.1f s (router) vs %.1f s (bare); router JVM peak heap %.0f MiB,"
                                + " %.0f CPU s",
                        router.steadyPerSecond(),
                        bare.steadyPerSecond(),
                        router.steadyPerSecond() / bare.steadyPerSecond(),
                        routerWhole,
                        bare.seconds(),
                        use.peakHeapMiB(),
                        use.cpuSeconds())));
        return figures;
    }

    /** The router's environment: its own application id (its consumer group) and state directory. */
    static Map<String, String> routerEnv(Bench bench, String applicationId) {
        return Map.of(
                "ROUTER_APPLICATION_ID", applicationId,
                "ROUTER_STATE_DIR", bench.workDir(applicationId).toString(),
                "ROUTER_COMMIT_INTERVAL_MS", COMMIT_INTERVAL_MS);
    }

    private static Backlog.Drain drainBare(Bench bench, Backlog backlog, String run) throws Exception {
        String group = "bench-bare-filter-" + run;
        String output = "bench-bare-filter-out-" + run;
        try (Admin admin = Backlog.admin(bench)) {
            admin.createTopics(List.of(new NewTopic(output, Topics.LEADS.partitions(), (short) 1)))
                    .all()
                    .get();
        }
        backlog.positionGroup(bench, group);
        Path dir = bench.workDir(group);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        BareFilterApp.class.getName(),
                        bench.bootstrapServers(),
                        group,
                        dir.resolve("state").toString(),
                        Topics.LEADS.name(),
                        output,
                        COMMIT_INTERVAL_MS)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("bare-filter.log").toFile())
                .start();
        try {
            return backlog.await(bench, group, DRAIN_TIMEOUT);
        } finally {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
