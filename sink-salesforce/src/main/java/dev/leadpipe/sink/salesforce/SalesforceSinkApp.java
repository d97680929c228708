package dev.leadpipe.sink.salesforce;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.sink.runtime.SinkConfig;
import dev.leadpipe.sink.runtime.SinkRuntime;

/**
 * The Salesforce sink: consumes {@code deliveries.salesforce} and delivers each lead to the publisher's Salesforce
 * org (REST upsert on the external id, or Web-to-Lead; see {@link SalesforceDestinationClient}), until SIGTERM /
 * Ctrl-C. Configured by the shared sink variables only ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code SINK_*}; see
 * {@link SinkConfig}); every destination setting comes with the lead configuration.
 *
 * <p>Operations: {@code /metrics} (Prometheus, service {@code sink-salesforce}), {@code /health/live} and
 * {@code /health/ready} on {@code OPS_HOST}:{@code OPS_PORT}, by default 127.0.0.1:9103
 * ({@link SinkRuntime#defaultOpsPort}; see {@code docs/monitoring.md}).
 */
public final class SalesforceSinkApp {
    private SalesforceSinkApp() {}

    public static void main(String[] args) {
        SinkRuntime.run(
                DestinationType.SALESFORCE,
                () -> SinkConfig.DECLARATION.fromEnvironment(System.getenv()),
                SalesforceDestinationClient::new);
    }
}
