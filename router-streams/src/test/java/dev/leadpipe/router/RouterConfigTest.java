package dev.leadpipe.router;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.config.SettingsDoc;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RouterConfigTest {

    @Test
    void appliesTheDefaults() {
        RouterConfig config = RouterConfig.of(" localhost:9092 ");
        assertThat(config.kafka().bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(config.applicationId()).isEqualTo("leadpipe-router");
        assertThat(config.dedupWindow()).isEqualTo(Duration.ofDays(7));
        assertThat(config.numStreamThreads()).isEqualTo(1);
        assertThat(config.commitInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.stateDir()).isNotNull();
    }

    @Test
    void readsTheEnvironment() {
        RouterConfig config = RouterConfig.DECLARATION.fromEnvironment(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS",
                "broker:9092",
                RouterConfig.APPLICATION_ID.env(),
                "router-b",
                RouterConfig.STATE_DIR.env(),
                "/var/lib/router",
                RouterConfig.DEDUP_WINDOW.env(),
                "PT12H",
                RouterConfig.NUM_STREAM_THREADS.env(),
                "3",
                RouterConfig.COMMIT_INTERVAL.env(),
                "250"));
        assertThat(config)
                .isEqualTo(new RouterConfig(
                        KafkaConnection.plaintext("broker:9092"),
                        "router-b",
                        Path.of("/var/lib/router"),
                        Duration.ofHours(12),
                        3,
                        Duration.ofMillis(250)));
    }

    @Test
    void rejectsEveryMissingOrUnreadableSettingTogetherInOneLine() {
        assertThatThrownBy(() -> RouterConfig.DECLARATION.fromEnvironment(Map.of(
                        "KAFKA_BOOTSTRAP_SERVERS",
                        " ",
                        RouterConfig.DEDUP_WINDOW.env(),
                        "7 weeks",
                        RouterConfig.NUM_STREAM_THREADS.env(),
                        "-1",
                        RouterConfig.COMMIT_INTERVAL.env(),
                        "fast",
                        "KAFKA_REPLICATION_FACTOR",
                        "0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid router settings: KAFKA_BOOTSTRAP_SERVERS is not set")
                .hasMessageContainingAll(
                        RouterConfig.DEDUP_WINDOW.env() + " must be a positive duration",
                        RouterConfig.NUM_STREAM_THREADS.env() + " must be a whole number of at least 1",
                        RouterConfig.COMMIT_INTERVAL.env() + " must be a whole number of at least 1",
                        "KAFKA_REPLICATION_FACTOR must be a whole number from 1")
                .hasMessageNotContaining("\n")
                .hasMessageNotContaining("weeks")
                .hasMessageNotContaining("fast");
    }

    @Test
    void theDedupWindowMayBeWrittenShort() {
        assertThat(RouterConfig.DECLARATION
                        .fromEnvironment(
                                Map.of("KAFKA_BOOTSTRAP_SERVERS", "b:1", RouterConfig.DEDUP_WINDOW.env(), "3d"))
                        .dedupWindow())
                .isEqualTo(Duration.ofDays(3));
    }

    @Test
    void streamsPropertiesAreExactlyOnceWithoutDefaultSerdes() {
        Properties p = RouterConfig.of("broker:9092")
                .with(RouterConfig.APPLICATION_ID, "r1")
                .with(RouterConfig.STATE_DIR, Path.of("/tmp/r1"))
                .streamsProperties();
        assertThat(p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(p.get(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("r1");
        assertThat(p.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)).isEqualTo("broker:9092");
        assertThat(p.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(100L);
        assertThat(p.get(StreamsConfig.STATE_DIR_CONFIG))
                .isEqualTo(Path.of("/tmp/r1").toAbsolutePath().toString());
        assertThat(p.get(StreamsConfig.REPLICATION_FACTOR_CONFIG)).isInstanceOf(Integer.class);
        assertThat(p)
                .doesNotContainKeys(
                        StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG);
        new StreamsConfig(p); // every value is acceptable to Streams
    }

    @Test
    void theDeployGuideDocumentsTheDeclaredVariables() {
        assertThat(SettingsDoc.differences(Path.of("../deploy/README.md"), RouterConfig.SETTINGS, true))
                .as("deploy/README.md against RouterConfig.SETTINGS")
                .isEmpty();
    }
}
