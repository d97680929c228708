package dev.leadpipe.kafka.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import dev.leadpipe.core.topic.TopicSpec;

/** Reads a topic from the beginning for assertions, with the registry's serdes and read_committed isolation. */
public final class TopicReader {
    private TopicReader() {
    }

    /**
     * Reads records until {@code done} holds for everything read so far, or until {@code timeout}; then keeps reading
     * for {@code settle} more so that records beyond the expected ones are seen too. Returns all records read.
     */
    public static <K, V> List<ConsumerRecord<K, V>> readUntil(String bootstrap, TopicSpec<K, V> topic,
                                                              Predicate<List<ConsumerRecord<K, V>>> done,
                                                              Duration timeout, Duration settle) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(config, topic.keySerde().deserializer(),
                topic.valueSerde().deserializer())) {
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
}
