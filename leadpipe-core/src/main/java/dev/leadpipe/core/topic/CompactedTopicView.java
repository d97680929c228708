package dev.leadpipe.core.topic;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import dev.leadpipe.core.KafkaConnection;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local, read-only view of a compacted topic keyed by string: each key's latest value. A {@link TopicFollower} (no
 * consumer group; it assigns every partition) reads the topic from the beginning and keeps following it; a tombstone
 * removes the key. {@link #start} returns only once the view has caught up with the end offsets the topic had when it
 * started.
 * <p>
 * Writes made through the owning service are applied at once with {@link #applyAcknowledged} (read-your-writes). Each
 * entry remembers the offset it came from, so a record read later but written earlier never overwrites a newer value,
 * and a deletion is remembered as an empty entry until nothing older can arrive. Unreadable records are skipped with a
 * warning naming only their key and offset.
 *
 * @param <V> the value type, read with the topic's value serde
 */
public final class CompactedTopicView<V> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CompactedTopicView.class);

    /** One key's latest known state; {@code value} is null after a deletion. */
    private record Entry<V>(V value, int partition, long offset) {}

    private final TopicSpec<String, V> topic;
    private final String name;
    private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();
    private final TopicFollower<String, byte[]> follower;

    private CompactedTopicView(KafkaConnection kafka, TopicSpec<String, V> topic, String name) {
        this.topic = topic;
        this.name = name;
        Map<String, Object> config = TopicFollower.config(
                kafka,
                "leadpipe-" + name.replace(' ', '-') + "-" + UUID.randomUUID(),
                Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
        this.follower = new TopicFollower<>(
                name,
                config,
                new StringDeserializer(),
                new ByteArrayDeserializer(),
                new Reader(),
                TopicFollower.OnPollFailure.RETRY);
    }

    /**
     * Starts following {@code topic} and waits until the view caught up with it.
     *
     * @param name what the view is, for its thread and log lines ("destination catalog")
     * @throws IllegalStateException when it did not catch up within {@code catchUpTimeout}
     */
    public static <V> CompactedTopicView<V> start(
            KafkaConnection kafka, TopicSpec<String, V> topic, String name, Duration catchUpTimeout) {
        CompactedTopicView<V> view = new CompactedTopicView<>(kafka, topic, name);
        try {
            view.follower.start().awaitReady(catchUpTimeout, "did not catch up with " + topic.name());
        } catch (RuntimeException e) {
            view.close();
            throw e;
        }
        return view;
    }

    /** The key's current value, if it has one. */
    public Optional<V> get(String key) {
        Entry<V> entry = entries.get(key);
        return entry == null ? Optional.empty() : Optional.ofNullable(entry.value());
    }

    /** How many keys currently have a value. */
    public int size() {
        return (int) entries.values().stream().filter(e -> e.value() != null).count();
    }

    /** Applies a write Kafka acknowledged at {@code partition}/{@code offset}; {@code value} null deletes. */
    public void applyAcknowledged(String key, V value, int partition, long offset) {
        Entry<V> candidate = new Entry<>(value, partition, offset);
        entries.merge(
                key,
                candidate,
                (old, now) -> old.partition() == now.partition() && old.offset() > now.offset() ? old : now);
    }

    /** Reads the topic from the beginning; ready once it reached the end offsets the topic had then. */
    private final class Reader implements TopicFollower.Handler<String, byte[]> {
        private Map<TopicPartition, Long> end;

        @Override
        public void start(Consumer<String, byte[]> consumer) {
            List<TopicPartition> partitions = TopicFollower.assignAll(consumer, topic.name());
            consumer.seekToBeginning(partitions);
            end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        }

        @Override
        public boolean ready(Consumer<String, byte[]> consumer) {
            for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
                if (consumer.position(e.getKey()) < e.getValue()) {
                    return false;
                }
            }
            LOG.info("{} caught up: {} keys have a value", name, size());
            return true;
        }

        @Override
        public void handle(ConsumerRecords<String, byte[]> records, Consumer<String, byte[]> consumer) {
            for (ConsumerRecord<String, byte[]> record : records) {
                read(record);
            }
        }
    }

    private void read(ConsumerRecord<String, byte[]> record) {
        if (record.key() == null) {
            LOG.warn(
                    "skipping a record without key on {} at {}/{}",
                    record.topic(),
                    record.partition(),
                    record.offset());
            return;
        }
        V value = null;
        if (record.value() != null) {
            try {
                value = topic.valueSerde().deserializer().deserialize(record.topic(), record.value());
            } catch (RuntimeException e) {
                LOG.warn(
                        "skipping an unreadable record of key {} on {} at {}/{}",
                        record.key(),
                        record.topic(),
                        record.partition(),
                        record.offset());
                return;
            }
        }
        applyAcknowledged(record.key(), value, record.partition(), record.offset());
    }

    /** Exports the view's consumer's metrics through {@code kafkaMeters} until {@link #close()}. */
    public CompactedTopicView<V> bindMeters(KafkaClientMeters kafkaMeters) {
        follower.bindMeters(kafkaMeters);
        return this;
    }

    /** Stops the background consumer. */
    @Override
    public void close() {
        follower.close();
    }
}
