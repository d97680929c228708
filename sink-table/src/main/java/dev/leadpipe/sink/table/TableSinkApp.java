package dev.leadpipe.sink.table;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.sink.runtime.SinkConfig;
import dev.leadpipe.sink.runtime.SinkRuntime;

/**
 * The Azure Table sink: consumes {@code deliveries.table} and upserts each lead into the publisher's
 * {@code MarketplaceLeads} table, leads of one offer and account together in batch transactions, until SIGTERM /
 * Ctrl-C. Configured by the shared sink variables ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code SINK_*}; see
 * {@link SinkConfig}), except that the concurrency per endpoint (one storage account) defaults to
 * {@value #DEFAULT_CONCURRENCY_PER_ENDPOINT} unless {@code SINK_MAX_CONCURRENCY_PER_ENDPOINT} is set, and by its own
 * {@link TableSinkConfig} ({@value TableSinkConfig#MAX_BATCH_ENV}).
 *
 * <p>Operations: {@code /metrics} (Prometheus, service {@code sink-table}), {@code /health/live} and
 * {@code /health/ready} on {@code OPS_HOST}:{@code OPS_PORT}, by default 127.0.0.1:9104
 * ({@link SinkRuntime#defaultOpsPort}; see {@code docs/monitoring.md}).
 */
public final class TableSinkApp {
    /**
     * Concurrent delivery calls per storage account: two full batches, so that while one transaction of an offer is
     * under way the next one gathers. The calls mostly wait for their batch, not on a connection of their own.
     */
    public static final int DEFAULT_CONCURRENCY_PER_ENDPOINT = 2 * TableDestinationClient.MAX_BATCH;

    private TableSinkApp() {}

    public static void main(String[] args) {
        AtomicReference<TableSinkConfig> table = new AtomicReference<>();
        SinkRuntime.run(
                DestinationType.TABLE,
                () -> settings(System.getenv(), table),
                () -> new TableDestinationClient(
                        TableDestinationClient.DEFAULT_TIMEOUT, table.get().maxBatch()));
    }

    /**
     * Reads the shared sink settings ({@link #config}) and the table sink's own into {@code table}.
     *
     * @throws IllegalArgumentException naming every bad variable of both, on one line
     */
    static SinkConfig settings(Map<String, String> env, AtomicReference<TableSinkConfig> table) {
        SinkConfig sink = null;
        String problems = null;
        try {
            sink = config(env);
        } catch (IllegalArgumentException e) {
            problems = e.getMessage();
        }
        try {
            table.set(TableSinkConfig.fromEnvironment(env));
        } catch (IllegalArgumentException e) {
            problems = problems == null ? e.getMessage() : problems + "; " + e.getMessage();
        }
        if (problems != null) {
            throw new IllegalArgumentException(problems);
        }
        return sink;
    }

    /** The shared sink settings, with the table sink's default concurrency per endpoint unless it is set. */
    static SinkConfig config(Map<String, String> env) {
        SinkConfig config = SinkConfig.DECLARATION.fromEnvironment(env);
        String cap = env.get(SinkConfig.MAX_CONCURRENCY_PER_ENDPOINT_ENV);
        return cap == null || cap.isBlank()
                ? config.withMaxConcurrencyPerEndpoint(DEFAULT_CONCURRENCY_PER_ENDPOINT)
                : config;
    }
}
