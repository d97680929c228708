package dev.leadpipe.core.topic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.KafkaSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the pipeline's topics that do not exist yet and checks the existing ones against the registry; every
 * service calls it at start-up, so start order does not matter.
 * <ul>
 *   <li>Managed ({@code LEADPIPE_MANAGE_TOPICS} true, the default): a missing topic is created with its declared
 *       partitions and settings ({@link TopicSpec#newTopic(TopicPolicy)}). It returns once every partition of the
 *       topics it created has a leader serving requests, so the caller's first writes do not race the partitions'
 *       leader election (a write answered NOT_LEADER_OR_FOLLOWER while the leader was being installed has been seen
 *       to leave an idempotent producer retrying an out-of-order sequence).</li>
 *   <li>Unmanaged: nothing is created; a missing topic throws {@link IllegalStateException} naming every missing
 *       topic, on one line, which stops the service.</li>
 *   <li>Either way, every topic that already existed is described and each one that differs from its declaration
 *       (settings, fewer partitions, another replication factor; {@link TopicDrift}) is logged as one WARN line. A
 *       drift never stops the service: the operator who changed a topic may have meant it. When the topics cannot be
 *       described (no DescribeConfigs permission, say), one WARN line says so and the check is skipped.</li>
 * </ul>
 */
public final class TopicAdmin {
    private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);
    private static final Duration LEADER_WAIT = Duration.ofSeconds(60);
    private static final Duration RETRY_PAUSE = Duration.ofMillis(100);
    private static final long TIMEOUT_SECONDS = 30;

    private TopicAdmin() {}

    /** Creates the pipeline's missing topics ({@link Topics#all()}) with the given replication factor. */
    public static void ensureTopics(KafkaConnection kafka, short replicationFactor) {
        ensureTopics(kafka, TopicPolicy.defaults(replicationFactor));
    }

    /**
     * Ensures every topic of the pipeline ({@link Topics#all()}) under {@code policy}, as the class describes.
     *
     * @return the drift of the topics that existed, one per topic that differs
     * @throws IllegalStateException when a topic is missing and {@code policy} does not manage topics, or Kafka
     *                               cannot be reached; the message names no secret
     */
    public static List<TopicDrift> ensureTopics(KafkaConnection kafka, TopicPolicy policy) {
        return ensureTopics(kafka, policy, Topics.all());
    }

    /** Ensures the given topics under {@code policy}; see {@link #ensureTopics(KafkaConnection, TopicPolicy)}. */
    public static List<TopicDrift> ensureTopics(
            KafkaConnection kafka, TopicPolicy policy, List<? extends TopicSpec<?, ?>> topics) {
        if (policy.effectiveMinInsyncReplicas() > policy.replicationFactor()) {
            LOG.warn(
                    "{}={} is more than {}={}: a write with acks=all to these topics fails",
                    TopicPolicy.MIN_INSYNC_REPLICAS_ENV,
                    policy.effectiveMinInsyncReplicas(),
                    KafkaSettings.REPLICATION_FACTOR_ENV,
                    policy.replicationFactor());
        }
        try (Admin admin = admin(kafka)) {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<TopicSpec<?, ?>> missing = new ArrayList<>();
            List<TopicSpec<?, ?>> present = new ArrayList<>();
            for (TopicSpec<?, ?> t : topics) {
                (existing.contains(t.name()) ? present : missing).add(t);
            }
            if (!missing.isEmpty()) {
                if (!policy.manageTopics()) {
                    throw new IllegalStateException("missing topic"
                            + (missing.size() == 1 ? " " : "s ")
                            + String.join(
                                    ", ", missing.stream().map(TopicSpec::name).toList())
                            + " (" + TopicPolicy.MANAGE_TOPICS_ENV + "=false: create "
                            + (missing.size() == 1 ? "it" : "them") + " before starting the service)");
                }
                create(admin, missing.stream().map(t -> t.newTopic(policy)).toList());
                LOG.info(
                        "created topics {}",
                        missing.stream().map(TopicSpec::name).toList());
            }
            List<TopicDrift> drifts = drifts(admin, policy, present);
            drifts.forEach(d -> LOG.warn(d.line()));
            return drifts;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "could not check or create topics on " + kafka.shownBootstrap() + ": "
                            + (e.getCause() == null ? e : e.getCause()).getMessage(),
                    e);
        }
    }

    /** Creates those of {@code topics} that do not exist yet and waits for their partitions' leaders. */
    public static void ensureTopics(KafkaConnection kafka, List<NewTopic> topics) {
        try (Admin admin = admin(kafka)) {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<NewTopic> missing =
                    topics.stream().filter(t -> !existing.contains(t.name())).toList();
            if (!missing.isEmpty()) {
                create(admin, missing);
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

    private static Admin admin(KafkaConnection kafka) {
        return Admin.create(kafka.clientProperties(Map.of(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000)));
    }

    /** Creates {@code missing} (another service creating one meanwhile is fine) and waits for their leaders. */
    private static void create(Admin admin, List<NewTopic> missing)
            throws InterruptedException, ExecutionException, TimeoutException {
        try {
            admin.createTopics(missing).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        awaitLeaders(admin, missing);
    }

    /** The drift of each of {@code present} from its declaration; empty, with a warning, when they cannot be read. */
    private static List<TopicDrift> drifts(Admin admin, TopicPolicy policy, List<TopicSpec<?, ?>> present)
            throws InterruptedException, TimeoutException {
        if (present.isEmpty()) {
            return List.of();
        }
        Map<String, TopicDescription> descriptions;
        Map<ConfigResource, Config> configs;
        try {
            List<String> names = present.stream().map(TopicSpec::name).toList();
            descriptions = admin.describeTopics(names).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            configs = admin.describeConfigs(names.stream()
                            .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n))
                            .toList())
                    .all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            LOG.warn(
                    "could not read the settings of the existing topics, not checked: {}",
                    (e.getCause() == null ? e : e.getCause()).getMessage());
            return List.of();
        }
        List<TopicDrift> drifts = new ArrayList<>();
        for (TopicSpec<?, ?> spec : present) {
            List<String> differences = TopicDrift.differences(
                    spec,
                    policy,
                    descriptions.get(spec.name()),
                    configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name())));
            if (!differences.isEmpty()) {
                drifts.add(new TopicDrift(spec.name(), differences));
            }
        }
        return drifts;
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
