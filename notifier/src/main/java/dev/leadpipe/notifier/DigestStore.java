package dev.leadpipe.notifier;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.error.SafeErrors;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.core.topic.CompactedTopicSnapshot;
import dev.leadpipe.core.topic.TopicFollower;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the pending digests on the compacted topic {@code notifier-digests}, keyed by offer id: {@link #write} sends an
 * offer's {@link Digest.State} (or a tombstone once its digest is sent), {@link #flush} waits until every write so far
 * is acknowledged (acks=all, idempotent), and {@link #load} reads the topic to its end at start-up. Records that are
 * not readable digests are skipped (logged by offer id).
 */
final class DigestStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DigestStore.class);
    private static final Duration LOAD_POLL = Duration.ofMillis(200);

    private final Producer<String, byte[]> producer;
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    DigestStore(KafkaConnection kafka) {
        this.producer = new KafkaProducer<>(
                kafka.clientProperties(Map.of(
                        ProducerConfig.CLIENT_ID_CONFIG,
                        "leadpipe-notifier-digests-" + UUID.randomUUID(),
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.LINGER_MS_CONFIG,
                        5,
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                        120_000)),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    /** Sends the offer's digest state, or a tombstone when {@code state} is null; acknowledged by {@link #flush}. */
    void write(String offerId, Digest.State state) {
        byte[] value;
        try {
            value = state == null ? null : Json.MAPPER.writeValueAsBytes(state);
        } catch (IOException e) {
            failure.compareAndSet(null, e);
            return;
        }
        producer.send(new ProducerRecord<>(Topics.NOTIFIER_DIGESTS.name(), offerId, value), (meta, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            }
        });
    }

    /**
     * Waits until every write so far is acknowledged.
     *
     * @throws NotSaved when a write since the last flush failed (the failure is then cleared)
     */
    void flush() throws NotSaved {
        producer.flush();
        Exception e = failure.getAndSet(null);
        if (e != null) {
            LOG.warn("writing a digest to {} failed: {}", Topics.NOTIFIER_DIGESTS.name(), SafeErrors.describe(e));
            throw new NotSaved();
        }
    }

    /** Reads {@code notifier-digests} from its start to its current end: the pending digests by offer id. */
    static Map<String, Digest> load(KafkaConnection kafka, Duration timeout) {
        Map<String, Object> props = TopicFollower.config(
                kafka,
                "leadpipe-notifier-digests-load-" + UUID.randomUUID(),
                Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            return CompactedTopicSnapshot.read(
                    consumer,
                    Topics.NOTIFIER_DIGESTS.name(),
                    timeout,
                    (offerId, value) -> {
                        Digest.State s = Json.MAPPER.readValue(value, Digest.State.class);
                        return s.offerId() == null || s.dueAt() == null ? null : Digest.of(s);
                    },
                    (offerId, partition, offset) -> LOG.warn(
                            "the pending digest of offer {} on {} is unreadable: skipped",
                            offerId,
                            Topics.NOTIFIER_DIGESTS.name()));
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }

    /** A digest write was not acknowledged: the leads it holds must be read again. */
    static final class NotSaved extends Exception {
        NotSaved() {
            super(null, null, false, false);
        }
    }
}
