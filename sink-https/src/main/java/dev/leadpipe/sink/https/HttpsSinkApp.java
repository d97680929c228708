package dev.leadpipe.sink.https;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.sink.runtime.SinkConfig;
import dev.leadpipe.sink.runtime.SinkRuntime;

/**
 * The HTTPS sink: consumes {@code deliveries.https} and POSTs each lead to its publisher's endpoint through
 * {@link HttpsDestinationClient}, until SIGTERM / Ctrl-C. Configured by the shared sink variables
 * ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code SINK_*}; see {@link SinkConfig}).
 *
 * <p>Operations: {@code /metrics} (Prometheus, service {@code sink-https}), {@code /health/live} and
 * {@code /health/ready} on {@code OPS_HOST}:{@code OPS_PORT}, by default 127.0.0.1:9105
 * ({@link SinkRuntime#defaultOpsPort}; see {@code docs/monitoring.md}).
 */
public final class HttpsSinkApp {
    private HttpsSinkApp() {}

    public static void main(String[] args) {
        SinkRuntime.run(
                DestinationType.HTTPS,
                () -> SinkConfig.DECLARATION.fromEnvironment(System.getenv()),
                HttpsDestinationClient::new);
    }
}
