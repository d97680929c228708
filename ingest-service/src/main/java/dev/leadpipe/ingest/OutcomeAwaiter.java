package dev.leadpipe.ingest;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.leadpipe.core.error.SafeErrors;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.topic.Topics;

/**
 * Follows {@code lead-outcomes} from its end (no consumer group: it assigns every partition) and completes the
 * futures of leads someone is waiting for: the test leads of validations and publications. Register with
 * {@link #await} before the lead is written, so its outcome cannot be missed. Outcomes nobody waits for are ignored.
 */
final class OutcomeAwaiter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutcomeAwaiter.class);
    private final Map<String, CompletableFuture<Outcome>> waiting = new ConcurrentHashMap<>();
    private final Consumer<String, byte[]> consumer;
    private final Thread thread;
    private final CountDownLatch positioned = new CountDownLatch(1);
    private volatile boolean running = true;

    OutcomeAwaiter(String bootstrapServers) {
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "leadpipe-ingest-outcomes-" + UUID.randomUUID().toString().substring(0, 8),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = Thread.ofPlatform().daemon().name("ingest-outcomes").unstarted(this::run);
    }

    /** Starts following the topic and returns once the consumer is positioned at its end. */
    OutcomeAwaiter start(Duration timeout) {
        thread.start();
        try {
            if (!positioned.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("could not position on " + Topics.LEAD_OUTCOMES.name() + " within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return this;
    }

    /** A future completed with the lead's next outcome; call {@link #forget} when no longer waiting. */
    CompletableFuture<Outcome> await(String leadId) {
        return waiting.computeIfAbsent(leadId, id -> new CompletableFuture<>());
    }

    void forget(String leadId) {
        waiting.remove(leadId);
    }

    private void run() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.LEAD_OUTCOMES.name(), Duration.ofSeconds(30))
                    .stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // resolve now: outcomes written after this point are all seen
            positioned.countDown();
            while (running) {
                try {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        CompletableFuture<Outcome> future = record.key() == null ? null : waiting.remove(record.key());
                        if (future != null && record.value() != null) {
                            try {
                                future.complete(Topics.LEAD_OUTCOMES.valueSerde().deserializer()
                                        .deserialize(record.topic(), record.value()));
                            } catch (RuntimeException e) {
                                future.completeExceptionally(e);
                            }
                        }
                    }
                } catch (WakeupException e) {
                    throw e;
                } catch (KafkaException e) {
                    LOG.warn("reading {} failed, retrying: {}", Topics.LEAD_OUTCOMES.name(), SafeErrors.describe(e));
                    Thread.sleep(1000);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("the outcome follower stopped: {}", SafeErrors.describe(e));
        } finally {
            positioned.countDown();
            consumer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
