package dev.leadpipe.core.destination;

import dev.leadpipe.core.error.SafeErrors;

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

import dev.leadpipe.core.topic.Topics;

/**
 * A local, read-only view of the compacted {@code lead-destinations} topic: each offer's current
 * {@link LeadDestination}, keyed by offer id. A background consumer (no consumer group; it assigns every partition)
 * reads the topic from the beginning and keeps following it; a tombstone removes the offer.
 * {@link #start} returns only once the view has caught up with the end offsets the topic had when it started.
 * <p>
 * Writes made through this service are applied at once with {@link #applyAcknowledged} (read-your-writes). Each
 * entry remembers the offset it came from, so a record read later but written earlier never overwrites a newer
 * value, and a deletion is remembered as an empty entry until nothing older can arrive. Unreadable records are
 * skipped with a warning naming only their key and offset.
 */
public final class DestinationCatalog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DestinationCatalog.class);
    private static final Duration POLL = Duration.ofMillis(200);

    /** One offer's latest known state; {@code destination} is null after a deletion. */
    private record Entry(LeadDestination destination, int partition, long offset) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Consumer<String, byte[]> consumer;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile RuntimeException startFailure;

    private DestinationCatalog(String bootstrapServers) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "leadpipe-destinations-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = Thread.ofPlatform().name("destination-catalog").daemon().unstarted(this::run);
    }

    /**
     * Starts following the destinations topic and waits until the view caught up with it.
     *
     * @throws IllegalStateException when it did not catch up within {@code catchUpTimeout}
     */
    public static DestinationCatalog start(String bootstrapServers, Duration catchUpTimeout) {
        DestinationCatalog catalog = new DestinationCatalog(bootstrapServers);
        catalog.thread.start();
        try {
            boolean done = catalog.caughtUp.await(catchUpTimeout.toMillis(), TimeUnit.MILLISECONDS);
            if (catalog.startFailure != null) {
                throw catalog.startFailure;
            }
            if (!done) {
                throw new IllegalStateException("the destination catalog did not catch up with "
                        + Topics.LEAD_DESTINATIONS.name() + " within " + catchUpTimeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            catalog.close();
            throw new IllegalStateException("interrupted while reading " + Topics.LEAD_DESTINATIONS.name(), e);
        } catch (RuntimeException e) {
            catalog.close();
            throw e;
        }
        return catalog;
    }

    /** The offer's current destination, if it has one. */
    public Optional<LeadDestination> get(String offerId) {
        Entry entry = entries.get(offerId);
        return entry == null ? Optional.empty() : Optional.ofNullable(entry.destination());
    }

    /** How many offers currently have a destination. */
    public int size() {
        return (int) entries.values().stream().filter(e -> e.destination() != null).count();
    }

    /** Applies a write Kafka acknowledged at {@code partition}/{@code offset}; {@code destination} null deletes. */
    public void applyAcknowledged(String offerId, LeadDestination destination, int partition, long offset) {
        apply(offerId, destination, partition, offset);
    }

    private void apply(String offerId, LeadDestination destination, int partition, long offset) {
        Entry candidate = new Entry(destination, partition, offset);
        entries.merge(offerId, candidate,
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
                    LOG.info("destination catalog caught up: {} offers have a destination", size());
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
                    LOG.warn("reading {} failed, retrying: {}", Topics.LEAD_DESTINATIONS.name(), SafeErrors.describe(e));
                    Thread.sleep(1000);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                startFailure = new IllegalStateException("destination catalog woken up unexpectedly", e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            startFailure = new IllegalStateException("could not read " + Topics.LEAD_DESTINATIONS.name() + ": "
                    + e.getClass().getSimpleName(), e);
            LOG.error("destination catalog stopped: {}", SafeErrors.describe(e));
        } finally {
            caughtUp.countDown();
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private List<TopicPartition> partitions() {
        List<PartitionInfo> infos = consumer.partitionsFor(Topics.LEAD_DESTINATIONS.name(), Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + Topics.LEAD_DESTINATIONS.name() + " does not exist");
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
        LeadDestination destination = null;
        if (record.value() != null) {
            try {
                destination = Topics.LEAD_DESTINATIONS.valueSerde().deserializer().deserialize(record.topic(), record.value());
            } catch (RuntimeException e) {
                LOG.warn("skipping an unreadable destination for offer {} at {}/{}", record.key(), record.partition(),
                        record.offset());
                return;
            }
        }
        apply(record.key(), destination, record.partition(), record.offset());
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
