package dev.leadpipe.sink.table;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.sink.runtime.SinkConfig;
import dev.leadpipe.sink.runtime.SinkRuntime;

/**
 * The Azure Table sink: consumes {@code deliveries.table} and upserts each lead into the publisher's
 * {@code MarketplaceLeads} table, until SIGTERM / Ctrl-C. Configured by the shared sink variables
 * ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code SINK_*}; see {@link SinkConfig}).
 *
 * <p>Operations: {@code /metrics} (Prometheus, service {@code sink-table}), {@code /health/live} and
 * {@code /health/ready} on {@code OPS_HOST}:{@code OPS_PORT}, by default 127.0.0.1:9104
 * ({@link SinkRuntime#defaultOpsPort}; see {@code docs/monitoring.md}).
 */
public final class TableSinkApp {
    private TableSinkApp() {}

    public static void main(String[] args) {
        SinkRuntime.run(
                DestinationType.TABLE,
                () -> SinkConfig.DECLARATION.fromEnvironment(System.getenv()),
                TableDestinationClient::new);
    }
}
