package dev.leadpipe.kafka.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import dev.leadpipe.core.topic.TopicSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads a topic from the beginning for assertions, with the registry's serdes and read_committed isolation. */
public final class TopicReader {
    private static final Duration READ_ALL_TIMEOUT = Duration.ofSeconds(60);

    private TopicReader() {}

    /**
     * Reads records until {@code done} holds for everything read so far, or until {@code timeout}; then keeps reading
     * for {@code settle} more so that records beyond the expected ones are seen too. Returns all records read.
     */
    public static <K, V> List<ConsumerRecord<K, V>> readUntil(
            String bootstrap,
            TopicSpec<K, V> topic,
            Predicate<List<ConsumerRecord<K, V>>> done,
            Duration timeout,
            Duration settle) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "test-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false);
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(
                config, topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            consumer.subscribe(List.of(topic.name()));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && !done.test(records)) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            long settleEnd = System.nanoTime() + settle.toNanos();
            while (System.nanoTime() < settleEnd) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /**
     * Reads every committed record the topic holds right now: from the beginning of each partition up to its end
     * (last stable) offset taken when the call starts. Unlike a fixed reading window it cannot stop short on a slow
     * machine, so "these N records and no others" and "none at all" can be asserted on what it returns. Fails if the
     * end is not reached within 60 s.
     */
    public static <K, V> List<ConsumerRecord<K, V>> readAll(String bootstrap, TopicSpec<K, V> topic) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false);
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(
                config, topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), READ_ALL_TIMEOUT).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, READ_ALL_TIMEOUT);
            long deadline = System.nanoTime() + READ_ALL_TIMEOUT.toNanos();
            while (!ends.entrySet().stream()
                    .allMatch(e -> consumer.position(e.getKey(), READ_ALL_TIMEOUT) >= e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic.name() + " to its end offsets " + ends
                            + " within " + READ_ALL_TIMEOUT + "; read " + records.size() + " records");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
