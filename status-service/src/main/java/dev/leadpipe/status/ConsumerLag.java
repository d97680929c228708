package dev.leadpipe.status;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.leadpipe.core.KafkaConnection;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lag of the pipeline's consumer groups (every group whose id starts with {@value #GROUP_PREFIX}): per group, the
 * sum over its committed partitions of the partition's end offset minus the committed offset. Read with the admin
 * client and cached for the configured time, so scrapes do not become admin requests. A group whose offsets cannot be
 * read keeps its last known value.
 */
final class ConsumerLag implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLag.class);
    static final String GROUP_PREFIX = "leadpipe-";
    private static final long TIMEOUT_MS = 5_000;

    private final Admin admin;
    private final Duration ttl;
    private final Clock clock;
    private Instant readAt;
    private Map<String, Long> last = Map.of();

    ConsumerLag(KafkaConnection kafka, Duration ttl, Clock clock) {
        this.admin = Admin.create(kafka.clientProperties(Map.of(
                AdminClientConfig.CLIENT_ID_CONFIG,
                "leadpipe-status-lag",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                (int) TIMEOUT_MS,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) TIMEOUT_MS)));
        this.ttl = ttl;
        this.clock = clock;
    }

    /** Group id to lag, at most {@code ttl} old. */
    synchronized Map<String, Long> lags() {
        Instant now = clock.instant();
        if (readAt != null && Duration.between(readAt, now).compareTo(ttl) < 0) {
            return last;
        }
        try {
            last = read();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warn("consumer-group lag could not be read: {}", e.getClass().getSimpleName());
        }
        readAt = clock.instant();
        return last;
    }

    private Map<String, Long> read() throws InterruptedException, ExecutionException, TimeoutException {
        Collection<GroupListing> groups = admin.listGroups().all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        Map<String, Long> lags = new TreeMap<>();
        for (GroupListing g : groups) {
            if (!g.groupId().startsWith(GROUP_PREFIX)) {
                continue;
            }
            try {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(g.groupId())
                        .partitionsToOffsetAndMetadata()
                        .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
                Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
                committed.forEach((tp, om) -> {
                    if (om != null) {
                        ends.put(tp, OffsetSpec.latest());
                    }
                });
                long lag = 0;
                if (!ends.isEmpty()) {
                    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end =
                            admin.listOffsets(ends).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
                    for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : end.entrySet()) {
                        lag += Math.max(
                                0,
                                e.getValue().offset()
                                        - committed.get(e.getKey()).offset());
                    }
                }
                lags.put(g.groupId(), lag);
            } catch (ExecutionException | TimeoutException e) {
                Long before = last.get(g.groupId());
                if (before != null) {
                    lags.put(g.groupId(), before);
                }
            }
        }
        return lags;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(1));
    }
}
