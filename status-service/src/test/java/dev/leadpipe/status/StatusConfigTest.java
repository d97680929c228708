package dev.leadpipe.status;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.leadpipe.core.config.SettingsDoc;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StatusConfigTest {
    @Test
    void defaultsFollowTheMonitoringContract() {
        StatusConfig c = StatusConfig.DECLARATION.fromEnvironment(Map.of("KAFKA_BOOTSTRAP_SERVERS", " k:9092 "));
        assertThat(c.kafka().bootstrapServers()).isEqualTo("k:9092");
        assertThat(c.applicationId()).isEqualTo("leadpipe-status");
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(8090);
        assertThat(c.offerSeriesLimit()).isEqualTo(500);
        assertThat(c.streamsProperties())
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "leadpipe-status");
    }

    @Test
    void readsEverySetting() {
        StatusConfig c = StatusConfig.DECLARATION.fromEnvironment(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS",
                "k:9092",
                "STATUS_HOST",
                "0.0.0.0",
                "STATUS_PORT",
                "0",
                "STATUS_STATE_DIR",
                "/var/lib/status",
                "STATUS_OFFER_SERIES_LIMIT",
                "20"));
        assertThat(c.host()).isEqualTo("0.0.0.0");
        assertThat(c.port()).isZero();
        assertThat(c.stateDir()).isEqualTo(Path.of("/var/lib/status"));
        assertThat(c.offerSeriesLimit()).isEqualTo(20);
        assertThat(c.streamsProperties())
                .containsEntry(
                        StreamsConfig.STATE_DIR_CONFIG,
                        Path.of("/var/lib/status").toAbsolutePath().toString());
        StatusConfig timing = StatusConfig.DECLARATION.fromEnvironment(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS",
                "k:9092",
                "STATUS_COMMIT_INTERVAL",
                "250ms",
                "STATUS_METRICS_REFRESH",
                "1m",
                "STATUS_LAG_CACHE_TTL",
                "0s"));
        assertThat(timing)
                .isEqualTo(StatusConfig.of("k:9092")
                        .with(StatusConfig.COMMIT_INTERVAL, Duration.ofMillis(250))
                        .with(StatusConfig.METRICS_REFRESH, Duration.ofMinutes(1))
                        .with(StatusConfig.LAG_CACHE_TTL, Duration.ZERO));
    }

    @Test
    void reportsEveryBadSettingTogetherWithoutEchoingValues() {
        assertThatThrownBy(() -> StatusConfig.DECLARATION.fromEnvironment(Map.of(
                        "STATUS_PORT", "http", "STATUS_OFFER_SERIES_LIMIT", "0", "KAFKA_REPLICATION_FACTOR", "x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll(
                        "KAFKA_BOOTSTRAP_SERVERS",
                        "STATUS_PORT",
                        "STATUS_OFFER_SERIES_LIMIT",
                        "KAFKA_REPLICATION_FACTOR")
                .hasMessageNotContaining("http");
        assertThatThrownBy(() -> StatusConfig.DECLARATION.fromEnvironment(
                        Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1", "STATUS_PORT", "70000")))
                .hasMessageContaining("STATUS_PORT must be a whole number from 0 to 65535");
    }

    @Test
    void theMonitoringGuideDocumentsTheDeclaredVariables() {
        assertThat(SettingsDoc.differences(Path.of("../docs/monitoring.md"), StatusConfig.SETTINGS, true))
                .as("docs/monitoring.md against StatusConfig.SETTINGS")
                .isEmpty();
    }
}
