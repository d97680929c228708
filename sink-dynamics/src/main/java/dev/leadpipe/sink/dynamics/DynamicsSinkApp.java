package dev.leadpipe.sink.dynamics;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.sink.runtime.SinkConfig;
import dev.leadpipe.sink.runtime.SinkRuntime;

/**
 * The Dynamics 365 sink: consumes {@code deliveries.dynamics} and upserts each lead into the publisher's Dataverse
 * environment, until SIGTERM / Ctrl-C. Configured by the shared sink variables ({@code KAFKA_BOOTSTRAP_SERVERS},
 * {@code SINK_*}; see {@link SinkConfig}), except that the concurrency per endpoint (one Dataverse user of one
 * environment) defaults to 52, Dataverse's concurrent-request limit per user, unless
 * {@code SINK_MAX_CONCURRENCY_PER_ENDPOINT} is set.
 *
 * <p>Operations: {@code /metrics} (Prometheus, service {@code sink-dynamics}), {@code /health/live} and
 * {@code /health/ready} on {@code OPS_HOST}:{@code OPS_PORT}, by default 127.0.0.1:9102
 * ({@link SinkRuntime#defaultOpsPort}; see {@code docs/monitoring.md}).
 */
public final class DynamicsSinkApp {
    /** Dataverse's service protection limit of concurrent requests per user. */
    public static final int DATAVERSE_CONCURRENCY_LIMIT = 52;

    private DynamicsSinkApp() {}

    public static void main(String[] args) {
        SinkRuntime.run(DestinationType.DYNAMICS, () -> config(System.getenv()), DynamicsDestinationClient::new);
    }

    static SinkConfig config(java.util.Map<String, String> env) {
        SinkConfig config = SinkConfig.DECLARATION.fromEnvironment(env);
        String cap = env.get(SinkConfig.MAX_CONCURRENCY_PER_ENDPOINT_ENV);
        return cap == null || cap.isBlank()
                ? config.withMaxConcurrencyPerEndpoint(DATAVERSE_CONCURRENCY_LIMIT)
                : config;
    }
}
