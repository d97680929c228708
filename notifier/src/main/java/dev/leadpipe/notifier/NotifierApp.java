package dev.leadpipe.notifier;

import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.OpsServer;

/**
 * The notifier service: reads {@link NotifierConfig} from the environment ({@code KAFKA_BOOTSTRAP_SERVERS},
 * {@code NOTIFIER_*}) and runs a {@link Notifier} until SIGTERM / Ctrl-C. A bad configuration prints one readable
 * line naming every bad variable (never a value) to standard error and exits with code 2. Serves {@code /metrics} and
 * {@code /health/*} on {@code OPS_HOST:OPS_PORT} (default 127.0.0.1:{@value #DEFAULT_OPS_PORT}).
 */
public final class NotifierApp {
    /** The port of the notifier's ops server when {@code OPS_PORT} is not set. */
    public static final int DEFAULT_OPS_PORT = 9106;

    private NotifierApp() {
    }

    public static void main(String[] args) {
        NotifierConfig config;
        try {
            config = NotifierConfig.fromEnvironment(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("notifier: " + e.getMessage());
            System.exit(2);
            return;
        }
        Ops ops = Ops.forService(Notifier.SERVICE);
        OpsServer server;
        try {
            server = OpsServer.startFromEnvironment(ops, DEFAULT_OPS_PORT);
        } catch (IllegalArgumentException e) {
            System.err.println("notifier: " + e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            ops.close();
        }, "notifier-ops-shutdown"));
        try {
            Notifier.run(config, ops);
        } catch (RuntimeException e) {
            // the ops server's threads would keep the process alive: exit, the hook closes the server
            System.err.println("notifier: " + e.getMessage());
            System.exit(1);
        }
    }
}
