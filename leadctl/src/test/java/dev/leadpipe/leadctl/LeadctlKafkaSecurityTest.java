package dev.leadpipe.leadctl;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.leadpipe.core.topic.TopicAdmin;
import dev.leadpipe.kafka.SaslSslBroker;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * leadctl on a SASL_SSL cluster: the same {@code KAFKA_*} settings as the services, or a client properties file
 * ({@code --kafka-config}); a wrong password or a bad setting is one line, and no secret is printed.
 */
class LeadctlKafkaSecurityTest {
    private static final String PASSWORD = "ops-Pa55-CANARY";
    private static SaslSslBroker broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        broker = SaslSslBroker.start();
        broker.createUser("ops", PASSWORD);
        KafkaBrokerExtension.recordRealBroker(LeadctlKafkaSecurityTest.class, SaslSslBroker.DESCRIPTION);
        TopicAdmin.ensureTopics(broker.connection("ops", PASSWORD), (short) 1);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void theServicesVariablesReachTheSecuredCluster() {
        Cli.Run run = Cli.run(new Leadctl(broker.clientEnvironment("ops", PASSWORD), dir), "dlq", "list");
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out() + run.err()).doesNotContain(PASSWORD);
    }

    @Test
    void aClientPropertiesFileReachesItAndAWrongPasswordIsOneLine() throws Exception {
        Path file = properties("ops", PASSWORD);
        Cli.Run run = Cli.run(new Leadctl(Map.of(), dir), "--kafka-config", file.toString(), "dlq", "list");
        assertThat(run.exit()).as(run.toString()).isZero();

        Path wrong = properties("ops", "Wrong-CANARY");
        Cli.Run refused = Cli.run(new Leadctl(Map.of(), dir), "--kafka-config", wrong.toString(), "dlq", "list");
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(ExitCodes.KAFKA_UNREACHABLE);
        assertThat(refused.errLines()).singleElement().asString().contains("Authentication failed");
        assertThat(refused.out() + refused.err()).doesNotContain("CANARY");
    }

    @Test
    void badSettingsAreAUsageErrorNamingEveryOne() {
        Cli.Run run = Cli.run(
                new Leadctl(
                        Map.of(
                                "KAFKA_BOOTSTRAP_SERVERS",
                                broker.bootstrapServers(),
                                "KAFKA_SECURITY_PROTOCOL",
                                "SASL_SSL",
                                "KAFKA_SSL_KEYSTORE_LOCATION",
                                dir.resolve("none.p12").toString(),
                                "KAFKA_SSL_KEYSTORE_PASSWORD",
                                "Key-CANARY"),
                        dir),
                "dlq",
                "list");
        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines())
                .singleElement()
                .asString()
                .contains("invalid Kafka settings", "KAFKA_SASL_MECHANISM", "KAFKA_SSL_KEYSTORE_LOCATION")
                .doesNotContain("CANARY");
    }

    private Path properties(String user, String password) throws Exception {
        return Files.writeString(
                Files.createTempFile(dir, "client", ".properties"),
                String.join(
                        "\n",
                        "bootstrap.servers=" + broker.bootstrapServers(),
                        "security.protocol=SASL_SSL",
                        "sasl.mechanism=" + SaslSslBroker.MECHANISM,
                        "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                                + user + "\" password=\"" + password + "\";",
                        "ssl.truststore.location=" + broker.truststore(),
                        "ssl.truststore.type=PKCS12",
                        "ssl.truststore.password=" + broker.truststorePassword()));
    }
}
