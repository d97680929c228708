package dev.leadpipe.kafka.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.KafkaSettings;
import dev.leadpipe.core.topic.TopicAdmin;
import dev.leadpipe.kafka.EmbeddedKafkaBroker;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension giving a test class a real Kafka broker with the pipeline's topics created:
 * a fresh embedded KRaft broker per test class, or, when {@code KAFKA_BOOTSTRAP_SERVERS} is set, that existing
 * cluster (then the test class must tolerate topics that already hold records). Register it as
 * {@code @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();}.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {
    private EmbeddedKafkaBroker broker;
    private String bootstrapServers;

    @Override
    public void beforeAll(ExtensionContext context) {
        String external = KafkaSettings.bootstrapFromEnvironment();
        if (external != null) {
            bootstrapServers = external;
        } else {
            broker = EmbeddedKafkaBroker.start();
            bootstrapServers = broker.bootstrapServers();
        }
        TopicAdmin.ensureTopics(KafkaConnection.plaintext(bootstrapServers), KafkaSettings.replicationFactor());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        recordThatTheClassRanAgainstARealBroker(context);
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    /** Leaves target/real-kafka-tests/CLASS for bin/kafka-test-report, which counts the tests that ran here. */
    private void recordThatTheClassRanAgainstARealBroker(ExtensionContext context) {
        String kind = broker != null
                ? "embedded KRaft broker, Kafka " + AppInfoParser.getVersion()
                : "external cluster from KAFKA_BOOTSTRAP_SERVERS";
        recordRealBroker(context.getRequiredTestClass(), kind);
    }

    /**
     * Leaves target/real-kafka-tests/CLASS saying which broker {@code testClass} ran against ({@code kind}), for
     * tests that start a broker of their own (such as {@code SaslSslBroker}).
     */
    public static void recordRealBroker(Class<?> testClass, String kind) {
        try {
            Path dir = Path.of("target", "real-kafka-tests");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(testClass.getName()), kind + "\n");
        } catch (IOException e) {
            // the report is a convenience; the tests' own results stand without it
        }
    }

    public String bootstrapServers() {
        if (bootstrapServers == null) {
            throw new IllegalStateException("the broker starts in beforeAll: register the extension on a static field");
        }
        return bootstrapServers;
    }
}
