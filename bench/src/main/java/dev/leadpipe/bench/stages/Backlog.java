package dev.leadpipe.bench.stages;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.bench.Bench;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.LeadJson;
import dev.leadpipe.core.topic.TopicSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A backlog of leads on a topic and how fast a consumer group drains it: the topic's end offsets before and after the
 * leads were written, a new group positioned at the first (so it reads this backlog only, not earlier stages'
 * records), and the group's committed offsets followed until they reach the second.
 *
 * @param topics the topics the group reads (the first holds the backlog)
 * @param from   the end offsets before the backlog was written, for every partition of {@code topics}
 * @param to     the end offsets after it
 */
record Backlog(List<String> topics, Map<TopicPartition, Long> from, Map<TopicPartition, Long> to) {

    /** The records of the backlog. */
    long records() {
        return sum(to) - sum(from);
    }

    /**
     * Writes {@code count} leads shaped like the sample feed to {@code topic} (keyed by leadId, written as ingest
     * writes them: canonical JSON with offerId and receivedAt), the offer of lead i being {@code offers.get(i % n)}.
     * {@code alsoRead} are other topics the draining group reads (a sink's retry tiers): positioned at their end.
     */
    static Backlog write(
            Bench bench,
            TopicSpec<String, Lead> topic,
            List<TopicSpec<?, ?>> alsoRead,
            String tag,
            List<String> offers,
            long count)
            throws Exception {
        List<String> topics = new ArrayList<>();
        topics.add(topic.name());
        alsoRead.forEach(t -> topics.add(t.name()));
        Map<TopicPartition, Long> from = endOffsets(bench, topics);
        Instant now = Instant.now();
        try (KafkaProducer<String, byte[]> producer = producer(bench)) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (long i = 0; i < count; i++) {
                String leadId = tag + "-" + i;
                JsonNode node =
                        Json.MAPPER.readTree(bench.leads().json(i, offers.get((int) (i % offers.size())), leadId));
                Lead lead = LeadJson.read(node).lead().withReceivedAt(now);
                byte[] value = topic.valueSerde().serializer().serialize(topic.name(), lead);
                sent.add(producer.send(new ProducerRecord<>(topic.name(), leadId, value)));
                if (sent.size() >= 20_000) {
                    await(sent);
                }
            }
            await(sent);
        }
        return new Backlog(topics, from, endOffsets(bench, topics));
    }

    /** An empty backlog at the current end of {@code topic} and {@code alsoRead}: to position a group before it starts. */
    static Backlog atEnd(Bench bench, TopicSpec<?, ?> topic, List<TopicSpec<?, ?>> alsoRead) throws Exception {
        List<String> topics = new ArrayList<>();
        topics.add(topic.name());
        alsoRead.forEach(t -> topics.add(t.name()));
        Map<TopicPartition, Long> end = endOffsets(bench, topics);
        return new Backlog(topics, end, end);
    }

    /** Positions the new consumer group {@code group} at the start of this backlog. */
    void positionGroup(Bench bench, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        from.forEach((tp, o) -> offsets.put(tp, new OffsetAndMetadata(o)));
        try (Admin admin = admin(bench)) {
            admin.alterConsumerGroupOffsets(group, offsets).all().get();
        }
    }

    /** How fast a group drained the backlog. */
    record Drain(
            long records,
            double seconds,
            double steadyRecords,
            double steadySeconds,
            double warmRecords,
            double warmSeconds) {
        /** Records/s from the group's first commit past the backlog's start to its last. */
        double steadyPerSecond() {
            return steadySeconds <= 0 ? records / seconds : steadyRecords / steadySeconds;
        }

        /** Records/s from the group's first commit past the warm-up share of the backlog to its last. */
        double warmPerSecond() {
            return warmSeconds <= 0 ? steadyPerSecond() : warmRecords / warmSeconds;
        }
    }

    /** The share of a backlog drained before {@link Drain#warmPerSecond} starts counting: the apps' warm-up. */
    static final double WARM_UP = 0.2;

    /**
     * Follows {@code group}'s committed offsets (every 100 ms) from now until they reach the end of the backlog on
     * every partition; fails after {@code timeout}. The steady figure counts from its first commit past the start,
     * so the start of the group's JVMs and their first rebalance are left out.
     */
    Drain await(Bench bench, String group, Duration timeout) throws Exception {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        long start = sum(from);
        long end = sum(to);
        long firstAt = -1;
        long firstCommitted = 0;
        long warmAt = -1;
        long warmCommitted = 0;
        try (Admin admin = admin(bench)) {
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get();
                long now = System.nanoTime();
                long done = 0;
                boolean all = true;
                for (Map.Entry<TopicPartition, Long> e : to.entrySet()) {
                    OffsetAndMetadata c = committed.get(e.getKey());
                    long at = c == null ? from.get(e.getKey()) : Math.min(c.offset(), e.getValue());
                    done += at;
                    all &= at >= e.getValue();
                }
                if (firstAt < 0 && done > start) {
                    firstAt = now;
                    firstCommitted = done;
                }
                if (warmAt < 0 && done - start >= WARM_UP * (end - start)) {
                    warmAt = now;
                    warmCommitted = done;
                }
                if (all) {
                    double seconds = (now - t0) / 1e9;
                    return new Drain(
                            end - start,
                            seconds,
                            end - firstCommitted,
                            (now - firstAt) / 1e9,
                            end - warmCommitted,
                            (now - warmAt) / 1e9);
                }
                if (now > deadline) {
                    throw new IllegalStateException(group + " drained " + (done - start) + " of " + (end - start)
                            + " records within " + timeout.toSeconds() + " s");
                }
                Thread.sleep(100);
            }
        }
    }

    static Map<TopicPartition, Long> endOffsets(Bench bench, List<String> topics) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        try (Admin admin = admin(bench)) {
            admin.describeTopics(topics)
                    .allTopicNames()
                    .get()
                    .forEach((name, d) -> d.partitions()
                            .forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, Long> out = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> out.put(tp, info.offset()));
            return out;
        }
    }

    static Admin admin(Bench bench) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bench.bootstrapServers()));
    }

    private static KafkaProducer<String, byte[]> producer(Bench bench) {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bench.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.LINGER_MS_CONFIG,
                        5,
                        ProducerConfig.BATCH_SIZE_CONFIG,
                        65_536),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    private static void await(List<Future<RecordMetadata>> sent) throws Exception {
        for (Future<RecordMetadata> f : sent) {
            f.get();
        }
        sent.clear();
    }

    private static long sum(Map<TopicPartition, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }
}
