package dev.leadpipe.ingest;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.topic.KafkaClientMeters;
import dev.leadpipe.core.topic.TopicSpec;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The service's one Kafka producer, shared by every request: idempotent, {@code acks=all}, lz4, a 5 ms linger so
 * concurrent requests share batches. {@link #send} never blocks on an acknowledgement; its future completes, on a
 * virtual thread rather than the producer's I/O thread, once Kafka acknowledged the record or gave up
 * ({@value #DELIVERY_TIMEOUT_MS} ms at most). Records are serialized with the {@link TopicSpec}'s serdes, so one
 * producer writes every topic.
 */
final class KafkaWriter implements AutoCloseable {
    static final String RETRY_AFTER_SECONDS = "5";
    static final int DELIVERY_TIMEOUT_MS = 30_000;
    /** How long {@code send} may wait for metadata or buffer space before failing (the request then gets 503). */
    static final int MAX_BLOCK_MS = 5_000;

    private final Producer<byte[], byte[]> producer;
    private final ExecutorService completions = Executors.newVirtualThreadPerTaskExecutor();
    private volatile KafkaClientMeters.Binding meters;

    KafkaWriter(Producer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    static Producer<byte[], byte[]> createProducer(KafkaConnection kafka) {
        Map<String, Object> config = kafka.clientProperties(Map.of(
                ProducerConfig.CLIENT_ID_CONFIG,
                "leadpipe-ingest",
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.LINGER_MS_CONFIG,
                5,
                ProducerConfig.BATCH_SIZE_CONFIG,
                64 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG,
                "lz4",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                DELIVERY_TIMEOUT_MS,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                MAX_BLOCK_MS));
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Fetches the topic's metadata now, so the first request does not wait for it. */
    void warmUp(TopicSpec<?, ?> topic) {
        producer.partitionsFor(topic.name());
    }

    /**
     * Writes one record ({@code value} null writes a tombstone). The future fails with the producer's exception
     * when the record could not be serialized, buffered or acknowledged.
     */
    <K, V> CompletableFuture<RecordMetadata> send(TopicSpec<K, V> topic, K key, V value) {
        byte[] keyBytes;
        byte[] valueBytes;
        try {
            keyBytes = topic.keySerde().serializer().serialize(topic.name(), key);
            valueBytes = topic.valueSerde().serializer().serialize(topic.name(), value);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return sendSerialized(topic, keyBytes, valueBytes);
    }

    /** {@link #send} of a record already serialized with the topic's serdes. */
    CompletableFuture<RecordMetadata> sendSerialized(TopicSpec<?, ?> topic, byte[] key, byte[] value) {
        CompletableFuture<RecordMetadata> done = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic.name(), key, value), (metadata, error) -> {
                Runnable complete = () -> {
                    if (error != null) {
                        done.completeExceptionally(error);
                    } else {
                        done.complete(metadata);
                    }
                };
                try {
                    completions.execute(complete);
                } catch (RejectedExecutionException shuttingDown) {
                    complete.run();
                }
            });
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    /**
     * Writes many serialized records of one topic: {@code written} gets each record's index and its failure (null
     * once acknowledged), on the producer's I/O thread, so it must be quick; the future completes (on a virtual
     * thread) once every record was acknowledged or failed. One hand-off per call, not per record.
     */
    CompletableFuture<Void> sendAll(TopicSpec<?, ?> topic, List<byte[]> keys, List<byte[]> values, Outcome written) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        int count = keys.size();
        if (count == 0) {
            done.complete(null);
            return done;
        }
        AtomicInteger pending = new AtomicInteger(count);
        Runnable complete = () -> done.complete(null);
        for (int i = 0; i < count; i++) {
            int index = i;
            Callback callback = (metadata, error) -> {
                written.completed(index, error);
                if (pending.decrementAndGet() == 0) {
                    try {
                        completions.execute(complete);
                    } catch (RejectedExecutionException shuttingDown) {
                        complete.run();
                    }
                }
            };
            try {
                producer.send(new ProducerRecord<>(topic.name(), keys.get(i), values.get(i)), callback);
            } catch (RuntimeException e) {
                callback.onCompletion(null, e);
            }
        }
        return done;
    }

    /** What {@link #sendAll} reports per record. */
    @FunctionalInterface
    interface Outcome {
        /** Record {@code index} was acknowledged ({@code failure} null) or failed. */
        void completed(int index, Throwable failure);
    }

    /**
     * The problem a failed write answers with: 413 when the record is over Kafka's size limit, 500 when it could
     * not be serialized, otherwise 503 with {@code Retry-After} (Kafka unavailable, timed out or refused).
     */
    static Problem problemFor(Throwable failure, String what) {
        Throwable cause = unwrap(failure);
        if (cause instanceof RecordTooLargeException) {
            return Problem.of(
                    413,
                    "record-too-large",
                    "Content Too Large",
                    "the " + what + " is larger than Kafka accepts for one record");
        }
        if (cause instanceof SerializationException) {
            return Problem.of(
                    500, "internal-error", "Internal Server Error", "the " + what + " could not be serialized");
        }
        return Problem.of(
                        503,
                        "kafka-unavailable",
                        "Service Unavailable",
                        "Kafka did not confirm the write of the " + what + "; retry later")
                .withHeader("Retry-After", RETRY_AFTER_SECONDS);
    }

    static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException
                        || c instanceof java.util.concurrent.ExecutionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    /** Exports the producer's metrics through {@code kafkaMeters} until {@link #close}. */
    void bindMeters(KafkaClientMeters kafkaMeters) {
        meters = kafkaMeters.bind(producer);
    }

    /** Flushes what is buffered (waiting up to {@code timeout}) and closes the producer (and its meters). */
    void close(Duration timeout) {
        KafkaClientMeters.Binding binding = meters;
        if (binding != null) {
            binding.close();
        }
        try {
            producer.close(timeout);
        } finally {
            completions.close();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
