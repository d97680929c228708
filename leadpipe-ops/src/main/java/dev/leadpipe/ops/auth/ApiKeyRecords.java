package dev.leadpipe.ops.auth;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.auth.StoredApiKey;
import dev.leadpipe.core.topic.CompactedTopicSnapshot;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writing and reading the {@code leadpipe-api-keys} topic with raw byte clients (leadctl's and the tests'): a key's
 * record, its revocation (a tombstone), and the keys active now.
 */
public final class ApiKeyRecords {
    private ApiKeyRecords() {}

    /** Writes {@code key}'s record and waits for Kafka's acknowledgement. */
    public static void put(Producer<byte[], byte[]> producer, StoredApiKey key, Duration timeout) {
        byte[] value = Topics.API_KEYS.valueSerde().serializer().serialize(Topics.API_KEYS.name(), key);
        send(producer, new ProducerRecord<>(Topics.API_KEYS.name(), bytes(key.keyId()), value), timeout);
    }

    /** As {@link #put(Producer, StoredApiKey, Duration)}, through a producer of its own (acks=all) on {@code kafka}. */
    public static void put(KafkaConnection kafka, StoredApiKey key, Duration timeout) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                kafka.clientProperties(Map.of(ProducerConfig.ACKS_CONFIG, "all")),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            put(producer, key, timeout);
        }
    }

    /** Writes the tombstone that revokes {@code keyId} and waits for Kafka's acknowledgement. */
    public static void revoke(Producer<byte[], byte[]> producer, String keyId, Duration timeout) {
        send(producer, new ProducerRecord<>(Topics.API_KEYS.name(), bytes(keyId), null), timeout);
    }

    /** Every key active now, by key id in the order first written; reads the topic from its beginning to its end. */
    public static Map<String, StoredApiKey> active(Consumer<byte[], byte[]> consumer, Duration timeout) {
        return CompactedTopicSnapshot.read(
                consumer,
                Topics.API_KEYS.name(),
                timeout,
                (keyId, value) ->
                        Topics.API_KEYS.valueSerde().deserializer().deserialize(Topics.API_KEYS.name(), value),
                (keyId, partition, offset) -> {
                    // an unreadable record: not an active key
                });
    }

    private static void send(Producer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record, Duration t) {
        try {
            producer.send(record).get(t.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing to " + Topics.API_KEYS.name(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "Kafka did not acknowledge the write to " + Topics.API_KEYS.name() + ": "
                            + (e.getCause() == null ? e : e.getCause())
                                    .getClass()
                                    .getSimpleName(),
                    e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
