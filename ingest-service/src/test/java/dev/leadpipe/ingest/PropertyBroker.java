package dev.leadpipe.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.KafkaSettings;
import dev.leadpipe.core.topic.TopicAdmin;
import dev.leadpipe.kafka.EmbeddedKafkaBroker;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * A real broker with the pipeline's topics for a jqwik property class, which {@code KafkaBrokerExtension} (a JUnit
 * Jupiter extension) cannot serve: what that extension does, started from {@code @BeforeContainer} — an embedded
 * KRaft broker, or the cluster of {@code KAFKA_BOOTSTRAP_SERVERS} when set — and the same marker for
 * {@code bin/kafka-test-report}.
 */
final class PropertyBroker implements AutoCloseable {
    private final EmbeddedKafkaBroker broker;
    private final String bootstrapServers;

    private PropertyBroker(EmbeddedKafkaBroker broker, String bootstrapServers) {
        this.broker = broker;
        this.bootstrapServers = bootstrapServers;
    }

    static PropertyBroker start(Class<?> testClass) {
        String external = KafkaSettings.bootstrapFromEnvironment();
        EmbeddedKafkaBroker broker = external == null ? EmbeddedKafkaBroker.start() : null;
        String bootstrap = external != null ? external : broker.bootstrapServers();
        TopicAdmin.ensureTopics(KafkaConnection.plaintext(bootstrap), KafkaSettings.replicationFactor());
        try {
            Path dir = Path.of("target", "real-kafka-tests");
            Files.createDirectories(dir);
            String kind = broker != null
                    ? "embedded KRaft broker, Kafka " + AppInfoParser.getVersion()
                    : "external cluster from KAFKA_BOOTSTRAP_SERVERS";
            Files.writeString(dir.resolve(testClass.getName()), kind + "\n");
        } catch (IOException e) {
            // the report is a convenience; the tests' own results stand without it
        }
        return new PropertyBroker(broker, bootstrap);
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        if (broker != null) {
            broker.close();
        }
    }
}
