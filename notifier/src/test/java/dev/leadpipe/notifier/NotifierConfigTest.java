package dev.leadpipe.notifier;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.config.SettingsDoc;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The notifier's settings: defaults, environment parsing, every bad variable at once, the password masked. */
class NotifierConfigTest {
    @Test
    void defaults() {
        NotifierConfig c = NotifierConfig.DECLARATION.fromEnvironment(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:9092"));
        assertThat(c).isEqualTo(NotifierConfig.of("k:9092"));
        assertThat(c.smtpHost()).isEqualTo("127.0.0.1");
        assertThat(c.smtpPort()).isEqualTo(25);
        assertThat(c.startTls()).isFalse();
        assertThat(c.from()).isEqualTo("leads-noreply@leadpipe.local");
        assertThat(c.groupId()).isEqualTo("leadpipe-notifier");
        assertThat(c.digestInterval()).isEqualTo(Duration.ofHours(24));
        assertThat(c.leadLookupUrl()).isEmpty();
        assertThat(c.smtpUser()).isEmpty();
        assertThat(c.brokenAfter()).isEqualTo(Duration.ofHours(1));
        assertThat(c.retryWindow()).isEqualTo(Duration.ofHours(24));
        assertThat(c.smtpConnections()).isEqualTo(4);
    }

    @Test
    void readsEveryVariable() {
        NotifierConfig c = NotifierConfig.DECLARATION.fromEnvironment(new Env(Map.of(
                        "KAFKA_BOOTSTRAP_SERVERS",
                        "k:9092",
                        "NOTIFIER_SMTP_HOST",
                        "smtp.example",
                        "NOTIFIER_SMTP_PORT",
                        "587",
                        "NOTIFIER_SMTP_USER",
                        "relay",
                        "NOTIFIER_SMTP_PASSWORD",
                        "pw",
                        "NOTIFIER_SMTP_STARTTLS",
                        "true",
                        "NOTIFIER_FROM",
                        "leads@pub.example",
                        "NOTIFIER_GROUP_ID",
                        "g",
                        "NOTIFIER_DIGEST_INTERVAL",
                        "12h",
                        "NOTIFIER_LEAD_LOOKUP_URL",
                        "https://ops.example/leads"))
                .with("NOTIFIER_SMTP_CONNECTIONS", "8"));
        assertThat(c)
                .isEqualTo(new NotifierConfig(
                        KafkaConnection.plaintext("k:9092"),
                        "smtp.example",
                        587,
                        Optional.of("relay"),
                        Optional.of("pw"),
                        true,
                        "leads@pub.example",
                        "g",
                        Duration.ofHours(12),
                        Optional.of("https://ops.example/leads"),
                        Duration.ofHours(1),
                        Duration.ofHours(24),
                        8));
    }

    @Test
    void readsTheDestinationNoticeVariables() {
        NotifierConfig c = NotifierConfig.DECLARATION.fromEnvironment(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "k:9092",
                "NOTIFIER_BROKEN_AFTER", "30m",
                "NOTIFIER_RETRY_WINDOW", "48h"));
        assertThat(c.brokenAfter()).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.retryWindow()).isEqualTo(Duration.ofHours(48));
        assertThatThrownBy(() -> NotifierConfig.DECLARATION.fromEnvironment(Map.of(
                        "KAFKA_BOOTSTRAP_SERVERS", "k:9092",
                        "NOTIFIER_BROKEN_AFTER", "never",
                        "NOTIFIER_RETRY_WINDOW", "0s")))
                .hasMessageContainingAll("NOTIFIER_BROKEN_AFTER", "NOTIFIER_RETRY_WINDOW");
    }

    @Test
    void reportsEveryBadVariableTogetherWithoutValues() {
        Map<String, String> env = Map.of(
                "NOTIFIER_SMTP_PORT", "seventy-CANARY1",
                "NOTIFIER_SMTP_STARTTLS", "maybe-CANARY2",
                "NOTIFIER_DIGEST_INTERVAL", "soon-CANARY3",
                "NOTIFIER_SMTP_PASSWORD", "secret-CANARY4",
                "NOTIFIER_FROM", "not-an-address-CANARY5");
        assertThatThrownBy(() -> NotifierConfig.DECLARATION.fromEnvironment(env))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll(
                        "KAFKA_BOOTSTRAP_SERVERS",
                        "NOTIFIER_SMTP_PORT",
                        "NOTIFIER_SMTP_STARTTLS",
                        "NOTIFIER_DIGEST_INTERVAL",
                        "NOTIFIER_SMTP_PASSWORD",
                        "NOTIFIER_SMTP_USER",
                        "NOTIFIER_FROM")
                .satisfies(
                        e -> assertThat(e.getMessage()).doesNotContain("CANARY").doesNotContain("\n"));
    }

    @Test
    void recordRejectsBadComponentsTogether() {
        assertThatThrownBy(() -> new NotifierConfig(
                        KafkaConnection.plaintext(" "),
                        "h",
                        0,
                        Optional.empty(),
                        Optional.of("CANARY-pw"),
                        false,
                        "x",
                        "g",
                        Duration.ZERO,
                        Optional.of("ftp://CANARY"),
                        Duration.ZERO,
                        Duration.ofHours(24),
                        0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll(
                        "smtpConnections (NOTIFIER_SMTP_CONNECTIONS)",
                        "kafka (KAFKA_BOOTSTRAP_SERVERS)",
                        "smtpPort",
                        "from",
                        "digestInterval",
                        "brokenAfter (NOTIFIER_BROKEN_AFTER)",
                        "leadLookupUrl (NOTIFIER_LEAD_LOOKUP_URL) must be an http(s) URL",
                        "smtpPassword (NOTIFIER_SMTP_PASSWORD) must not be set without smtpUser (NOTIFIER_SMTP_USER)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("CANARY"));
    }

    @Test
    void toStringMasksThePassword() {
        NotifierConfig c = NotifierConfig.of("k:9092").withSmtpCredentials("relay", "CANARY-smtp-password");
        assertThat(c.toString())
                .doesNotContain("CANARY-smtp-password")
                .contains(NotifierConfig.MASK)
                .contains("relay");
        assertThat(NotifierConfig.of("k:9092").toString()).contains("smtpPassword=none");
        assertThat(NotifierConfig.of("sasl://bob:CANARY-kafka@k:9092").toString())
                .doesNotContain("CANARY-kafka");
    }

    @Test
    void theDocumentedVariablesAreTheDeclaredOnes() {
        assertThat(SettingsDoc.differences(Path.of("../docs/notifications.md"), NotifierConfig.SETTINGS, true))
                .as("docs/notifications.md against NotifierConfig.SETTINGS")
                .isEmpty();
    }

    /** An environment of more variables than {@code Map.of} takes. */
    private record Env(Map<String, String> vars) {
        Map<String, String> with(String name, String value) {
            Map<String, String> out = new java.util.HashMap<>(vars);
            out.put(name, value);
            return out;
        }
    }
}
