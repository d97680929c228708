package dev.leadpipe.ops;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import dev.leadpipe.ops.logging.LogConfig;
import org.apache.kafka.common.errors.AuthenticationException;

/**
 * How every leadpipe service runs as a process of its own, one way for all of them: read the settings from the
 * environment, start the operations server ({@code /metrics}, {@code /health/*} on {@code OPS_HOST:OPS_PORT}) unless
 * the service serves those routes itself, start the service (readiness is DOWN until it runs), then run until
 * SIGTERM / Ctrl-C, when a shutdown hook stops the service and then the operations server.
 *
 * <p>Exit codes, each failure with one line {@code "<service>: <why>"} on stderr and never a stack trace:
 * <ul>
 *   <li>2: the settings are missing or unreadable ({@link IllegalArgumentException} while reading or starting),
 *       the logging settings ({@link LogConfig}) included;</li>
 *   <li>1: the service could not start, or stopped for good by itself (its {@link Service#failure()});</li>
 *   <li>after a signal: the JVM's own (143 for SIGTERM), once the service has stopped.</li>
 * </ul>
 */
public final class ServiceProcess {

    /** A started service, as its process sees it. */
    public interface Service extends AutoCloseable {
        /** Blocks until the service has stopped: after {@link #close()}, or by itself. */
        void awaitTermination() throws InterruptedException;

        /** Why the service stopped by itself, in one line without secrets; null when it did not fail. */
        String failure();

        /** Stops the service; idempotent. */
        @Override
        void close();
    }

    /** Starts the service with its settings, its meters and readiness on {@code ops}. */
    @FunctionalInterface
    public interface Starter<C> {
        Service start(C settings, Ops ops);
    }

    private ServiceProcess() {}

    /**
     * Runs a service that gets an operations server of its own, on 127.0.0.1:{@code defaultOpsPort} unless
     * {@code OPS_HOST} / {@code OPS_PORT} say otherwise. Returns only after a signal; exits the JVM on failure.
     *
     * @param service  the service's name, as its meters' {@code service} tag and its error lines show it
     * @param settings reads the settings from the environment, throwing {@link IllegalArgumentException} naming
     *                 every problem
     */
    public static <C> void run(String service, int defaultOpsPort, Supplier<C> settings, Starter<C> starter) {
        run(service, settings, starter, defaultOpsPort, true);
    }

    /** As {@link #run(String, int, Supplier, Starter)}, for a service that serves the operations routes itself. */
    public static <C> void runServingOwnOpsRoutes(String service, Supplier<C> settings, Starter<C> starter) {
        run(service, settings, starter, 0, false);
    }

    private static <C> void run(
            String service, Supplier<C> settings, Starter<C> starter, int defaultOpsPort, boolean ownOpsServer) {
        String logProblem = logSettingsProblem();
        C config;
        try {
            config = settings.get();
        } catch (IllegalArgumentException e) {
            exit(2, service, logProblem == null ? e.getMessage() : logProblem + "; " + e.getMessage());
            return;
        }
        if (logProblem != null) {
            exit(2, service, logProblem);
            return;
        }
        Ops ops = Ops.forService(service);
        OpsServer server = null;
        Service running;
        try {
            if (ownOpsServer) {
                server = OpsServer.startFromEnvironment(ops, defaultOpsPort);
            }
            running = starter.start(config, ops);
        } catch (IllegalArgumentException e) {
            closeQuietly(server, ops);
            exit(2, service, e.getMessage());
            return;
        } catch (RuntimeException e) {
            closeQuietly(server, ops);
            exit(1, service, "did not start: " + whyNotStarted(e));
            return;
        }
        OpsServer startedServer = server;
        AtomicBoolean signalled = new AtomicBoolean();
        Thread hook = new Thread(
                () -> {
                    signalled.set(true);
                    try {
                        running.close();
                    } finally {
                        closeQuietly(startedServer, ops);
                    }
                },
                service + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            running.awaitTermination();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (signalled.get()) {
            return; // the hook stops everything; the JVM waits for it before exiting
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            return; // a signal arrived meanwhile: the hook stops everything
        }
        String failure = running.failure();
        running.close();
        closeQuietly(startedServer, ops);
        exit(1, service, failure == null ? "stopped by itself" : failure);
    }

    /**
     * The start-up failure in one line: Kafka refusing the service's credentials (SASL) or its TLS handshake is named
     * as such, with Kafka's own message (which never holds the password); anything else is its message.
     */
    static String whyNotStarted(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AuthenticationException auth) {
                return "Kafka refused the connection (" + auth.getClass().getSimpleName() + "): " + auth.getMessage()
                        + "; check the KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_* and KAFKA_SSL_* settings";
            }
        }
        return e.getMessage();
    }

    /** Why {@code LEADPIPE_LOG_FORMAT} / {@code LEADPIPE_LOG_LEVEL} are unreadable, or null ({@link LogConfig}). */
    private static String logSettingsProblem() {
        try {
            LogConfig.DECLARATION.fromEnvironment(System.getenv());
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static void closeQuietly(OpsServer server, Ops ops) {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            ops.close();
        }
    }

    private static void exit(int code, String service, String why) {
        PrintStream err = System.err;
        err.println(service + ": "
                + (why == null ? "failed" : why.replace('\n', ' ').replace('\r', ' ')));
        err.flush();
        System.exit(code);
    }
}
