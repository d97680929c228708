package dev.leadpipe.core.topic;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a compacted topic keyed by UTF-8 strings, once, from its beginning to the end it had when asked: each key's
 * latest value, a tombstone removing the key. The reader of one service's own state at start-up (the notifier's
 * pending digests and destination notices) and of the API keys; for a view kept current, see
 * {@link CompactedTopicView}.
 */
public final class CompactedTopicSnapshot {
    private static final Duration POLL = Duration.ofMillis(200);

    /** Turns one record's value into the map's value; null or an exception: unreadable, the key is left as it was. */
    @FunctionalInterface
    public interface ValueReader<V> {
        V read(String key, byte[] value) throws Exception;
    }

    /** Told of each unreadable record (to log its key and position, never its value). */
    @FunctionalInterface
    public interface Unreadable {
        void record(String key, int partition, long offset);
    }

    private CompactedTopicSnapshot() {}

    /**
     * Every key's latest readable value, in the order keys were first written. Assigns {@code consumer} to every
     * partition of {@code topic}; the caller owns and closes it.
     *
     * @throws IllegalStateException when the end was not reached within {@code timeout}
     */
    public static <V> Map<String, V> read(
            Consumer<?, byte[]> consumer,
            String topic,
            Duration timeout,
            ValueReader<? extends V> reader,
            Unreadable unreadable) {
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(topic, timeout).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, timeout));
        Map<String, V> values = new LinkedHashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey(), timeout) < e.getValue())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(topic + " could not be read within " + timeout.toSeconds() + " s");
            }
            for (ConsumerRecord<?, byte[]> r : consumer.poll(POLL)) {
                String key = keyOf(r.key());
                if (key == null) {
                    continue;
                }
                if (r.value() == null) {
                    values.remove(key);
                    continue;
                }
                V value;
                try {
                    value = reader.read(key, r.value());
                } catch (Exception e) {
                    value = null;
                }
                if (value == null) {
                    unreadable.record(key, r.partition(), r.offset());
                } else {
                    values.put(key, value);
                }
            }
        }
        return values;
    }

    private static String keyOf(Object key) {
        if (key instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return key == null ? null : key.toString();
    }
}
