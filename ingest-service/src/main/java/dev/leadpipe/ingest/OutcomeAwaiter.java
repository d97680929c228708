package dev.leadpipe.ingest;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.topic.KafkaClientMeters;
import dev.leadpipe.core.topic.TopicFollower;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows {@code lead-outcomes} from its end (a {@link TopicFollower} without consumer group: it assigns every
 * partition) and completes the futures of leads someone is waiting for: the test leads of validations and
 * publications. Register with {@link #await} before the lead is written, so its outcome cannot be missed. Outcomes
 * nobody waits for are ignored.
 */
final class OutcomeAwaiter implements AutoCloseable {
    private final Map<String, CompletableFuture<Outcome>> waiting = new ConcurrentHashMap<>();
    private final TopicFollower<String, byte[]> follower;

    OutcomeAwaiter(KafkaConnection kafka) {
        this.follower = new TopicFollower<>(
                "ingest outcomes",
                TopicFollower.config(
                        kafka,
                        "leadpipe-ingest-outcomes-"
                                + UUID.randomUUID().toString().substring(0, 8),
                        Map.of()),
                new StringDeserializer(),
                new ByteArrayDeserializer(),
                new Reader(),
                TopicFollower.OnPollFailure.RETRY);
    }

    /**
     * Starts following the topic and returns once the consumer is positioned at its end.
     *
     * @throws IllegalStateException when it could not be positioned within {@code timeout} (it is closed then)
     */
    OutcomeAwaiter start(Duration timeout) {
        try {
            follower.start().awaitReady(timeout, "could not position on " + Topics.LEAD_OUTCOMES.name());
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    /** Exports the consumer's metrics through {@code kafkaMeters} until {@link #close()}. */
    OutcomeAwaiter bindMeters(KafkaClientMeters kafkaMeters) {
        follower.bindMeters(kafkaMeters);
        return this;
    }

    /** A future completed with the lead's next outcome; call {@link #forget} when no longer waiting. */
    CompletableFuture<Outcome> await(String leadId) {
        return waiting.computeIfAbsent(leadId, id -> new CompletableFuture<>());
    }

    void forget(String leadId) {
        waiting.remove(leadId);
    }

    /** Positions at the end and completes the futures of the outcomes read. */
    private final class Reader implements TopicFollower.Handler<String, byte[]> {
        @Override
        public void start(Consumer<String, byte[]> consumer) {
            List<TopicPartition> partitions = TopicFollower.assignAll(consumer, Topics.LEAD_OUTCOMES.name());
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // resolve now: outcomes written after this point are all seen
        }

        @Override
        public void handle(ConsumerRecords<String, byte[]> records, Consumer<String, byte[]> consumer) {
            for (ConsumerRecord<String, byte[]> record : records) {
                CompletableFuture<Outcome> future = record.key() == null ? null : waiting.remove(record.key());
                if (future != null && record.value() != null) {
                    try {
                        future.complete(Topics.LEAD_OUTCOMES
                                .valueSerde()
                                .deserializer()
                                .deserialize(record.topic(), record.value()));
                    } catch (RuntimeException e) {
                        future.completeExceptionally(e);
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        follower.close();
    }
}
