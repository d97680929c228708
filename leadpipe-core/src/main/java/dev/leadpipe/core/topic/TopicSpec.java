package dev.leadpipe.core.topic;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;

/** One topic of the pipeline: its name, the serdes of its keys and values, and how it is created. */
public record TopicSpec<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, int partitions, boolean compacted) {

    /** The topic as the admin client creates it, with the given replication factor. */
    public NewTopic newTopic(short replicationFactor) {
        Map<String, String> configs = new HashMap<>();
        if (compacted) {
            configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        }
        return new NewTopic(name, partitions, replicationFactor).configs(configs);
    }
}
