package dev.leadpipe.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.topic.TopicAdmin;
import dev.leadpipe.core.topic.TopicPolicy;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.ingest.IngestService;
import dev.leadpipe.kafka.EmbeddedKafkaBroker;
import dev.leadpipe.ops.testing.ChildJvm;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service's {@code main} in a JVM of its own, configured by environment as an operator does, on a broker where the
 * test decides which topics exist: with {@code LEADPIPE_MANAGE_TOPICS=false} a missing {@code leads-dlq} stops it
 * with one line naming the topic; managed, it creates {@code leads-dlq} with infinite retention and the configured
 * {@code min.insync.replicas}; started again after the topic was changed by hand, it logs the drift.
 */
class TopicManagementProcessTest {
    private static final Duration WITHIN = Duration.ofSeconds(120);
    private static final String DLQ = Topics.LEADS_DLQ.name();

    @TempDir
    Path work;

    @Test
    void theDeadLetterTopicIsCheckedCreatedWithItsSettingsAndItsDriftReported() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
                Admin admin =
                        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            String bootstrap = broker.bootstrapServers();
            TopicAdmin.ensureTopics(
                    KafkaConnection.plaintext(bootstrap),
                    TopicPolicy.defaults(1),
                    Topics.all().stream().filter(t -> !t.name().equals(DLQ)).toList());

            // unmanaged: the missing topic stops the service, named on its one line, and is not created
            Process unmanaged = start("unmanaged", bootstrap, Map.of("LEADPIPE_MANAGE_TOPICS", "false"));
            assertThat(unmanaged.waitFor(WITHIN.toSeconds(), TimeUnit.SECONDS))
                    .as("ingest stopped by itself")
                    .isTrue();
            String err = Files.readString(work.resolve("unmanaged.err"), StandardCharsets.UTF_8)
                    .strip();
            assertThat(unmanaged.exitValue()).as("exit code; stderr: %s", err).isNotZero();
            assertThat(err)
                    .isEqualTo("ingest: did not start: missing topic leads-dlq"
                            + " (LEADPIPE_MANAGE_TOPICS=false: create it before starting the service)");
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain(DLQ);

            // managed (the default): created with infinite retention and the configured min.insync.replicas
            Process managed = start("managed", bootstrap, Map.of("KAFKA_MIN_INSYNC_REPLICAS", "2"));
            try {
                Config created = awaitTopicConfig(admin, managed, "managed");
                assertThat(created.get(TopicConfig.RETENTION_MS_CONFIG).value()).isEqualTo("-1");
                assertThat(created.get(TopicConfig.RETENTION_BYTES_CONFIG).value())
                        .isEqualTo("-1");
                assertThat(created.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value())
                        .isEqualTo("2");
            } finally {
                stop(managed);
            }

            // changed by hand: the next start logs one WARN line naming the topic, the key, found and expected
            admin.incrementalAlterConfigs(Map.of(
                            resource(),
                            List.of(new AlterConfigOp(
                                    new ConfigEntry(TopicConfig.RETENTION_MS_CONFIG, "604800000"),
                                    AlterConfigOp.OpType.SET))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            Process drifted = start("drifted", bootstrap, Map.of("KAFKA_MIN_INSYNC_REPLICAS", "2"));
            try {
                String line = awaitLogLine(drifted, "drifted", "topic leads-dlq differs from its declaration");
                assertThat(line)
                        .contains("WARN")
                        .endsWith("topic leads-dlq differs from its declaration: "
                                + "retention.ms is 604800000, expected -1");
            } finally {
                stop(drifted);
            }
        }
    }

    private Process start(String name, String bootstrap, Map<String, String> extra) throws IOException {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Map<String, String> env = new HashMap<>(extra);
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("INGEST_PORT", "0");
        env.put("LEADPIPE_SECRET_KEYS", "k1=" + Base64.getEncoder().encodeToString(key));
        return ChildJvm.start(
                IngestService.class,
                env,
                work,
                work.resolve(name + ".out"),
                work.resolve(name + ".err"),
                "-Xmx192m",
                "-XX:TieredStopAtLevel=1");
    }

    private static ConfigResource resource() {
        return new ConfigResource(ConfigResource.Type.TOPIC, DLQ);
    }

    /** The dead-letter topic's settings once the service created it. */
    private Config awaitTopicConfig(Admin admin, Process service, String name) throws Exception {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(service.isAlive())
                    .as("ingest is running; log: %s", log(name))
                    .isTrue();
            if (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(DLQ)) {
                return admin.describeConfigs(List.of(resource()))
                        .all()
                        .get(30, TimeUnit.SECONDS)
                        .get(resource());
            }
            Thread.sleep(200);
        }
        throw new AssertionError("ingest never created " + DLQ + "; log: " + log(name));
    }

    /** The first line of the service's log holding {@code text}. */
    private String awaitLogLine(Process service, String name, String text) throws Exception {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<String> line = Files.readAllLines(work.resolve(name + ".out")).stream()
                    .filter(l -> l.contains(text))
                    .findFirst();
            if (line.isPresent()) {
                return line.get();
            }
            assertThat(service.isAlive())
                    .as("ingest is running; log: %s", log(name))
                    .isTrue();
            Thread.sleep(200);
        }
        throw new AssertionError("ingest never logged '" + text + "'; log: " + log(name));
    }

    private String log(String name) throws IOException {
        return Files.readString(work.resolve(name + ".out")) + Files.readString(work.resolve(name + ".err"));
    }

    private static void stop(Process service) throws InterruptedException {
        service.destroy();
        if (!service.waitFor(60, TimeUnit.SECONDS)) {
            service.destroyForcibly();
        }
    }
}
