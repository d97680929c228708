package dev.leadpipe.sink.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.config.SettingsDoc;
import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.core.destination.DestinationType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SinkConfigTest {
    static final List<Duration> TIERS =
            List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(4));

    @Test
    void appliesTheDefaults() {
        SinkConfig c = SinkConfig.of(" localhost:9092 ");
        assertThat(c.kafka().bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(c.groupId()).isEmpty();
        assertThat(c.groupIdFor(DestinationType.TABLE)).isEqualTo("leadpipe-sink-table");
        assertThat(c.groupIdFor(DestinationType.DYNAMICS)).isEqualTo("leadpipe-sink-dynamics");
        assertThat(c.maxAttempts()).isEqualTo(200);
        assertThat(c.maxRetryTime()).as("long enough to ride out a CRM outage").isEqualTo(Duration.ofHours(24));
        assertThat(c.initialBackoff()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.maxBackoff()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.jitter()).isEqualTo(0.2);
        assertThat(c.maxConcurrencyPerEndpoint()).isEqualTo(8);
        assertThat(c.breakerFailureThreshold()).isEqualTo(5);
        assertThat(c.breakerOpenDuration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.maxInFlight()).isEqualTo(1000);
        assertThat(c.attemptTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.commitInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(c.retryHorizon()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.retryTiers())
                .containsExactly(
                        Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofMinutes(10), Duration.ofHours(1));
        assertThat(SinkConfig.DECLARATION.fromEnvironment(Map.of("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092")))
                .isEqualTo(c);
    }

    @Test
    void copyMethodsChangeOneThing() {
        SinkConfig c = SinkConfig.of("b:1")
                .withGroupId("g")
                .withRetryBudget(3, Duration.ofSeconds(5))
                .withBackoff(Duration.ofMillis(50), Duration.ofMillis(200), 0)
                .withMaxConcurrencyPerEndpoint(2)
                .withCircuitBreaker(4, Duration.ofMillis(300))
                .with(SinkConfig.MAX_IN_FLIGHT, 10)
                .with(SinkConfig.ATTEMPT_TIMEOUT, Duration.ofSeconds(3))
                .with(SinkConfig.COMMIT_INTERVAL, Duration.ofMillis(100))
                .withRetryTiers(Duration.ofMillis(500), TIERS)
                .withAllowedHosts(DestinationAddresses.allowing("127.0.0.1,localhost"));
        assertThat(c)
                .isEqualTo(new SinkConfig(
                        KafkaConnection.plaintext("b:1"),
                        Optional.of("g"),
                        3,
                        Duration.ofSeconds(5),
                        Duration.ofMillis(50),
                        Duration.ofMillis(200),
                        0,
                        2,
                        4,
                        Duration.ofMillis(300),
                        10,
                        Duration.ofSeconds(3),
                        Duration.ofMillis(100),
                        Duration.ofMillis(500),
                        TIERS,
                        DestinationAddresses.allowing("localhost, 127.0.0.1")));
        assertThat(c.groupIdFor(DestinationType.TABLE)).isEqualTo("g");
        assertThat(c.with(SinkConfig.MAX_ATTEMPTS, 9).maxAttempts()).isEqualTo(9);
        assertThat(c.with(SinkConfig.MAX_RETRY_TIME, Duration.ofSeconds(9)).maxRetryTime())
                .isEqualTo(Duration.ofSeconds(9));
    }

    @Test
    void readsEveryVariable() {
        SinkConfig c = SinkConfig.DECLARATION.fromEnvironment(Map.ofEntries(
                Map.entry("KAFKA_BOOTSTRAP_SERVERS", "broker:9092"),
                Map.entry(SinkConfig.GROUP_ID_ENV, "sink-b"),
                Map.entry(SinkConfig.MAX_ATTEMPTS_ENV, "5"),
                Map.entry(SinkConfig.MAX_RETRY_TIME_ENV, "PT15M"),
                Map.entry(SinkConfig.INITIAL_BACKOFF_ENV, "500ms"),
                Map.entry(SinkConfig.MAX_BACKOFF_ENV, "2m"),
                Map.entry(SinkConfig.JITTER_ENV, "0.1"),
                Map.entry(SinkConfig.MAX_CONCURRENCY_PER_ENDPOINT_ENV, "4"),
                Map.entry(SinkConfig.BREAKER_FAILURE_THRESHOLD_ENV, "10"),
                Map.entry(SinkConfig.BREAKER_OPEN_DURATION_ENV, "45s"),
                Map.entry(SinkConfig.MAX_IN_FLIGHT_ENV, "200"),
                Map.entry(SinkConfig.ATTEMPT_TIMEOUT_ENV, "1h"),
                Map.entry(SinkConfig.COMMIT_INTERVAL_ENV, "1s"),
                Map.entry(SinkConfig.RETRY_HORIZON_ENV, "2s"),
                Map.entry(SinkConfig.RETRY_TIERS_ENV, "1s, 2s,3s,4s"),
                Map.entry(DestinationAddresses.ALLOWED_HOSTS_ENV, "10.1.0.0/16, ledger.internal"),
                Map.entry("SINK_TABLE_SOMETHING", "a sink module's own variable, ignored here")));
        assertThat(c)
                .isEqualTo(new SinkConfig(
                        KafkaConnection.plaintext("broker:9092"),
                        Optional.of("sink-b"),
                        5,
                        Duration.ofMinutes(15),
                        Duration.ofMillis(500),
                        Duration.ofMinutes(2),
                        0.1,
                        4,
                        10,
                        Duration.ofSeconds(45),
                        200,
                        Duration.ofHours(1),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(2),
                        TIERS,
                        DestinationAddresses.allowing("ledger.internal,10.1.0.0/16")));
    }

    @Test
    void reportsEveryBadVariableTogetherOnOneLine() {
        Map<String, String> env = Map.ofEntries(
                Map.entry(SinkConfig.MAX_ATTEMPTS_ENV, "zero"),
                Map.entry(SinkConfig.MAX_RETRY_TIME_ENV, "-PT1M"),
                Map.entry(SinkConfig.INITIAL_BACKOFF_ENV, "10 parsecs"),
                Map.entry(SinkConfig.JITTER_ENV, "1.5"),
                Map.entry(SinkConfig.MAX_CONCURRENCY_PER_ENDPOINT_ENV, "0"),
                Map.entry(SinkConfig.BREAKER_FAILURE_THRESHOLD_ENV, "-3"),
                Map.entry(SinkConfig.BREAKER_OPEN_DURATION_ENV, "0s"),
                Map.entry(SinkConfig.MAX_IN_FLIGHT_ENV, "lots"),
                Map.entry(SinkConfig.ATTEMPT_TIMEOUT_ENV, "forever"),
                Map.entry(SinkConfig.COMMIT_INTERVAL_ENV, "2 weeks"),
                Map.entry(SinkConfig.RETRY_HORIZON_ENV, "soon"),
                Map.entry(SinkConfig.RETRY_TIERS_ENV, "1m,10s,1h,2h"),
                Map.entry(SinkConfig.GROUP_ID_ENV, "  "));
        assertThatThrownBy(() -> SinkConfig.DECLARATION.fromEnvironment(env))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("\n")
                .hasMessageContainingAll(
                        "KAFKA_BOOTSTRAP_SERVERS is not set",
                        SinkConfig.MAX_ATTEMPTS_ENV,
                        SinkConfig.MAX_RETRY_TIME_ENV,
                        SinkConfig.INITIAL_BACKOFF_ENV,
                        SinkConfig.JITTER_ENV,
                        SinkConfig.MAX_CONCURRENCY_PER_ENDPOINT_ENV,
                        SinkConfig.BREAKER_FAILURE_THRESHOLD_ENV,
                        SinkConfig.BREAKER_OPEN_DURATION_ENV,
                        SinkConfig.MAX_IN_FLIGHT_ENV,
                        SinkConfig.ATTEMPT_TIMEOUT_ENV,
                        SinkConfig.COMMIT_INTERVAL_ENV,
                        SinkConfig.RETRY_HORIZON_ENV,
                        SinkConfig.RETRY_TIERS_ENV + " must be 4 strictly increasing");
        assertThatThrownBy(() -> SinkConfig.DECLARATION.fromEnvironment(
                        Map.of("KAFKA_BOOTSTRAP_SERVERS", "b:1", SinkConfig.RETRY_TIERS_ENV, "10s,1m,10m")))
                .as("four tiers, one per retry tier topic")
                .hasMessageContaining(SinkConfig.RETRY_TIERS_ENV);
        assertThatThrownBy(() -> SinkConfig.DECLARATION.fromEnvironment(
                        Map.of("KAFKA_BOOTSTRAP_SERVERS", "b:1", SinkConfig.RETRY_TIERS_ENV, "10s,1m,1h,7d")))
                .as("a tier record waiting as long as the retry topics keep it would be deleted first")
                .hasMessageContaining(SinkConfig.RETRY_TIERS_ENV + " must be")
                .hasMessageContaining("shorter than the retry topics' retention (7d)");

        assertThatThrownBy(() -> SinkConfig.DECLARATION.fromEnvironment(Map.of(
                        "KAFKA_BOOTSTRAP_SERVERS",
                        "b:1",
                        SinkConfig.INITIAL_BACKOFF_ENV,
                        "5s",
                        SinkConfig.MAX_BACKOFF_ENV,
                        "1s")))
                .hasMessageContaining(
                        SinkConfig.MAX_BACKOFF_ENV + " must not be shorter than " + SinkConfig.INITIAL_BACKOFF_ENV);
    }

    @Test
    void theConstructorReportsEveryBadSettingTogether() {
        assertThatThrownBy(() -> new SinkConfig(
                        KafkaConnection.plaintext(" "),
                        Optional.of(""),
                        0,
                        Duration.ZERO,
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(1),
                        1.0,
                        0,
                        0,
                        Duration.ZERO,
                        0,
                        null,
                        Duration.ofMillis(-1),
                        Duration.ZERO,
                        List.of(Duration.ofSeconds(1)),
                        DestinationAddresses.STRICT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("\n")
                .hasMessageContainingAll(
                        "kafka (KAFKA_BOOTSTRAP_SERVERS) must be",
                        "groupId (SINK_GROUP_ID) must be",
                        "maxAttempts",
                        "maxRetryTime",
                        "maxBackoff (SINK_MAX_BACKOFF) must not be shorter than initialBackoff "
                                + "(SINK_INITIAL_BACKOFF)",
                        "jitter",
                        "maxConcurrencyPerEndpoint",
                        "breakerFailureThreshold",
                        "breakerOpenDuration",
                        "maxInFlight",
                        "attemptTimeout",
                        "commitInterval",
                        "retryHorizon",
                        "retryTiers");
    }

    @Test
    void toStringShowsTheSettingsButNothingSecret() {
        SinkConfig c = SinkConfig.of("SASL_SSL://sink-user:S3cr3t-Pa55@broker-1:9093,broker-2:9093")
                .withGroupId("sink-x");
        String text = c.toString();
        assertThat(text)
                .contains(
                        "broker-1:9093",
                        "broker-2:9093",
                        "sink-x",
                        "maxAttempts=200",
                        "maxRetryTime=1d",
                        "retryTiers=10s,1m,10m,1h")
                .doesNotContain("S3cr3t-Pa55", "sink-user");
        assertThat(SinkConfig.of("localhost:9092").toString())
                .contains("kafka=KafkaConnection[localhost:9092]", "groupId=leadpipe-sink-<type>");
    }

    @Test
    void theDocumentedVariablesAreTheDeclaredOnes() {
        assertThat(SettingsDoc.differences(Path.of("../docs/sink-runtime.md"), SinkConfig.SETTINGS, true))
                .as("docs/sink-runtime.md against SinkConfig.SETTINGS")
                .isEmpty();
    }
}
