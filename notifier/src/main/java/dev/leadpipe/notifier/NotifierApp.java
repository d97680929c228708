package dev.leadpipe.notifier;

/**
 * The notifier service: reads {@link NotifierConfig} from the environment ({@code KAFKA_BOOTSTRAP_SERVERS},
 * {@code NOTIFIER_*}) and runs a {@link Notifier} until SIGTERM / Ctrl-C. A bad configuration prints one readable
 * line naming every bad variable (never a value) to standard error and exits with code 2.
 */
public final class NotifierApp {
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
        Notifier.run(config);
    }
}
