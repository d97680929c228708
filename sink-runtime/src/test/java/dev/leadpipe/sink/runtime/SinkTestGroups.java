package dev.leadpipe.sink.runtime;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import dev.leadpipe.core.topic.TopicSpec;

/** The consumer group and fast settings the sink runtime's broker tests give each test's sink. */
final class SinkTestGroups {
    private SinkTestGroups() {
    }

    /** Short backoff, budget, breaker and commit interval, so a test's retries finish in seconds. */
    static SinkConfig fastConfig(String bootstrapServers, String group) {
        return SinkConfig.of(bootstrapServers).withGroupId(group)
                .withBackoff(Duration.ofMillis(50), Duration.ofMillis(200), 0.2)
                .withRetryBudget(5, Duration.ofSeconds(10))
                .withCircuitBreaker(5, Duration.ofMillis(300))
                .withAttemptTimeout(Duration.ofSeconds(10))
                .withCommitInterval(Duration.ofMillis(100));
    }

    /** Starts {@code group} at the current end of {@code topic}, so it sees only the leads sent after. */
    static void startAtEnd(Admin admin, TopicSpec<?, ?> topic, String group) {
        try {
            Map<TopicPartition, OffsetSpec> latest = IntStream.range(0, topic.partitions()).boxed()
                    .collect(Collectors.toMap(p -> new TopicPartition(topic.name(), p), p -> OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                    admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
            ends.forEach((tp, info) -> commit.put(tp, new OffsetAndMetadata(info.offset())));
            admin.alterConsumerGroupOffsets(group, commit).all().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
