package dev.leadpipe.ingest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.config.SettingsDoc;
import dev.leadpipe.core.destination.DestinationAddresses;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IngestConfigTest {

    @Test
    void defaultsApplyWhenOnlyKafkaIsSet() {
        IngestConfig config = IngestConfig.DECLARATION.fromEnvironment(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092"));
        assertThat(config)
                .isEqualTo(new IngestConfig(
                        KafkaConnection.plaintext("kafka:9092"),
                        "127.0.0.1",
                        8080,
                        1000,
                        5L * 1024 * 1024,
                        256L * 1024,
                        Duration.ofSeconds(60),
                        DestinationAddresses.STRICT))
                .isEqualTo(IngestConfig.defaults("kafka:9092"));
    }

    @Test
    void everySettingIsRead() {
        IngestConfig config = IngestConfig.DECLARATION.fromEnvironment(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS",
                " a:1,b:2 ",
                "INGEST_HOST",
                "0.0.0.0",
                "INGEST_PORT",
                "0",
                "INGEST_MAX_BATCH_ITEMS",
                "50",
                "INGEST_MAX_BODY_BYTES",
                "2048",
                "INGEST_MAX_LEAD_BYTES",
                "1024",
                "INGEST_VALIDATION_TIMEOUT_SECONDS",
                "5",
                DestinationAddresses.ALLOWED_HOSTS_ENV,
                "127.0.0.1, crm.internal"));
        assertThat(config)
                .isEqualTo(new IngestConfig(
                        KafkaConnection.plaintext("a:1,b:2"),
                        "0.0.0.0",
                        0,
                        50,
                        2048,
                        1024,
                        Duration.ofSeconds(5),
                        DestinationAddresses.allowing("crm.internal,127.0.0.1")));
    }

    @Test
    void everyBadSettingIsReportedInOneMessage() {
        assertThatThrownBy(() -> IngestConfig.DECLARATION.fromEnvironment(Map.of(
                        "INGEST_PORT",
                        "70000",
                        "INGEST_MAX_BATCH_ITEMS",
                        "many",
                        "INGEST_MAX_BODY_BYTES",
                        "0",
                        "INGEST_MAX_LEAD_BYTES",
                        "1048576",
                        "KAFKA_REPLICATION_FACTOR",
                        "x",
                        "INGEST_VALIDATION_TIMEOUT_SECONDS",
                        "601")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS")
                .hasMessageContaining("INGEST_PORT")
                .hasMessageContaining("INGEST_MAX_BATCH_ITEMS")
                .hasMessageContaining("INGEST_MAX_BODY_BYTES")
                .hasMessageContaining("INGEST_MAX_LEAD_BYTES")
                .hasMessageContaining("KAFKA_REPLICATION_FACTOR")
                .hasMessageContaining("INGEST_VALIDATION_TIMEOUT_SECONDS must be a whole number from 1 to 600")
                .hasMessageNotContaining("many")
                .hasMessageNotContaining("601");
    }

    @Test
    void theConstructorRefusesBadValuesTooNamingAllOfThem() {
        assertThatThrownBy(() -> new IngestConfig(
                        KafkaConnection.plaintext(" "), "", -1, 0, 0, 0, Duration.ZERO, DestinationAddresses.STRICT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kafka (KAFKA_BOOTSTRAP_SERVERS)")
                .hasMessageContaining("host")
                .hasMessageContaining("port")
                .hasMessageContaining("maxBatchItems")
                .hasMessageContaining("maxBodyBytes")
                .hasMessageContaining("maxLeadBytes")
                .hasMessageContaining("validationTimeout (INGEST_VALIDATION_TIMEOUT_SECONDS)");
    }

    @Test
    void theDocumentedVariablesAreTheDeclaredOnes() {
        assertThat(SettingsDoc.differences(Path.of("../docs/api.md"), IngestConfig.SETTINGS, true))
                .as("docs/api.md against IngestConfig.SETTINGS")
                .isEmpty();
        assertThat(SettingsDoc.differences(Path.of("../deploy/README.md"), IngestConfig.SETTINGS, false))
                .as("deploy/README.md against IngestConfig.SETTINGS")
                .isEmpty();
    }
}
