package dev.leadpipe.ops.auth;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.leadpipe.core.auth.StoredApiKey;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

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

    /** Writes the tombstone that revokes {@code keyId} and waits for Kafka's acknowledgement. */
    public static void revoke(Producer<byte[], byte[]> producer, String keyId, Duration timeout) {
        send(producer, new ProducerRecord<>(Topics.API_KEYS.name(), bytes(keyId), null), timeout);
    }

    /** Every key active now, by key id in the order first written; reads the topic from its beginning to its end. */
    public static Map<String, StoredApiKey> active(Consumer<byte[], byte[]> consumer, Duration timeout) {
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(Topics.API_KEYS.name(), timeout)
                .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, timeout));
        Map<String, StoredApiKey> keys = new LinkedHashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey(), timeout) < e.getValue())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "the API keys topic could not be read within " + timeout.toSeconds() + " s");
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.key() == null) {
                    continue;
                }
                String keyId = new String(r.key(), StandardCharsets.UTF_8);
                if (r.value() == null) {
                    keys.remove(keyId);
                } else {
                    try {
                        keys.put(
                                keyId,
                                Topics.API_KEYS.valueSerde().deserializer().deserialize(r.topic(), r.value()));
                    } catch (RuntimeException e) {
                        // an unreadable record: not an active key
                    }
                }
            }
        }
        return keys;
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
