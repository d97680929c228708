package dev.leadpipe.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class IngestConfigTest {

    @Test
    void defaultsApplyWhenOnlyKafkaIsSet() {
        IngestConfig config = IngestConfig.fromEnvironment(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092"));
        assertThat(config).isEqualTo(new IngestConfig("kafka:9092", "127.0.0.1", 8080, 1000, 5L * 1024 * 1024));
    }

    @Test
    void everySettingIsRead() {
        IngestConfig config = IngestConfig.fromEnvironment(Map.of("KAFKA_BOOTSTRAP_SERVERS", " a:1,b:2 ",
                "INGEST_HOST", "0.0.0.0", "INGEST_PORT", "0", "INGEST_MAX_BATCH_ITEMS", "50", "INGEST_MAX_BODY_BYTES", "2048"));
        assertThat(config).isEqualTo(new IngestConfig("a:1,b:2", "0.0.0.0", 0, 50, 2048));
    }

    @Test
    void everyBadSettingIsReportedInOneMessage() {
        assertThatThrownBy(() -> IngestConfig.fromEnvironment(Map.of("INGEST_PORT", "70000",
                "INGEST_MAX_BATCH_ITEMS", "many", "INGEST_MAX_BODY_BYTES", "0", "KAFKA_REPLICATION_FACTOR", "x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS")
                .hasMessageContaining("INGEST_PORT")
                .hasMessageContaining("INGEST_MAX_BATCH_ITEMS")
                .hasMessageContaining("INGEST_MAX_BODY_BYTES")
                .hasMessageContaining("KAFKA_REPLICATION_FACTOR")
                .hasMessageNotContaining("many");
    }

    @Test
    void theConstructorRefusesBadValuesTooNamingAllOfThem() {
        assertThatThrownBy(() -> new IngestConfig(" ", "", -1, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bootstrapServers").hasMessageContaining("host").hasMessageContaining("port")
                .hasMessageContaining("maxBatchItems").hasMessageContaining("maxBodyBytes");
    }
}
