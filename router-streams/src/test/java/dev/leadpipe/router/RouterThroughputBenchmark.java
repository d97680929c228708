package dev.leadpipe.router;

import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.KafkaSettings;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicWriter;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * How fast the router drains a backlog on {@code leads}, against a bare Kafka Streams {@code filter().to()} reading the
 * same records in the same run, on the same (embedded) broker, both exactly_once_v2 with the same commit interval.
 * Each app's time runs from its start until its committed offsets reach the end of {@code leads}. Run with
 * {@code -Dbenchmarks=true} ({@code -Dbenchmark.leads=N}, default 100,000); prints records/s of both and the ratio.
 * The leads are shaped like the local run's sample feed and all routable (https offers).
 */
class RouterThroughputBenchmark {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static final int LEADS = Integer.getInteger("benchmark.leads", 150_000);
    static final int OFFERS = 8;

    @Test
    void drainsABacklogAgainstABareFilter() throws Exception {
        assumeTrue(Boolean.getBoolean("benchmarks"), "benchmarks run with -Dbenchmarks=true");
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<LeadDestination> destinations = new ArrayList<>();
        for (int o = 0; o < OFFERS; o++) {
            destinations.add(new LeadDestination(
                    offer(run, o),
                    DestinationType.HTTPS,
                    Map.of("url", "https://crm.example.com/leads/" + o),
                    List.of(),
                    1,
                    Instant.now()));
        }
        TopicWriter.writeDestinations(KAFKA.bootstrapServers(), destinations);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("bench-bare-out", Topics.LEADS.partitions(), (short) 1)))
                    .all()
                    .get();
            preload(run);
            Map<TopicPartition, Long> end = admin
                    .listOffsets(Map.ofEntries(partitions().stream()
                            .map(tp -> Map.entry(tp, OffsetSpec.latest()))
                            .toArray(Map.Entry[]::new)))
                    .all()
                    .get()
                    .entrySet()
                    .stream()
                    .collect(Collectors.toMap(
                            Map.Entry::getKey, e -> e.getValue().offset()));
            long total = end.values().stream().mapToLong(Long::longValue).sum();

            double bare = drainSeconds(admin, "bench-bare-" + run, end, () -> bareFilter("bench-bare-" + run));
            double router = drainSeconds(admin, "bench-router-" + run, end, () -> routerApp("bench-router-" + run));
            System.out.printf(
                    "ROUTER-BENCH records=%d bare=%.0f rec/s (%.1f s) router=%.0f rec/s (%.1f s) ratio=%.2f%n",
                    total, total / bare, bare, total / router, router, bare / router);
        }
    }

    private interface App extends AutoCloseable {
        @Override
        void close();
    }

    private interface Starter {
        App start() throws Exception;
    }

    private static double drainSeconds(Admin admin, String group, Map<TopicPartition, Long> end, Starter starter)
            throws Exception {
        long t0 = System.nanoTime();
        try (App app = starter.start()) {
            System.out.printf("ROUTER-BENCH %s started in %.1f s%n", group, (System.nanoTime() - t0) / 1e9);
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get();
                boolean done = end.entrySet().stream().allMatch(e -> {
                    OffsetAndMetadata c = committed.get(e.getKey());
                    return c != null && c.offset() >= e.getValue();
                });
                if (done) {
                    return (System.nanoTime() - t0) / 1e9;
                }
                Thread.sleep(50);
            }
        }
    }

    private static App bareFilter(String applicationId) throws Exception {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(Topics.LEADS.name(), Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .filter((k, v) -> v != null)
                .to("bench-bare-out", Produced.with(Serdes.String(), Serdes.ByteArray()));
        Properties p = KafkaSettings.streamsProperties(
                applicationId,
                KafkaConnection.plaintext(KAFKA.bootstrapServers()),
                Files.createTempDirectory("bench-bare-"),
                RouterConfig.COMMIT_INTERVAL.defaultValue());
        KafkaStreams streams = new KafkaStreams(builder.build(), p);
        streams.start();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            Thread.sleep(10);
        }
        return streams::close;
    }

    private static App routerApp(String applicationId) throws Exception {
        RouterApp app = RouterApp.start(RouterConfig.of(KAFKA.bootstrapServers())
                .with(RouterConfig.APPLICATION_ID, applicationId)
                .with(RouterConfig.STATE_DIR, Files.createTempDirectory("bench-router-")));
        return app::close;
    }

    private static void preload(String run) throws Exception {
        try (KafkaProducer<String, byte[]> producer = RouterAppTest.producer(KAFKA.bootstrapServers())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < LEADS; i++) {
                String leadId = "l-" + run + "-" + i;
                sent.add(producer.send(new ProducerRecord<>(
                        Topics.LEADS.name(),
                        leadId,
                        sampleLead(i, leadId, offer(run, i % OFFERS)).getBytes())));
                if (sent.size() >= 10_000) {
                    for (Future<RecordMetadata> f : sent) {
                        f.get();
                    }
                    sent.clear();
                }
            }
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        }
    }

    private static List<TopicPartition> partitions() {
        List<TopicPartition> out = new ArrayList<>();
        for (int p = 0; p < Topics.LEADS.partitions(); p++) {
            out.add(new TopicPartition(Topics.LEADS.name(), p));
        }
        return out;
    }

    private static String offer(String run, int o) {
        return "bench" + run + ".offer-" + o;
    }

    /** A lead as ingest writes it on {@code leads}, shaped like the sample feed (about 300 bytes, sizes spread). */
    static String sampleLead(long i, String leadId, String offerId) {
        String description = "Wants a demo of the product for team " + i + " ".repeat((int) (i % 5) * 20);
        return "{\"UserDetails\":{\"FirstName\":\"Ana" + i + "\",\"LastName\":\"Silva\",\"Email\":\"ana.silva" + i
                + "@northwind.example\",\"Phone\":\"+351 21 000 0000\",\"Country\":\"PT\",\"Company\":\"Northwind\","
                + "\"Title\":\"CTO\"},\"LeadSource\":\"AzureMarketplace-INS|" + offerId + "\",\"ActionCode\":\"INS\","
                + "\"OfferTitle\":\"Contoso Table Offer\",\"Description\":\"" + description.strip() + "\","
                + "\"leadId\":\"" + leadId + "\",\"offerId\":\"" + offerId + "\",\"receivedAt\":\""
                + Instant.ofEpochMilli(1_700_000_000_000L + i) + "\",\"test\":false}";
    }
}
