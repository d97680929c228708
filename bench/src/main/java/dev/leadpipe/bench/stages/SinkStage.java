package dev.leadpipe.bench.stages;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.leadpipe.bench.Bench;
import dev.leadpipe.bench.Figure;
import dev.leadpipe.bench.ServiceJvm;
import dev.leadpipe.bench.Stage;
import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.core.secret.SecretKeyring;
import dev.leadpipe.core.topic.TopicSpec;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.fakes.FakeHttpsReceiver;
import dev.leadpipe.kafka.GroupOffsets;

/**
 * Stage 4a: the sink runtime (sink-https from its jar, {@value #CONCURRENCY} concurrent calls per endpoint) draining
 * a backlog of leads for one offer from {@code deliveries.https} to a stand-in that answers every lead after exactly
 * {@value #LATENCY_MS} ms, against the ideal C/L. Every lead must be delivered (outcome DELIVERED and received by the
 * stand-in), or the stage fails.
 */
public final class SinkStage implements Stage {
    static final int CONCURRENCY = 64;
    static final int LATENCY_MS = 50;
    private static final int LEADS = 24_000;
    /**
     * Leads drained before the measured ones, not counted: the sink JVM compiles its hot paths for about its first ten
     * seconds (ProducerPerformance's {@code --warmup-records} does the same for the ceiling).
     */
    private static final int WARM_UP_LEADS = 12_000;

    private static final String PATH = "/bench-sink";

    @Override
    public String title() {
        return "4a. Sink runtime: leads/s against a destination of fixed latency";
    }

    @Override
    public String method() {
        return "sink-https (its runnable jar, `SINK_MAX_CONCURRENCY_PER_ENDPOINT=" + CONCURRENCY + "`, other settings"
                + " default) drains a backlog of " + String.format("%,d", WARM_UP_LEADS + LEADS) + " leads for one"
                + " offer, written to"
                + " `deliveries.https` (6 partitions) before it starts, as the router writes them; the destination is a"
                + " stand-in in the bench JVM (`FakeHttpsReceiver`) that answers every lead `202` after exactly L = "
                + LATENCY_MS + " ms. Figure: DELIVERED outcomes per second over the last " + String.format("%,d", LEADS)
                + " of them: the first " + String.format("%,d", WARM_UP_LEADS) + " are the sink JVM's warm-up (its JIT"
                + " compiles for about ten seconds; ProducerPerformance's `--warmup-records` does the same for the"
                + " ceiling), and the rate from the very first outcome is in the note."
                + " Baseline: the ideal C/L = " + CONCURRENCY + " / " + LATENCY_MS + " ms = " + ideal()
                + " leads/s. Every lead must reach the stand-in and have its DELIVERED outcome.";
    }

    static int ideal() {
        return CONCURRENCY * 1000 / LATENCY_MS;
    }

    @Override
    public List<Figure> run(Bench bench) throws Exception {
        int measured = Math.max(500, (int) Math.round(LEADS * bench.scale()));
        int warmUp = (int) Math.round(WARM_UP_LEADS * bench.scale());
        int leads = warmUp + measured;
        String run = UUID.randomUUID().toString().substring(0, 8);
        String offer = "bench-sink.https-" + run;
        String prefix = "bench-sink-" + run;
        String group = "bench-sink-https-" + run;
        String bootstrap = bench.bootstrapServers();
        String keyEntry = "bench=" + SecretKeyring.newKey();
        SecretKeyring keyring = SecretKeyring.of(List.of(keyEntry), "the bench");

        StageKafka.ensureTopics(bootstrap);
        List<TopicSpec<?, ?>> consumed = new ArrayList<>(List.of(Topics.DELIVERIES_HTTPS));
        consumed.addAll(Topics.retryTiers(DestinationType.HTTPS));
        GroupOffsets.atEnd(bootstrap, group, consumed);

        try (FakeHttpsReceiver receiver = FakeHttpsReceiver.start(null).answer(PATH, Duration.ofMillis(LATENCY_MS));
                OutcomeTally outcomes = new OutcomeTally(bootstrap, prefix)) {
            StageKafka.putDestinations(
                    bootstrap,
                    List.of(keyring.encryptSecrets(new LeadDestination(
                            offer,
                            DestinationType.HTTPS,
                            Map.of("url", receiver.url(PATH)),
                            List.of(),
                            1,
                            Instant.now()))));
            List<Lead> backlog = StageKafka.routableLeads(bench.leads(), prefix, List.of(offer), leads);
            List<Map.Entry<String, Lead>> records = new ArrayList<>(leads);
            backlog.forEach(l -> records.add(Map.entry(l.leadId(), l)));
            StageKafka.write(bootstrap, Topics.DELIVERIES_HTTPS, records);
            bench.progress("sink: " + leads + " leads on deliveries.https; starting sink-https");

            ServiceJvm.ResourceUse use;
            double inFlight;
            double queued;
            try (ServiceJvm sink = bench.start(
                    "sink-https",
                    Map.of(
                            "SINK_GROUP_ID",
                            group,
                            "SINK_MAX_CONCURRENCY_PER_ENDPOINT",
                            Integer.toString(CONCURRENCY),
                            DestinationAddresses.ALLOWED_HOSTS_ENV,
                            "127.0.0.1,localhost",
                            SecretKeyring.KEYS_ENV,
                            keyEntry),
                    "256m")) {
                try (GaugeSampler gauges = GaugeSampler.sinkLanes(sink.port(), bench.apiKey())) {
                    outcomes.awaitOutcomes(
                            leads, Duration.ofSeconds(60), Duration.ofSeconds(30 + leads / 200), bench, "sink");
                    inFlight = gauges.mean(GaugeSampler.SINK_IN_FLIGHT);
                    queued = gauges.mean(GaugeSampler.SINK_QUEUED);
                }
                use = sink.use();
            }
            int delivered = outcomes.count(OutcomeType.DELIVERED);
            long received = receiver.deliveries().keySet().stream()
                    .filter(k -> k.startsWith(prefix))
                    .count();
            if (delivered != leads || received != leads) {
                throw new IllegalStateException("sink: of " + leads + " leads, " + delivered + " DELIVERED and "
                        + received + " received by the stand-in; outcomes " + outcomes.counts());
            }
            double rate = outcomes.drainRate((double) warmUp / leads, 1);
            double cold = outcomes.drainRate(0, 1);
            double ratio = rate / ideal();
            bench.progress(String.format("sink: %,.0f leads/s (%.2f × C/L)", rate, ratio));
            double callsUnderWay = rate * LATENCY_MS / 1000.0; // Little's law at the stand-in
            String note = String.format(
                    "%,d leads after %,d of warm-up; from the first outcome (cold) %,d leads in %.1f s, %,.0f"
                            + " leads/s (%.2f×); %d re-sent requests (%d repeated"
                            + " outcomes); sink JVM: peak heap %.0f MiB, %.1f s CPU (%.2f ms per lead, start-up"
                            + " included). Calls under way at the stand-in: %.0f of %d on average (rate × L); the"
                            + " sink held %.0f leads in memory, %.0f of them queued at the endpoint (means over the"
                            + " drain, from its /metrics). A lead queues with a slot free only when the endpoint's"
                            + " %d tokens are all taken: the runtime lets at most 2 × C leads be attempted and not yet"
                            + " committed (its re-send bound, sink-runtime's EndpointLane), and a token comes back"
                            + " only when an acknowledged offset commit covers its lead, after its outcome write;"
                            + " the rest is the sink's and the broker's CPU on a shared 2-core machine.",
                    measured,
                    warmUp,
                    leads,
                    outcomes.drainSeconds(),
                    cold,
                    cold / ideal(),
                    receiver.repeats().size(),
                    outcomes.repeated(),
                    use.peakHeapMiB(),
                    use.cpuSeconds(),
                    1000 * use.cpuSeconds() / leads,
                    callsUnderWay,
                    CONCURRENCY,
                    inFlight,
                    queued,
                    2 * CONCURRENCY);
            return List.of(new Figure(
                    "sink-https drain, one endpoint, L = " + LATENCY_MS + " ms, C = " + CONCURRENCY,
                    rate,
                    "leads/s",
                    "ideal C/L",
                    ideal(),
                    "≥ 0.9 × C/L",
                    ratio >= 0.9,
                    note));
        }
    }
}
