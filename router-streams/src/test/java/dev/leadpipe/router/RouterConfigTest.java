package dev.leadpipe.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class RouterConfigTest {

    @Test
    void appliesTheDefaults() {
        RouterConfig config = RouterConfig.of(" localhost:9092 ");
        assertThat(config.bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(config.applicationId()).isEqualTo("leadpipe-router");
        assertThat(config.dedupWindow()).isEqualTo(Duration.ofDays(7));
        assertThat(config.numStreamThreads()).isEqualTo(1);
        assertThat(config.commitInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.stateDir()).isNotNull();
    }

    @Test
    void readsTheEnvironment() {
        RouterConfig config = RouterConfig.fromEnvironment(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "broker:9092",
                RouterConfig.APPLICATION_ID_ENV, "router-b",
                RouterConfig.STATE_DIR_ENV, "/var/lib/router",
                RouterConfig.DEDUP_WINDOW_ENV, "PT12H",
                RouterConfig.NUM_STREAM_THREADS_ENV, "3",
                RouterConfig.COMMIT_INTERVAL_MS_ENV, "250"));
        assertThat(config).isEqualTo(new RouterConfig("broker:9092", "router-b", Path.of("/var/lib/router"),
                Duration.ofHours(12), 3, Duration.ofMillis(250)));
    }

    @Test
    void rejectsEveryMissingOrUnreadableSettingTogetherInOneLine() {
        assertThatThrownBy(() -> RouterConfig.fromEnvironment(Map.of("KAFKA_BOOTSTRAP_SERVERS", " ",
                RouterConfig.DEDUP_WINDOW_ENV, "7 weeks", RouterConfig.NUM_STREAM_THREADS_ENV, "-1",
                RouterConfig.COMMIT_INTERVAL_MS_ENV, "fast", "KAFKA_REPLICATION_FACTOR", "0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid router settings: KAFKA_BOOTSTRAP_SERVERS is not set")
                .hasMessageContainingAll(RouterConfig.DEDUP_WINDOW_ENV + " must be a positive duration",
                        RouterConfig.NUM_STREAM_THREADS_ENV + " must be a whole number of at least 1",
                        RouterConfig.COMMIT_INTERVAL_MS_ENV + " must be a whole number of at least 1",
                        "KAFKA_REPLICATION_FACTOR must be a whole number from 1")
                .hasMessageNotContaining("\n").hasMessageNotContaining("weeks").hasMessageNotContaining("fast");
    }

    @Test
    void theDedupWindowMayBeWrittenShort() {
        assertThat(RouterConfig.fromEnvironment(Map.of("KAFKA_BOOTSTRAP_SERVERS", "b:1",
                RouterConfig.DEDUP_WINDOW_ENV, "3d")).dedupWindow()).isEqualTo(Duration.ofDays(3));
    }

    @Test
    void streamsPropertiesAreExactlyOnceWithoutDefaultSerdes() {
        Properties p = RouterConfig.of("broker:9092").withApplicationId("r1").withStateDir(Path.of("/tmp/r1"))
                .streamsProperties();
        assertThat(p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(p.get(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("r1");
        assertThat(p.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)).isEqualTo("broker:9092");
        assertThat(p.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(100L);
        assertThat(p).doesNotContainKeys(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG,
                StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG);
        new StreamsConfig(p); // every value is acceptable to Streams
    }
}
