package dev.leadpipe.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running inside this JVM, built from
 * Kafka's own Maven Central artifacts: no Docker, no download at run time. For the local run and the tests only.
 *
 * <p>This is the one class that touches Kafka's internal cluster test kit, whose API changes between versions.
 * Internal topics (offsets, transactions) are created with replication factor 1 so exactly-once works on one node.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private final KafkaClusterTestKit cluster;

    private EmbeddedKafkaBroker(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** Formats fresh storage in a temporary directory and starts the broker; returns once it accepts clients. */
    public static EmbeddedKafkaBroker start() {
        return start(Map.of());
    }

    /** As {@link #start()}, with extra broker properties. */
    public static EmbeddedKafkaBroker start(Map<String, String> brokerProperties) {
        KafkaClusterTestKit cluster = null;
        try {
            Path dir = Files.createTempDirectory("leadpipe-kafka-");
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBaseDirectory(dir)
                    .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes)
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "6")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("transaction.state.log.num.partitions", "6")
                    .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
                    .setConfigProp("share.coordinator.state.topic.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("auto.create.topics.enable", "false")
                    .setConfigProp("num.partitions", "6")
                    .setDeleteOnClose(true);
            brokerProperties.forEach(builder::setConfigProp);
            cluster = builder.build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new EmbeddedKafkaBroker(cluster);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(cluster);
            throw new IllegalStateException("interrupted while starting the embedded Kafka broker", e);
        } catch (Exception e) {
            closeQuietly(cluster);
            throw new IllegalStateException("the embedded Kafka broker did not start: " + e.getMessage(), e);
        }
    }

    /** {@code host:port} of the broker's client listener (its {@code EXTERNAL} listener). */
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** The port the broker listens on for {@code listenerName} (such as a listener added by broker properties). */
    int boundPort(String listenerName) {
        return cluster.brokers().values().iterator().next().boundPort(ListenerName.normalised(listenerName));
    }

    @Override
    public void close() {
        closeQuietly(cluster);
    }

    private static void closeQuietly(KafkaClusterTestKit cluster) {
        if (cluster == null) {
            return;
        }
        try {
            cluster.close();
        } catch (Exception ignored) {
            // shutting down: nothing useful to do with a failure here
        }
    }
}
