package dev.leadpipe.leadctl;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.leadpipe.core.dlq.DeadLetterRecord;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Volume fixtures of the replay tests: dead letters built with {@link DeadLetterRecord} exactly as the router and the
 * sinks build them, outcomes on {@code lead-outcomes}, and counts of what reached {@code leads} read read_committed
 * (as the router reads it, under exactly_once_v2) or read_uncommitted.
 */
final class ReplayFixtures {
    private static final Pattern SUMMARY = Pattern.compile(
            "replayed (\\d+), skipped (\\d+) \\(already delivered (\\d+), already replayed (\\d+), over the replay cap"
                    + " (\\d+), malformed (\\d+)\\)");

    private ReplayFixtures() {}

    /** A run's summary line, parsed. */
    record Summary(int replayed, int skipped, int delivered, int alreadyReplayed, int overCap, int malformed) {
        static Summary of(Cli.Run run) {
            Matcher m = SUMMARY.matcher(run.out());
            if (!m.find()) {
                throw new AssertionError("no summary line in\n" + run);
            }
            return new Summary(
                    Integer.parseInt(m.group(1)),
                    Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)),
                    Integer.parseInt(m.group(4)),
                    Integer.parseInt(m.group(5)),
                    Integer.parseInt(m.group(6)));
        }
    }

    /** Lead ids {@code <offer>-0} to {@code <offer>-(n-1)}. */
    static List<String> ids(String offer, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(offer + "-" + i);
        }
        return ids;
    }

    /**
     * Writes a dead letter of each lead to {@code leads-dlq}, keyed by lead id, with the lead's JSON, a traceparent
     * header and the {@code leadpipe.dlq.*} headers of {@link DeadLetterRecord#headers}; {@code errorOf} gives the
     * class of the i-th lead (its destination type {@code table} for a TABLE_ class, else {@code none}).
     */
    static void deadLetters(String bootstrap, String offer, List<String> leadIds, IntFunction<ErrorClass> errorOf) {
        deadLetters(bootstrap, offer, leadIds, errorOf, null);
    }

    /**
     * As {@link #deadLetters(String, String, List, IntFunction)}, all on {@code leads-dlq} partition {@code partition}
     * (null: the partition of each lead id), for a test whose chunks must not be cut by partition ends.
     */
    static void deadLetters(
            String bootstrap, String offer, List<String> leadIds, IntFunction<ErrorClass> errorOf, Integer partition) {
        Instant now = Instant.now();
        try (KafkaProducer<String, byte[]> producer = producer(bootstrap, new ByteArraySerializer())) {
            for (int i = 0; i < leadIds.size(); i++) {
                String leadId = leadIds.get(i);
                ErrorClass error = errorOf.apply(i);
                Headers original = new RecordHeaders();
                original.add("traceparent", ("00-" + leadId + "-01").getBytes(StandardCharsets.UTF_8));
                String type = error.code().startsWith("TABLE_") ? "table" : "none";
                Headers headers = DeadLetterRecord.headers(
                        original,
                        new DeadLetterRecord.Context(
                                leadId,
                                offer,
                                error,
                                type.equals("table") ? 403 : 0,
                                null,
                                type,
                                type.equals("table") ? 1 : 0,
                                now.minusSeconds(60),
                                now,
                                Topics.LEADS.name(),
                                i % Topics.LEAD_PARTITIONS,
                                (long) i,
                                0));
                producer.send(new ProducerRecord<>(
                        Topics.LEADS_DLQ.name(),
                        partition,
                        now.toEpochMilli(),
                        leadId,
                        DlqSeed.leadJson(leadId, offer),
                        headers));
            }
            producer.flush();
        }
    }

    /** Writes each outcome to {@code lead-outcomes}, keyed by its lead id, in the order given. */
    static void outcomes(String bootstrap, Outcome... outcomes) {
        try (KafkaProducer<String, Outcome> producer =
                producer(bootstrap, Topics.LEAD_OUTCOMES.valueSerde().serializer())) {
            for (Outcome o : outcomes) {
                producer.send(new ProducerRecord<>(Topics.LEAD_OUTCOMES.name(), o.leadId(), o));
            }
            producer.flush();
        }
    }

    static Outcome delivered(String leadId, String offer) {
        return Outcome.delivered(leadId, offer, "table", "rec-" + leadId, 1, 12, false, 1, Instant.now());
    }

    private static <V> KafkaProducer<String, V> producer(
            String bootstrap, org.apache.kafka.common.serialization.Serializer<V> values) {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.LINGER_MS_CONFIG,
                        5),
                new StringSerializer(),
                values);
    }

    /**
     * How many records of each of {@code leadIds} are on {@code leads}, from its beginning to its end now, read with
     * {@code isolation} ({@code read_committed} or {@code read_uncommitted}). Leads with none are left out.
     */
    static Map<String, Integer> onLeads(String bootstrap, Set<String> leadIds, String isolation) {
        Map<String, Integer> counts = new HashMap<>();
        String topic = Topics.LEADS.name();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        isolation,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                        2000),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> tps = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            Map<TopicPartition, Long> end = consumer.endOffsets(tps, Duration.ofSeconds(30));
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end within 30 s");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))
                            && leadIds.contains(r.key())) {
                        counts.merge(r.key(), 1, Integer::sum);
                    }
                }
            }
        }
        return counts;
    }
}
