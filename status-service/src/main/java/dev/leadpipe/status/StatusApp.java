package dev.leadpipe.status;

import dev.leadpipe.ops.ServiceProcess;

/**
 * The status service as a process ({@link ServiceProcess}): reads {@link StatusConfig#fromEnvironment(java.util.Map)}
 * ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code STATUS_HOST}, {@code STATUS_PORT}, {@code STATUS_STATE_DIR},
 * {@code STATUS_OFFER_SERIES_LIMIT}) and runs until SIGTERM / Ctrl-C, serving its API, page, {@code /metrics} and
 * {@code /health/*} on {@code STATUS_HOST:STATUS_PORT}. Exits 2 with one line naming every bad setting, 1 if it does
 * not start or stops for good.
 */
public final class StatusApp {
    private StatusApp() {}

    public static void main(String[] args) {
        ServiceProcess.runServingOwnOpsRoutes(
                "status", () -> StatusConfig.DECLARATION.fromEnvironment(System.getenv()), StatusService::start);
    }
}
