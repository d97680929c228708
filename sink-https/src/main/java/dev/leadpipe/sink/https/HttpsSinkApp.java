package dev.leadpipe.sink.https;

import dev.leadpipe.sink.runtime.SinkConfig;
import dev.leadpipe.sink.runtime.SinkRuntime;

/**
 * The HTTPS sink: consumes {@code deliveries.https} and POSTs each lead to its publisher's endpoint through
 * {@link HttpsDestinationClient}, until SIGTERM / Ctrl-C. Configured by the shared sink variables
 * ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code SINK_*}; see {@link SinkConfig}).
 */
public final class HttpsSinkApp {
    private HttpsSinkApp() {
    }

    public static void main(String[] args) {
        SinkRuntime.run(SinkConfig.fromEnvironment(System.getenv()), new HttpsDestinationClient());
    }
}
