package dev.leadpipe.notifier;

import java.util.List;

import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.ServiceProcess;

/**
 * The notifier service as a process ({@link ServiceProcess}): reads {@link NotifierConfig} from the environment
 * ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code NOTIFIER_*}) and runs a {@link Notifier} and a {@link DestinationNotifier} until SIGTERM / Ctrl-C. A bad
 * configuration prints one readable line naming every bad variable (never a value) to standard error and exits with
 * code 2. Serves {@code /metrics} and {@code /health/*} on {@code OPS_HOST:OPS_PORT} (default
 * 127.0.0.1:{@value #DEFAULT_OPS_PORT}).
 */
public final class NotifierApp {
    /** The port of the notifier's ops server when {@code OPS_PORT} is not set. */
    public static final int DEFAULT_OPS_PORT = 9106;

    private NotifierApp() {}

    public static void main(String[] args) {
        ServiceProcess.run(
                Notifier.SERVICE,
                DEFAULT_OPS_PORT,
                () -> NotifierConfig.DECLARATION.fromEnvironment(System.getenv()),
                NotifierApp::start);
    }

    /** The lead notifications ({@link Notifier}) and the destination notices ({@link DestinationNotifier}), together. */
    static ServiceProcess.Service start(NotifierConfig config, Ops ops) {
        Notifier notifier = Notifier.start(config, ops);
        try {
            return new ServiceGroup(List.of(notifier, DestinationNotifier.start(config, ops)));
        } catch (RuntimeException e) {
            notifier.close();
            throw e;
        }
    }
}
