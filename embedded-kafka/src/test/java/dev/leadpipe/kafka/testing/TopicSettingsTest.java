package dev.leadpipe.kafka.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.topic.TopicAdmin;
import dev.leadpipe.core.topic.TopicDrift;
import dev.leadpipe.core.topic.TopicPolicy;
import dev.leadpipe.core.topic.TopicSpec;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.EmbeddedKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The registry's topic settings on a real broker: created with them, existing topics checked against them, and no
 * topic created when topics are not managed. Each test uses topics of its own or restores what it changed.
 */
class TopicSettingsTest {
    private static EmbeddedKafkaBroker broker;
    private static Admin admin;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    @AfterAll
    static void stopBroker() {
        admin.close();
        broker.close();
    }

    @Test
    void theDeadLetterTopicIsCreatedWithInfiniteRetentionAndTheConfiguredMinInsyncReplicas() throws Exception {
        // min.insync.replicas above the single node's replication factor: the broker keeps it as configured
        TopicPolicy policy = TopicPolicy.defaults(1).withMinInsyncReplicas(2);

        List<TopicDrift> drifts = TopicAdmin.ensureTopics(KafkaConnection.plaintext(broker.bootstrapServers()), policy);

        assertThat(drifts).isEmpty();
        Config dlq = config(Topics.LEADS_DLQ.name());
        assertThat(dlq.get(TopicConfig.RETENTION_MS_CONFIG).value()).isEqualTo("-1");
        assertThat(dlq.get(TopicConfig.RETENTION_BYTES_CONFIG).value()).isEqualTo("-1");
        assertThat(dlq.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value()).isEqualTo("2");
        assertThat(config(Topics.LEAD_DESTINATIONS.name())
                        .get(TopicConfig.CLEANUP_POLICY_CONFIG)
                        .value())
                .isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
        assertThat(config(Topics.LEADS.name())
                        .get(TopicConfig.RETENTION_MS_CONFIG)
                        .value())
                .isEqualTo(String.valueOf(TopicSpec.STREAM_RETENTION.toMillis()));

        // checked again as the next service starts: every topic as declared, nothing to report
        assertThat(TopicAdmin.ensureTopics(KafkaConnection.plaintext(broker.bootstrapServers()), policy))
                .isEmpty();
    }

    @Test
    void aTopicChangedByHandIsReportedOnOneWarningLineNamingTheKeyFoundAndExpected() throws Exception {
        TopicSpec<String, byte[]> dlq = deadLetters("drift-dlq", 3);
        TopicPolicy policy = TopicPolicy.defaults(1);
        TopicAdmin.ensureTopics(KafkaConnection.plaintext(broker.bootstrapServers()), policy, List.of(dlq));
        setRetention(dlq.name(), "604800000");

        List<TopicDrift> drifts = new ArrayList<>();
        List<String> warnings = warningsOf(() -> {
            drifts.addAll(TopicAdmin.ensureTopics(
                    KafkaConnection.plaintext(broker.bootstrapServers()), policy, List.of(dlq)));
            // the same topic declared with more partitions than it has
            drifts.addAll(TopicAdmin.ensureTopics(
                    KafkaConnection.plaintext(broker.bootstrapServers()),
                    policy,
                    List.of(deadLetters("drift-dlq", 6))));
        });

        assertThat(drifts).extracting(TopicDrift::topic).containsExactly("drift-dlq", "drift-dlq");
        assertThat(warnings)
                .containsExactly(
                        "topic drift-dlq differs from its declaration: retention.ms is 604800000, expected -1",
                        "topic drift-dlq differs from its declaration: retention.ms is 604800000, expected -1; "
                                + "partitions is 3, expected 6");
    }

    @Test
    void withTopicsUnmanagedAMissingTopicIsNamedAndNotCreated() throws Exception {
        TopicSpec<String, byte[]> present = deadLetters("unmanaged-present", 1);
        TopicSpec<String, byte[]> missing = deadLetters("unmanaged-missing", 1);
        TopicAdmin.ensureTopics(
                KafkaConnection.plaintext(broker.bootstrapServers()), TopicPolicy.defaults(1), List.of(present));
        TopicPolicy unmanaged = TopicPolicy.defaults(1).withManageTopics(false);

        assertThatThrownBy(() -> TopicAdmin.ensureTopics(
                        KafkaConnection.plaintext(broker.bootstrapServers()), unmanaged, List.of(present, missing)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("missing topic unmanaged-missing"
                        + " (LEADPIPE_MANAGE_TOPICS=false: create it before starting the service)");

        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                .contains("unmanaged-present")
                .doesNotContain("unmanaged-missing");
        assertThat(TopicAdmin.ensureTopics(
                        KafkaConnection.plaintext(broker.bootstrapServers()), unmanaged, List.of(present)))
                .isEmpty();
    }

    private static TopicSpec<String, byte[]> deadLetters(String name, int partitions) {
        return new TopicSpec<>(name, Serdes.String(), Serdes.ByteArray(), partitions, TopicSpec.Kind.DEAD_LETTERS);
    }

    private static Config config(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource))
                .all()
                .get(30, TimeUnit.SECONDS)
                .get(resource);
    }

    private static void setRetention(String topic, String ms) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        admin.incrementalAlterConfigs(Map.of(
                        resource,
                        List.of(new AlterConfigOp(
                                new ConfigEntry(TopicConfig.RETENTION_MS_CONFIG, ms), AlterConfigOp.OpType.SET))))
                .all()
                .get(30, TimeUnit.SECONDS);
    }

    /** The WARN lines TopicAdmin logged while {@code action} ran. */
    private static List<String> warningsOf(Runnable action) {
        Logger logger = (Logger) org.slf4j.LoggerFactory.getLogger(TopicAdmin.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
        try {
            action.run();
        } finally {
            logger.detachAppender(appender);
        }
        List<String> lines = new ArrayList<>();
        for (ILoggingEvent e : appender.list) {
            if (e.getLevel() == Level.WARN) {
                lines.add(e.getFormattedMessage());
            }
        }
        return lines;
    }
}
