package dev.leadpipe.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.leadpipe.core.config.Declaration;
import dev.leadpipe.core.config.Setting;
import dev.leadpipe.core.config.SettingsDoc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaClientSecurityTest {
    private static final String JAAS =
            "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"svc\" password=\"Pa55-CANARY\";";

    /** A service's configuration with the connection and one setting of its own. */
    public record Demo(KafkaConnection kafka, int port) {
        static final Setting<Integer> PORT = Setting.listenPort("port", "DEMO_PORT", 8080, "port");
        static final Declaration<Demo> DECLARATION =
                new Declaration<>(Demo.class, "demo settings", List.of(KafkaSettings.CONNECTION, PORT));
    }

    @TempDir
    Path dir;

    @Test
    void onlyTheBootstrapServersMeanPlaintextWithNothingElse() {
        KafkaConnection c = KafkaClientSecurity.read(Map.of("KAFKA_BOOTSTRAP_SERVERS", " k:9092 "));
        assertThat(c).isEqualTo(KafkaConnection.plaintext("k:9092"));
        assertThat(c.securityProtocol()).isEqualTo("PLAINTEXT");
        assertThat(c.clientProperties()).isEqualTo(Map.of("bootstrap.servers", "k:9092"));
    }

    @Test
    void saslSslBecomesTheClientPropertiesAndIsShownMasked() throws Exception {
        Path trust = Files.writeString(dir.resolve("trust.p12"), "x");
        KafkaConnection c = KafkaClientSecurity.read(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "k:9093",
                "KAFKA_SECURITY_PROTOCOL", "sasl_ssl",
                "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_SASL_JAAS_CONFIG", JAAS,
                "KAFKA_SSL_TRUSTSTORE_LOCATION", trust.toString(),
                "KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12",
                "KAFKA_SSL_TRUSTSTORE_PASSWORD", "Trust-CANARY"));
        assertThat(c.clientProperties(Map.of("acks", "all")))
                .containsEntry("bootstrap.servers", "k:9093")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", JAAS)
                .containsEntry("ssl.truststore.location", trust.toString())
                .containsEntry("ssl.truststore.password", "Trust-CANARY")
                .containsEntry("acks", "all");
        assertThat(c.toString())
                .contains("k:9093", "security.protocol=SASL_SSL", "sasl.mechanism=SCRAM-SHA-512")
                .doesNotContain("CANARY");
        Demo demo = Demo.DECLARATION.fromEnvironment(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "k:9093",
                "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                "KAFKA_SASL_MECHANISM", "PLAIN",
                "KAFKA_SASL_JAAS_CONFIG", JAAS));
        assertThat(Demo.DECLARATION.describe(demo))
                .contains("sasl.jaas.config=********")
                .doesNotContain("CANARY");
    }

    @Test
    void everyBadSettingIsReportedTogetherWithTheServicesOwnOnOneLine() {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", "k:9093");
        env.put("KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
        env.put("KAFKA_SSL_TRUSTSTORE_LOCATION", dir.resolve("missing.p12").toString());
        env.put("KAFKA_SSL_TRUSTSTORE_TYPE", "P12");
        env.put("KAFKA_SSL_TRUSTSTORE_PASSWORD", "Trust-CANARY");
        env.put("KAFKA_SSL_KEYSTORE_LOCATION", dir.resolve("missing-key.p12").toString());
        env.put("DEMO_PORT", "-1");
        assertThatThrownBy(() -> Demo.DECLARATION.fromEnvironment(env))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid demo settings: ")
                .hasMessageContainingAll(
                        "KAFKA_SSL_TRUSTSTORE_TYPE must be one of PKCS12, JKS, PEM",
                        "KAFKA_SASL_MECHANISM is not set: SASL_SSL needs one of",
                        "KAFKA_SASL_JAAS_CONFIG is not set",
                        "KAFKA_SSL_TRUSTSTORE_LOCATION must be a readable file",
                        "KAFKA_SSL_KEYSTORE_LOCATION must be a readable file",
                        "KAFKA_SSL_KEYSTORE_PASSWORD is not set",
                        "DEMO_PORT must be")
                .message()
                .doesNotContain("CANARY", "\n");
    }

    @Test
    void securitySettingsThatTheProtocolDoesNotUseAreRefused() throws Exception {
        Path trust = Files.writeString(dir.resolve("trust.pem"), "x");
        assertThatThrownBy(() -> KafkaClientSecurity.read(Map.of(
                        "KAFKA_BOOTSTRAP_SERVERS", "k:9092",
                        "KAFKA_SASL_MECHANISM", "PLAIN",
                        "KAFKA_SSL_TRUSTSTORE_LOCATION", trust.toString())))
                .hasMessageContainingAll(
                        "KAFKA_SASL_* settings need KAFKA_SECURITY_PROTOCOL SASL_SSL or SASL_PLAINTEXT, not PLAINTEXT",
                        "KAFKA_SSL_* settings need KAFKA_SECURITY_PROTOCOL SSL or SASL_SSL, not PLAINTEXT");
    }

    @Test
    void theVariablesApplyOverThePropertiesFileAndTheClientsOwnSettingsOverBoth() throws Exception {
        Path file = Files.writeString(dir.resolve("client.properties"), """
                bootstrap.servers=from-file:9093
                security.protocol=SASL_SSL
                sasl.mechanism=PLAIN
                sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required password="File-CANARY";
                ssl.keystore.key=KEY-CANARY
                acks=0
                client.dns.lookup=use_all_dns_ips
                """);
        KafkaConnection c = KafkaClientSecurity.read(
                Map.of("KAFKA_CLIENT_PROPERTIES_FILE", file.toString(), "KAFKA_SASL_MECHANISM", "SCRAM-SHA-256"));
        assertThat(c.bootstrapServers())
                .as("the file's, as no variable names one")
                .isEqualTo("from-file:9093");
        assertThat(c.clientProperties(Map.of("acks", "all")))
                .containsEntry("sasl.mechanism", "SCRAM-SHA-256")
                .containsEntry("client.dns.lookup", "use_all_dns_ips")
                .containsEntry("acks", "all");
        assertThat(c.toString()).doesNotContain("CANARY").contains("sasl.jaas.config=********");

        KafkaConnection env = KafkaClientSecurity.read(
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "from-env:9093", "KAFKA_CLIENT_PROPERTIES_FILE", file.toString()));
        assertThat(env.bootstrapServers()).isEqualTo("from-env:9093");
    }

    @Test
    void oauthBearerMayTakeItsLoginFromTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("oauth.properties"), """
                sasl.login.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler
                sasl.oauthbearer.token.endpoint.url=https://login.example/token
                """);
        KafkaConnection c = KafkaClientSecurity.read(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "k:9093",
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "OAUTHBEARER",
                "KAFKA_CLIENT_PROPERTIES_FILE", file.toString()));
        assertThat(c.properties()).containsKey("sasl.login.callback.handler.class");
        assertThatThrownBy(() -> KafkaClientSecurity.read(Map.of(
                        "KAFKA_BOOTSTRAP_SERVERS", "k:9093",
                        "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                        "KAFKA_SASL_MECHANISM", "OAUTHBEARER")))
                .hasMessageContaining("KAFKA_SASL_JAAS_CONFIG is not set");
    }

    @Test
    void anUnreadablePropertiesFileAndAMissingClusterAreNamed() {
        assertThatThrownBy(() -> KafkaClientSecurity.read(Map.of(
                        "KAFKA_CLIENT_PROPERTIES_FILE",
                        dir.resolve("none.properties").toString())))
                .hasMessageContainingAll(
                        "KAFKA_CLIENT_PROPERTIES_FILE must be a readable Kafka client .properties file",
                        "KAFKA_BOOTSTRAP_SERVERS is not set");
    }

    @Test
    void theSecurityVariablesCountAsDeclaredInDocsAndTheirDefaultsAreCompared() throws Exception {
        Path doc = Files.writeString(dir.resolve("doc.md"), """
                | variable | default | meaning |
                |---|---|---|
                | `KAFKA_BOOTSTRAP_SERVERS` | required | the cluster |
                | `KAFKA_SECURITY_PROTOCOL` | SSL | protocol |
                | `KAFKA_SASL_MECHANISM` | none | mechanism |
                | `KAFKA_SASL_TYPO` | none | not a setting |
                | `DEMO_PORT` | 8080 | port |
                """);
        assertThat(SettingsDoc.differences(doc, Demo.DECLARATION.settings(), true))
                .containsExactly(
                        "KAFKA_SECURITY_PROTOCOL: documented default SSL, declared PLAINTEXT",
                        "KAFKA_SASL_TYPO: documented in " + doc + " but not declared");
    }
}
