package dev.leadpipe.bench.stages;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.topic.TopicFollower;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * Follows {@code lead-outcomes} (read_committed, no consumer group) from its end at construction, on the
 * {@link TopicFollower} thread, and hands every record to a handler on that thread. The constructor returns once the
 * start is fixed, before any lead is sent; {@link #close} stops it; a consumer that failed is reported by
 * {@link #failure}.
 */
final class OutcomeFollower implements AutoCloseable {
    private final TopicFollower<String, Outcome> follower;

    OutcomeFollower(String bootstrap, Consumer<ConsumerRecord<String, Outcome>> handler) {
        this.follower = new TopicFollower<>(
                        "bench outcomes",
                        TopicFollower.config(
                                KafkaConnection.plaintext(bootstrap),
                                "bench-outcomes",
                                Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000)),
                        Topics.LEAD_OUTCOMES.keySerde().deserializer(),
                        Topics.LEAD_OUTCOMES.valueSerde().deserializer(),
                        new TopicFollower.Handler<>() {
                            @Override
                            public void start(org.apache.kafka.clients.consumer.Consumer<String, Outcome> consumer) {
                                List<TopicPartition> partitions =
                                        TopicFollower.assignAll(consumer, Topics.LEAD_OUTCOMES.name());
                                consumer.seekToEnd(partitions);
                                partitions.forEach(consumer::position);
                            }

                            @Override
                            public void handle(
                                    ConsumerRecords<String, Outcome> records,
                                    org.apache.kafka.clients.consumer.Consumer<String, Outcome> consumer) {
                                records.forEach(handler);
                            }
                        },
                        TopicFollower.OnPollFailure.STOP)
                .start()
                .awaitReady(Duration.ofSeconds(30), "did not find the end of lead-outcomes");
    }

    /** Why the consumer stopped by itself, or null. */
    RuntimeException failure() {
        return follower.failure();
    }

    @Override
    public void close() {
        follower.close();
    }
}
