package dev.leadpipe.core.topic;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * How an existing topic differs from its declaration in the registry, each difference one
 * {@code "<key> is <found>, expected <expected>"}:
 * <ul>
 *   <li>each declared config ({@link TopicSpec#configs}) whose value on the broker is another;</li>
 *   <li>{@code partitions}, when the topic has fewer than declared (more is an operator's choice, for throughput);</li>
 *   <li>{@code replication factor}, when a partition has another number of replicas than
 *       {@code KAFKA_REPLICATION_FACTOR}.</li>
 * </ul>
 *
 * @param topic       the topic's name
 * @param differences every difference found, in the order above
 */
public record TopicDrift(String topic, List<String> differences) {

    public TopicDrift {
        differences = List.copyOf(differences);
    }

    /** The differences of a described topic from {@code spec} under {@code policy}; empty when none. */
    public static List<String> differences(
            TopicSpec<?, ?> spec, TopicPolicy policy, TopicDescription description, Config config) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> expected : spec.configs(policy).entrySet()) {
            ConfigEntry entry = config == null ? null : config.get(expected.getKey());
            String found = entry == null ? null : entry.value();
            if (!expected.getValue().equals(found)) {
                out.add(expected.getKey() + " is " + found + ", expected " + expected.getValue());
            }
        }
        if (description != null) {
            int partitions = description.partitions().size();
            if (partitions < spec.partitions()) {
                out.add("partitions is " + partitions + ", expected " + spec.partitions());
            }
            int replicas = replicationFactor(description.partitions());
            if (replicas != policy.replicationFactor()) {
                out.add("replication factor is " + replicas + ", expected " + policy.replicationFactor());
            }
        }
        return out;
    }

    /** The smallest number of replicas of a partition (a topic's partitions normally all have the same). */
    private static int replicationFactor(Collection<TopicPartitionInfo> partitions) {
        return partitions.stream().mapToInt(p -> p.replicas().size()).min().orElse(0);
    }

    /** One line naming the topic and every difference, for a WARN at start-up. */
    public String line() {
        return "topic " + topic + " differs from its declaration: " + String.join("; ", differences);
    }
}
