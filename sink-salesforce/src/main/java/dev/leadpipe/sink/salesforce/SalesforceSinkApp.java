package dev.leadpipe.sink.salesforce;

import dev.leadpipe.sink.runtime.SinkConfig;
import dev.leadpipe.sink.runtime.SinkRuntime;

/**
 * The Salesforce sink: consumes {@code deliveries.salesforce} and delivers each lead to the publisher's Salesforce
 * org (REST upsert on the external id, or Web-to-Lead; see {@link SalesforceDestinationClient}), until SIGTERM /
 * Ctrl-C. Configured by the shared sink variables only ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code SINK_*}; see
 * {@link SinkConfig}); every destination setting comes with the lead configuration.
 */
public final class SalesforceSinkApp {
    private SalesforceSinkApp() {
    }

    public static void main(String[] args) {
        SinkRuntime.run(SinkConfig.fromEnvironment(System.getenv()), new SalesforceDestinationClient());
    }
}
