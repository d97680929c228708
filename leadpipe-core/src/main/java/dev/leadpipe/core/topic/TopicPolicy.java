package dev.leadpipe.core.topic;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.leadpipe.core.KafkaSettings;
import dev.leadpipe.core.config.Declaration;
import dev.leadpipe.core.config.Setting;

/**
 * How a service treats the pipeline's topics, read from the environment by every service with its other settings:
 * <ul>
 *   <li>{@code KAFKA_REPLICATION_FACTOR} (default 1): the replication factor of the topics it creates;</li>
 *   <li>{@code KAFKA_MIN_INSYNC_REPLICAS} (default {@code min(2, RF - 1)}, at least 1: 1 for RF 1 and 2, 2 from RF
 *       3): every topic's {@code min.insync.replicas}, so an {@code acks=all} write is on that many replicas;</li>
 *   <li>{@code LEADPIPE_DLQ_RETENTION} (default {@code forever}): how long {@code leads-dlq} keeps a dead letter, a
 *       duration or {@code forever} ({@code retention.ms=-1}: kept until replayed);</li>
 *   <li>{@code LEADPIPE_MANAGE_TOPICS} (default true): whether the service creates missing topics; when false, a
 *       missing topic stops it (topics are managed elsewhere, such as Strimzi {@code KafkaTopic}s).</li>
 * </ul>
 * Each service lists {@link #SETTINGS} among its own, so a bad value stops it at start-up with its other problems; it
 * reads the values with {@link #fromEnvironment()} when it checks its topics ({@link TopicAdmin#ensureTopics}).
 *
 * @param replicationFactor  replication factor of created topics
 * @param minInsyncReplicas  the configured {@code min.insync.replicas}; empty for the default, see
 *                           {@link #effectiveMinInsyncReplicas()}
 * @param dlqRetention       how long dead letters are kept; empty for forever
 * @param manageTopics       whether missing topics are created
 */
public record TopicPolicy(
        int replicationFactor,
        Optional<Integer> minInsyncReplicas,
        Optional<Duration> dlqRetention,
        boolean manageTopics) {

    public static final String MIN_INSYNC_REPLICAS_ENV = "KAFKA_MIN_INSYNC_REPLICAS";
    public static final String DLQ_RETENTION_ENV = "LEADPIPE_DLQ_RETENTION";
    public static final String MANAGE_TOPICS_ENV = "LEADPIPE_MANAGE_TOPICS";
    /** The value of {@code LEADPIPE_DLQ_RETENTION} (also {@code infinite}) that keeps dead letters until replayed. */
    public static final String FOREVER = "forever";

    public static final Setting<Optional<Integer>> MIN_INSYNC_REPLICAS = Setting.wholeNumber(
                    "minInsyncReplicas",
                    MIN_INSYNC_REPLICAS_ENV,
                    1,
                    Short.MAX_VALUE,
                    "min.insync.replicas of every topic: how many replicas an acks=all write needs")
            .optional()
            .documentedDefault("2 from replication factor 3, else 1");
    public static final Setting<Optional<Duration>> DLQ_RETENTION = Setting.<Optional<Duration>>of(
                    "dlqRetention",
                    DLQ_RETENTION_ENV,
                    TopicPolicy::parseRetention,
                    FOREVER + " or a positive duration such as 90d " + Setting.DURATION_SYNTAX,
                    r -> r.isEmpty() || (!r.get().isNegative() && !r.get().isZero()),
                    "how long leads-dlq keeps a dead letter; " + FOREVER + " keeps it until replayed")
            .defaultsTo(Optional.empty())
            .shownAs(r -> r.map(Setting::formatDuration).orElse(FOREVER));
    public static final Setting<Boolean> MANAGE_TOPICS = Setting.flag(
                    "manageTopics",
                    MANAGE_TOPICS_ENV,
                    "whether a service creates missing topics; false: a missing topic stops it")
            .defaultsTo(true);

    /** The topic settings every service lists after {@link KafkaSettings#REPLICATION_FACTOR}. */
    public static final List<Setting<?>> SETTINGS = List.of(MIN_INSYNC_REPLICAS, DLQ_RETENTION, MANAGE_TOPICS);

    public static final Declaration<TopicPolicy> DECLARATION = new Declaration<>(
            TopicPolicy.class,
            "topic settings",
            List.of(KafkaSettings.REPLICATION_FACTOR, MIN_INSYNC_REPLICAS, DLQ_RETENTION, MANAGE_TOPICS));

    public TopicPolicy {
        DECLARATION.check(replicationFactor, minInsyncReplicas, dlqRetention, manageTopics);
    }

    /** The policy of the process's environment. */
    public static TopicPolicy fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * The policy of the given environment.
     *
     * @throws IllegalArgumentException naming every unreadable variable, never a value
     */
    public static TopicPolicy fromEnvironment(Map<String, String> env) {
        return DECLARATION.fromEnvironment(env);
    }

    /** Managed topics of replication factor {@code replicationFactor}, every other setting its default. */
    public static TopicPolicy defaults(int replicationFactor) {
        return new TopicPolicy(replicationFactor, Optional.empty(), Optional.empty(), true);
    }

    /** The configured {@code min.insync.replicas}, else {@code min(2, RF - 1)} and at least 1. */
    public int effectiveMinInsyncReplicas() {
        return minInsyncReplicas.orElse(Math.max(1, Math.min(2, replicationFactor - 1)));
    }

    /** This policy with the given {@code min.insync.replicas}. */
    public TopicPolicy withMinInsyncReplicas(int value) {
        return new TopicPolicy(replicationFactor, Optional.of(value), dlqRetention, manageTopics);
    }

    /** This policy with topic management on or off. */
    public TopicPolicy withManageTopics(boolean value) {
        return new TopicPolicy(replicationFactor, minInsyncReplicas, dlqRetention, value);
    }

    /** {@code retention.ms} of the dead-letter topic: {@code -1} (forever) or the duration's milliseconds. */
    public long dlqRetentionMs() {
        return dlqRetention.map(Duration::toMillis).orElse(-1L);
    }

    /** {@code forever} or {@code infinite} (any case) is empty; anything else a duration. */
    static Optional<Duration> parseRetention(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.equals(FOREVER) || t.equals("infinite")) {
            return Optional.empty();
        }
        return Optional.of(Setting.parseDuration(t));
    }

    @Override
    public String toString() {
        return DECLARATION.describe(this);
    }
}
