package dev.leadpipe.sink.runtime;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import static dev.leadpipe.sink.runtime.SinkTestSupport.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * How fast one sink drains a backlog of leads for one quick endpoint (a scripted destination answering at once): the
 * runtime's own cost per lead, against a baseline in the same run, on the same broker: a bare loop that reads the same
 * records and writes one acknowledged record per lead (what the sink must do at least). Run with
 * {@code -Dbenchmarks=true}; prints leads/s, JVM CPU per 1,000 leads, and the ratio of the two drain times.
 */
class SinkThroughputBenchmark extends SinkBrokerTest {
    static final int LEADS = Integer.getInteger("benchmark.leads", 20_000);

    @Test
    void drainsABacklogForOneQuickEndpoint() throws Exception {
        assumeTrue(Boolean.getBoolean("benchmarks"), "benchmarks run with -Dbenchmarks=true");
        String offer = offer("bulk");
        putDestination(offer, TYPE, "bulk-" + run, 1);
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int i = 0; i < LEADS; i++) {
            Lead lead = SinkTestSupport.customerLead(lead("l" + i), offer);
            sent.add(producer.send(new ProducerRecord<>(TOPIC.name(), lead.leadId(), bytes(lead))));
        }
        for (Future<RecordMetadata> f : sent) {
            f.get();
        }
        Map<TopicPartition, Long> end =
                admin.listOffsets(partitions(OffsetSpec.latest())).all().get().entrySet().stream()
                        .collect(Collectors.toMap(
                                Map.Entry::getKey, e -> e.getValue().offset()));
        double baseline = baselineSeconds(end);

        ScriptedDestination destination = new ScriptedDestination();
        String group = group();
        // the group starts at the end: move it back to the start of the backlog
        admin.deleteConsumerGroups(List.of(group)).all().get();
        long cpuBefore = cpu();
        long start = System.nanoTime();
        try (SinkRuntime sink = SinkRuntime.start(
                config(group).with(SinkConfig.MAX_IN_FLIGHT, 1000).withMaxConcurrencyPerEndpoint(8),
                destination.client(TYPE))) {
            // the size first: a scan of every record 50 times a second would take a core from the sink it measures
            await(
                    "every lead delivered",
                    () -> destination.records.size() >= LEADS
                            && destination.records.keySet().stream()
                                            .filter(k -> k.endsWith("-" + run))
                                            .count()
                                    >= LEADS,
                    Duration.ofMinutes(10));
            await("nothing in flight", () -> sink.inFlight() == 0, Duration.ofMinutes(1));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuMs = (cpu() - cpuBefore) / 1e6;
        System.out.printf(
                "BENCHMARK sink drain: %d leads in %.1f s = %.0f leads/s; JVM CPU %.0f ms per 1,000 leads%n",
                LEADS, seconds, LEADS / seconds, cpuMs / (LEADS / 1000.0));
        System.out.printf(
                "BENCHMARK baseline (read + one acknowledged write per lead): %.1f s = %.0f leads/s; "
                        + "sink / baseline = %.2f%n",
                baseline, LEADS / baseline, seconds / baseline);
    }

    /** The delivery topic's partitions, each with {@code spec}. */
    private static Map<TopicPartition, OffsetSpec> partitions(OffsetSpec spec) throws Exception {
        return admin.describeTopics(List.of(TOPIC.name())).allTopicNames().get().get(TOPIC.name()).partitions().stream()
                .collect(Collectors.toMap(p -> new TopicPartition(TOPIC.name(), p.partition()), p -> spec));
    }

    /**
     * Reads this run's {@link #LEADS} records of the delivery topic (below {@code end}) and writes one record per lead to
     * a scratch topic with the sink's producer settings, every write acknowledged: seconds taken.
     */
    private double baselineSeconds(Map<TopicPartition, Long> end) throws Exception {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KAFKA.bootstrapServers(),
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                100,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed");
        Map<String, Object> producerProps = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KAFKA.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.LINGER_MS_CONFIG,
                0);
        String scratch = "benchmark-baseline-" + run;
        admin.createTopics(List.of(new NewTopic(scratch, Topics.LEAD_PARTITIONS, (short) 1)))
                .all()
                .get();
        long start = System.nanoTime();
        try (KafkaConsumer<String, byte[]> consumer =
                        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
                KafkaProducer<String, byte[]> writer =
                        new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer())) {
            consumer.assign(end.keySet());
            end.forEach((tp, e) -> consumer.seek(tp, Math.max(0, e - LEADS)));
            List<Future<RecordMetadata>> written = new ArrayList<>();
            int read = 0;
            while (read < LEADS) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))
                            && r.key() != null
                            && r.key().endsWith("-" + run)) {
                        written.add(writer.send(new ProducerRecord<>(scratch, r.key(), r.value())));
                        read++;
                    }
                }
            }
            for (Future<RecordMetadata> f : written) {
                f.get();
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
