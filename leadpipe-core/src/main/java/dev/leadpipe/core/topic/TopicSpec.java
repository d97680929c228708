package dev.leadpipe.core.topic;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;

/**
 * One topic of the pipeline: its name, the serdes of its keys and values, its partitions and what it keeps
 * ({@link Kind}), from which {@link #configs} derives the topic's settings. The registry ({@link Topics}) is the one
 * place these are declared; services create topics from it and check existing ones against it, and deployment
 * manifests (Strimzi {@code KafkaTopic}) are written from it.
 */
public record TopicSpec<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, int partitions, Kind kind) {

    /** How long a {@link Kind#STREAM} topic keeps a record: far longer than the longest retry tier delay (1h). */
    public static final Duration STREAM_RETENTION = Duration.ofDays(7);

    /** What a topic keeps. */
    public enum Kind {
        /** Records deleted after {@link #STREAM_RETENTION}, whatever the topic's size. */
        STREAM,
        /** Compacted: each key's latest record, a tombstone deleting the key. */
        COMPACTED,
        /** Dead letters: kept for {@code LEADPIPE_DLQ_RETENTION} (forever by default), whatever the size. */
        DEAD_LETTERS
    }

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        if (partitions < 1) {
            throw new IllegalArgumentException(name + " needs at least one partition");
        }
    }

    /** A {@link Kind#COMPACTED} topic, or else a {@link Kind#STREAM} one. */
    public TopicSpec(String name, Serde<K> keySerde, Serde<V> valueSerde, int partitions, boolean compacted) {
        this(name, keySerde, valueSerde, partitions, compacted ? Kind.COMPACTED : Kind.STREAM);
    }

    public boolean compacted() {
        return kind == Kind.COMPACTED;
    }

    /**
     * The topic's settings under {@code policy}, sorted by key: {@code min.insync.replicas} for every topic
     * ({@link TopicPolicy#effectiveMinInsyncReplicas()}), and
     * <ul>
     *   <li>{@link Kind#STREAM}: {@code cleanup.policy=delete}, {@code retention.ms} of {@link #STREAM_RETENTION},
     *       {@code retention.bytes=-1};</li>
     *   <li>{@link Kind#COMPACTED}: {@code cleanup.policy=compact};</li>
     *   <li>{@link Kind#DEAD_LETTERS}: {@code cleanup.policy=delete}, {@code retention.ms} of
     *       {@link TopicPolicy#dlqRetentionMs()} ({@code -1}, forever, by default), {@code retention.bytes=-1}.</li>
     * </ul>
     */
    public Map<String, String> configs(TopicPolicy policy) {
        Map<String, String> configs = new TreeMap<>();
        configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(policy.effectiveMinInsyncReplicas()));
        switch (kind) {
            case STREAM -> {
                configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
                configs.put(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(STREAM_RETENTION.toMillis()));
                configs.put(TopicConfig.RETENTION_BYTES_CONFIG, "-1");
            }
            case COMPACTED -> configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
            case DEAD_LETTERS -> {
                configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
                configs.put(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(policy.dlqRetentionMs()));
                configs.put(TopicConfig.RETENTION_BYTES_CONFIG, "-1");
            }
        }
        return configs;
    }

    /** The topic as the admin client creates it under {@code policy}: its partitions, replication and configs. */
    public NewTopic newTopic(TopicPolicy policy) {
        return new NewTopic(name, partitions, (short) policy.replicationFactor()).configs(configs(policy));
    }

    /** The topic as the admin client creates it with the given replication factor, every other setting default. */
    public NewTopic newTopic(short replicationFactor) {
        return newTopic(TopicPolicy.defaults(replicationFactor));
    }
}
