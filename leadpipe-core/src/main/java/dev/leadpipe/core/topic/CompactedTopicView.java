package dev.leadpipe.core.topic;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.leadpipe.core.error.SafeErrors;

/**
 * A local, read-only view of a compacted topic keyed by string: each key's latest value. A background consumer (no
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
    private static final Duration POLL = Duration.ofMillis(200);

    /** One key's latest known state; {@code value} is null after a deletion. */
    private record Entry<V>(V value, int partition, long offset) {
    }

    private final TopicSpec<String, V> topic;
    private final String name;
    private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();
    private final Consumer<String, byte[]> consumer;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile RuntimeException startFailure;

    private CompactedTopicView(String bootstrapServers, TopicSpec<String, V> topic, String name) {
        this.topic = topic;
        this.name = name;
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "leadpipe-" + name.replace(' ', '-') + "-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = Thread.ofPlatform().name(name.replace(' ', '-')).daemon().unstarted(this::run);
    }

    /**
     * Starts following {@code topic} and waits until the view caught up with it.
     *
     * @param name what the view is, for its thread and log lines ("destination catalog")
     * @throws IllegalStateException when it did not catch up within {@code catchUpTimeout}
     */
    public static <V> CompactedTopicView<V> start(String bootstrapServers, TopicSpec<String, V> topic, String name,
                                                  Duration catchUpTimeout) {
        CompactedTopicView<V> view = new CompactedTopicView<>(bootstrapServers, topic, name);
        view.thread.start();
        try {
            boolean done = view.caughtUp.await(catchUpTimeout.toMillis(), TimeUnit.MILLISECONDS);
            if (view.startFailure != null) {
                throw view.startFailure;
            }
            if (!done) {
                throw new IllegalStateException("the " + name + " did not catch up with " + topic.name() + " within "
                        + catchUpTimeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            view.close();
            throw new IllegalStateException("interrupted while reading " + topic.name(), e);
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
        entries.merge(key, candidate,
                (old, now) -> old.partition() == now.partition() && old.offset() > now.offset() ? old : now);
    }

    private void run() {
        try {
            List<TopicPartition> partitions = partitions();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            boolean reported = false;
            while (running) {
                if (!reported && reachedEnd(end)) {
                    LOG.info("{} caught up: {} keys have a value", name, size());
                    caughtUp.countDown();
                    reported = true;
                }
                try {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                        read(record);
                    }
                } catch (WakeupException e) {
                    throw e;
                } catch (KafkaException e) {
                    LOG.warn("reading {} failed, retrying: {}", topic.name(), SafeErrors.describe(e));
                    Thread.sleep(1000);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                startFailure = new IllegalStateException(name + " woken up unexpectedly", e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            startFailure = new IllegalStateException("could not read " + topic.name() + ": "
                    + e.getClass().getSimpleName(), e);
            LOG.error("{} stopped: {}", name, SafeErrors.describe(e));
        } finally {
            caughtUp.countDown();
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private List<TopicPartition> partitions() {
        List<PartitionInfo> infos = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic.name() + " does not exist");
        }
        return infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
    }

    private boolean reachedEnd(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void read(ConsumerRecord<String, byte[]> record) {
        if (record.key() == null) {
            LOG.warn("skipping a record without key on {} at {}/{}", record.topic(), record.partition(), record.offset());
            return;
        }
        V value = null;
        if (record.value() != null) {
            try {
                value = topic.valueSerde().deserializer().deserialize(record.topic(), record.value());
            } catch (RuntimeException e) {
                LOG.warn("skipping an unreadable record of key {} on {} at {}/{}", record.key(), record.topic(),
                        record.partition(), record.offset());
                return;
            }
        }
        applyAcknowledged(record.key(), value, record.partition(), record.offset());
    }

    /** Stops the background consumer. */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
