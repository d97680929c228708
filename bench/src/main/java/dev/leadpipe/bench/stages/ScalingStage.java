package dev.leadpipe.bench.stages;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import dev.leadpipe.bench.Bench;
import dev.leadpipe.bench.Figure;
import dev.leadpipe.bench.ServiceJvm;
import dev.leadpipe.bench.Stage;
import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.secret.SecretKeyring;
import dev.leadpipe.core.topic.TopicSpec;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.fakes.FakeHttpsReceiver;

/**
 * Stage 7, scaling: the router, and sink-https against a quick stand-in, each with one and with two instances (JVMs
 * of their own, one consumer group), leads/s of two against one, on this machine's cores.
 */
public final class ScalingStage implements Stage {
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(4);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Override
    public String title() {
        return "7. Scaling: one and two instances";
    }

    @Override
    public String method() {
        return "Each case starts its instances (runnable jars, JVMs of their own, `-Xmx256m`, one consumer group) and "
                + "waits until every one is ready, then writes a backlog and times how fast the group drains it, "
                + "from its first commit past the first " + Math.round(Backlog.WARM_UP * 100) + " % of the backlog "
                + "(the warm-up, as in stage 3) to the commit that reaches its end. Router: 100,000 "
                + "leads (scaled) on `leads` (6 partitions, exactly_once_v2, one stream thread per instance) for "
                + RouterStage.OFFERS + " https offers. sink-https: 10,000 leads (scaled) on `deliveries.https` "
                + "(6 partitions) for 8 offers posting to one `FakeHttpsReceiver` (destination-fakes: plain HTTP on "
                + "loopback, answering 200 at once) in the bench JVM. The baseline of each two-instance figure is "
                + "the one-instance figure of the same run; every instance, the broker and the load share the "
                + "machine's cores (see the note).";
    }

    @Override
    public List<Figure> run(Bench bench) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<Figure> figures = new ArrayList<>();
        long routerLeads = Math.max(5_000, (long) (100_000 * bench.scale()));
        List<String> routerOffers = Destinations.httpsOffers(
                bench, "bench-scale-" + run, RouterStage.OFFERS, "https://crm.example.com/leads");
        double[] router = new double[3];
        for (int n = 1; n <= 2; n++) {
            String group = "bench-scale-router-" + n + "-" + run;
            Backlog.atEnd(bench, Topics.LEADS, List.of()).positionGroup(bench, group);
            List<ServiceJvm> jvms = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) {
                    jvms.add(bench.start("router", RouterStage.routerEnv(bench, group), "256m"));
                }
                awaitAllReady(jvms);
                bench.progress("scaling: router x" + n + ", " + routerLeads + " leads");
                Backlog backlog =
                        Backlog.write(bench, Topics.LEADS, List.of(), "sc" + n + "-" + run, routerOffers, routerLeads);
                router[n] = backlog.await(bench, group, DRAIN_TIMEOUT).warmPerSecond();
            } finally {
                jvms.forEach(ServiceJvm::close);
            }
        }
        figures.add(scaled("router-streams", router, cores, routerLeads));

        long sinkLeads = Math.max(1_000, (long) (10_000 * bench.scale()));
        double[] sink = new double[3];
        String key = SecretKeyring.newKey();
        SecretKeyring keyring = SecretKeyring.of(List.of("benchscale=" + key), "bench");
        try (FakeHttpsReceiver receiver = FakeHttpsReceiver.start(null)) {
            List<String> offers =
                    Destinations.httpsOffers(bench, "bench-sink-" + run, 8, receiver.url("/leads"), keyring);
            List<TopicSpec<?, ?>> tiers = new ArrayList<>(Topics.retryTiers(DestinationType.HTTPS));
            for (int n = 1; n <= 2; n++) {
                String group = "bench-scale-sink-" + n + "-" + run;
                Backlog position = Backlog.atEnd(bench, Topics.DELIVERIES_HTTPS, tiers);
                position.positionGroup(bench, group);
                List<ServiceJvm> jvms = new ArrayList<>();
                try {
                    for (int i = 0; i < n; i++) {
                        jvms.add(bench.start(
                                "sink-https",
                                Map.of(
                                        "SINK_GROUP_ID",
                                        group,
                                        DestinationAddresses.ALLOWED_HOSTS_ENV,
                                        "127.0.0.1,localhost",
                                        SecretKeyring.KEYS_ENV,
                                        "benchscale=" + key),
                                "256m"));
                    }
                    awaitAllReady(jvms);
                    bench.progress("scaling: sink-https x" + n + ", " + sinkLeads + " leads");
                    Backlog backlog = Backlog.write(
                            bench, Topics.DELIVERIES_HTTPS, tiers, "ss" + n + "-" + run, offers, sinkLeads);
                    sink[n] = backlog.await(bench, group, DRAIN_TIMEOUT).warmPerSecond();
                } finally {
                    jvms.forEach(ServiceJvm::close);
                }
            }
        }
        figures.add(scaled("sink-https, quick stand-in", sink, cores, sinkLeads));
        return figures;
    }

    private static Figure scaled(String what, double[] perInstances, int cores, long leads) {
        return new Figure(
                what + ", 2 instances",
                perInstances[2],
                "leads/s",
                what + ", 1 instance",
                perInstances[1],
                null,
                null,
                String.format(
                        Locale.ROOT,
                        "%,d leads per case; %d cores shared by the instances, the broker and the bench JVM",
                        leads,
                        cores));
    }

    /** Waits until every instance answers ready at once (a second instance joining rebalances the first). */
    private static void awaitAllReady(List<ServiceJvm> jvms) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        int inARow = 0;
        while (inARow < 3) {
            boolean all = true;
            for (ServiceJvm j : jvms) {
                all &= ready(j.port());
            }
            inARow = all ? inARow + 1 : 0;
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the instances were not all ready within 120 s");
            }
            Thread.sleep(300);
        }
    }

    private static boolean ready(int port) {
        try {
            HttpResponse<Void> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }
}
