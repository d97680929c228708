package dev.leadpipe.leadctl;

/**
 * The exit codes of every leadctl command, stable for scripts: 0 success; 1 not found, nothing matched where that is
 * an error, a refused confirmation or any other failure; 2 bad arguments (a usage error, printed as one line plus a
 * hint to {@code --help}); 3 Kafka, the ingest API or the status service unreachable or not answering in time;
 * 4 {@code dlq replay} stopped because another replay run took over a partition of {@code leads-dlq} (Kafka fenced
 * this run's transactional producer; what this run committed stays, the other run replays the rest of that partition);
 * 130 interrupted (Ctrl-C), after saving what was done.
 */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int NOT_FOUND = 1;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    public static final int KAFKA_UNREACHABLE = 3;
    public static final int FENCED = 4;
    public static final int INTERRUPTED = 130;

    private ExitCodes() {}
}
