package dev.leadpipe.core.topic;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.leadpipe.core.KafkaConnection;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the pipeline's topics that do not exist yet; every service calls it at start-up, so start order does not
 * matter. It returns once every partition of the topics it created has a leader serving requests, so the caller's
 * first writes do not race the partitions' leader election (a write answered NOT_LEADER_OR_FOLLOWER while the
 * leader was being installed has been seen to leave an idempotent producer retrying an out-of-order sequence).
 */
public final class TopicAdmin {
    private static final Duration LEADER_WAIT = Duration.ofSeconds(60);
    private static final Duration RETRY_PAUSE = Duration.ofMillis(100);

    private TopicAdmin() {}

    /** Creates the pipeline's missing topics ({@link Topics#all()}) with the given replication factor. */
    public static void ensureTopics(KafkaConnection kafka, short replicationFactor) {
        ensureTopics(
                kafka,
                Topics.all().stream().map(t -> t.newTopic(replicationFactor)).toList());
    }

    /** Creates those of {@code topics} that do not exist yet and waits for their partitions' leaders. */
    public static void ensureTopics(KafkaConnection kafka, List<NewTopic> topics) {
        try (Admin admin =
                Admin.create(kafka.clientProperties(Map.of(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000)))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing =
                    topics.stream().filter(t -> !existing.contains(t.name())).toList();
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
                awaitLeaders(admin, missing);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "could not create topics on " + kafka.shownBootstrap() + ": "
                            + (e.getCause() == null ? e : e.getCause()).getMessage(),
                    e);
        }
    }

    /**
     * Asks each new partition's leader for its end offset until every one answers. Right after creation the broker
     * may not know the topic yet (UNKNOWN_TOPIC_OR_PARTITION, which the admin client does not retry for this call) or
     * its leader may still be being installed; both are retriable errors, asked again after a short pause, until
     * {@link #LEADER_WAIT} has passed.
     */
    private static void awaitLeaders(Admin admin, List<NewTopic> created)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        for (NewTopic t : created) {
            for (int p = 0; p < t.numPartitions(); p++) {
                partitions.put(new TopicPartition(t.name(), p), OffsetSpec.latest());
            }
        }
        long deadline = System.nanoTime() + LEADER_WAIT.toNanos();
        while (true) {
            try {
                admin.listOffsets(partitions).all().get(LEADER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(RETRY_PAUSE.toMillis());
            }
        }
    }
}
