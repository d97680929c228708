package dev.leadpipe.sink.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.UserDetails;
import dev.leadpipe.core.topic.TopicSpec;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import static org.assertj.core.api.Assertions.fail;

/**
 * What the sink runtime's broker tests share: the canary secret and customer address that must never leak, their
 * test leads and destinations, the fast settings and consumer group of each test's sink, and waiting for a condition.
 */
final class SinkTestSupport {
    /** A secret in every test destination's settings, which the scripted destination also echoes in its errors. */
    static final String CANARY = "CANARY-s3cr3t-7f3a9c";
    /** The customer's address in every test lead, also echoed in errors. */
    static final String EMAIL = "ann.lee.canary@contoso.com";

    private SinkTestSupport() {}

    /** A lead of {@code offerId} with the customer's full personal data ({@link #EMAIL}). */
    static Lead customerLead(String leadId, String offerId) {
        return new Lead(
                leadId,
                offerId,
                Instant.now(),
                false,
                new UserDetails("Ann", "Lee", EMAIL, "+44 20 7946 0000", "GB", "Contoso", "CTO", null),
                "AzureMarketplace-INS|" + offerId,
                "INS",
                "Widget",
                "interested",
                null);
    }

    /**
     * A destination the {@link ScriptedDestination} delivers to as endpoint {@code host}, with {@link #CANARY} in a
     * secret and in its URL.
     */
    static LeadDestination scriptedDestination(String offerId, DestinationType type, String host, long version) {
        return new LeadDestination(
                offerId,
                type,
                Map.of(
                        ScriptedDestination.HOST,
                        host,
                        "clientSecret",
                        CANARY,
                        "url",
                        "https://hooks.example.com/flow?sig=" + CANARY),
                List.of("ops@" + host + ".example.com"),
                version,
                Instant.now());
    }

    /** Waits until {@code condition} holds, failing the test with {@code what} after {@code timeout}. */
    static void await(String what, BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }

    /** Short backoff, budget, breaker and commit interval, so a test's retries finish in seconds. */
    static SinkConfig fastConfig(String bootstrapServers, String group) {
        return SinkConfig.of(bootstrapServers)
                .withAllowedHosts(DestinationAddresses.LOCAL_STAND_INS)
                .withGroupId(group)
                .withBackoff(Duration.ofMillis(50), Duration.ofMillis(200), 0.2)
                .withRetryBudget(5, Duration.ofSeconds(10))
                .withCircuitBreaker(5, Duration.ofMillis(300))
                .with(SinkConfig.ATTEMPT_TIMEOUT, Duration.ofSeconds(10))
                .with(SinkConfig.COMMIT_INTERVAL, Duration.ofMillis(100));
    }

    /**
     * Starts {@code group} at the current end of the type's delivery topic and its retry tiers, so it sees only the
     * leads sent after (and none that an earlier test left waiting).
     */
    static void startAtEnd(Admin admin, DestinationType type, String group) {
        try {
            List<TopicSpec<?, ?>> topics = new java.util.ArrayList<>(List.of(Topics.deliveryTopic(type)));
            topics.addAll(Topics.retryTiers(type));
            Map<TopicPartition, OffsetSpec> latest = topics.stream()
                    .flatMap(t -> IntStream.range(0, t.partitions()).mapToObj(p -> new TopicPartition(t.name(), p)))
                    .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
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
