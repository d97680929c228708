package dev.leadpipe.sink.table;

import java.nio.file.Path;
import java.util.Map;

import dev.leadpipe.core.config.SettingsDoc;
import dev.leadpipe.sink.runtime.SinkConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The table sink's settings: SINK_TABLE_MAX_BATCH, the concurrency default, and their docs. */
class TableSinkConfigTest {

    @Test
    void maxBatchDefaultsToAzuresLimitAndTakesOneToHundred() {
        assertThat(TableSinkConfig.fromEnvironment(Map.of()).maxBatch()).isEqualTo(100);
        assertThat(TableSinkConfig.fromEnvironment(Map.of("SINK_TABLE_MAX_BATCH", "1"))
                        .maxBatch())
                .isEqualTo(1);
        assertThat(TableSinkConfig.fromEnvironment(Map.of("SINK_TABLE_MAX_BATCH", " "))
                        .maxBatch())
                .isEqualTo(100);
        for (String bad : new String[] {"0", "101", "many"}) {
            assertThatThrownBy(() -> TableSinkConfig.fromEnvironment(Map.of("SINK_TABLE_MAX_BATCH", bad)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("SINK_TABLE_MAX_BATCH")
                    .hasMessageNotContaining("many");
        }
    }

    @Test
    void theClientBatchesAsConfigured() {
        try (TableDestinationClient client = new TableDestinationClient(TableDestinationClient.DEFAULT_TIMEOUT, 1)) {
            assertThat(client.maxBatch()).isEqualTo(1);
        }
        assertThatThrownBy(() -> new TableDestinationClient(TableDestinationClient.DEFAULT_TIMEOUT, 101))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concurrencyPerEndpointDefaultsToTwoBatchesUnlessSet() {
        Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
        assertThat(TableSinkApp.config(env).maxConcurrencyPerEndpoint()).isEqualTo(200);
        assertThat(TableSinkApp.config(Map.of(
                                "KAFKA_BOOTSTRAP_SERVERS",
                                "localhost:9092",
                                SinkConfig.MAX_CONCURRENCY_PER_ENDPOINT_ENV,
                                "8"))
                        .maxConcurrencyPerEndpoint())
                .isEqualTo(8);
    }

    @Test
    void badSinkAndTableVariablesAreReportedTogether() {
        java.util.concurrent.atomic.AtomicReference<TableSinkConfig> table =
                new java.util.concurrent.atomic.AtomicReference<>();
        assertThatThrownBy(() -> TableSinkApp.settings(Map.of("SINK_TABLE_MAX_BATCH", "0"), table))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS")
                .hasMessageContaining("SINK_TABLE_MAX_BATCH");

        SinkConfig sink = TableSinkApp.settings(
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092", "SINK_TABLE_MAX_BATCH", "1"), table);
        assertThat(sink.maxConcurrencyPerEndpoint()).isEqualTo(200);
        assertThat(table.get().maxBatch()).isEqualTo(1);
    }

    @Test
    void theDocsListEverySettingWithItsDefault() {
        assertThat(SettingsDoc.differences(Path.of("../docs/sink-table.md"), TableSinkConfig.SETTINGS, true))
                .isEmpty();
        assertThat(SettingsDoc.differences(Path.of("../deploy/README.md"), TableSinkConfig.SETTINGS, true))
                .isEmpty();
    }
}
