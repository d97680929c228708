package dev.leadpipe.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.leadpipe.core.KafkaSettings;
import dev.leadpipe.core.config.EnvReader;

/**
 * How an {@link IngestService} runs: the Kafka cluster it writes to, the HTTP address it listens on and the limits it
 * enforces on request bodies. Every instance is valid: the constructor refuses bad values, naming every one of them
 * in a single {@link IllegalArgumentException}.
 *
 * @param bootstrapServers Kafka bootstrap servers ({@code KAFKA_BOOTSTRAP_SERVERS}); required
 * @param host             the address the HTTP server binds to ({@code INGEST_HOST}, default {@value #DEFAULT_HOST})
 * @param port             the HTTP port ({@code INGEST_PORT}, default {@value #DEFAULT_PORT}); 0 picks any free port,
 *                         see {@link IngestService#port()}
 * @param maxBatchItems    the most leads one batch request may hold ({@code INGEST_MAX_BATCH_ITEMS}, default
 *                         {@value #DEFAULT_MAX_BATCH_ITEMS})
 * @param maxBodyBytes     the largest request body accepted, in bytes ({@code INGEST_MAX_BODY_BYTES}, default 5 MiB)
 * @param validationTimeout how long validating or publishing a configuration waits for its test lead's outcome
 *                         ({@code INGEST_VALIDATION_TIMEOUT_SECONDS}, default 60 s); the answer is 504 after that
 */
public record IngestConfig(String bootstrapServers, String host, int port, int maxBatchItems, long maxBodyBytes,
                           Duration validationTimeout) {

    public static final String HOST_ENV = "INGEST_HOST";
    public static final String PORT_ENV = "INGEST_PORT";
    public static final String MAX_BATCH_ITEMS_ENV = "INGEST_MAX_BATCH_ITEMS";
    public static final String MAX_BODY_BYTES_ENV = "INGEST_MAX_BODY_BYTES";
    public static final String VALIDATION_TIMEOUT_ENV = "INGEST_VALIDATION_TIMEOUT_SECONDS";
    public static final Duration DEFAULT_VALIDATION_TIMEOUT = Duration.ofSeconds(60);

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MAX_BATCH_ITEMS = 1000;
    public static final long DEFAULT_MAX_BODY_BYTES = 5L * 1024 * 1024;
    /** Bodies are read into one byte array, so no limit may exceed what an array holds. */
    static final long MAX_BODY_BYTES_LIMIT = Integer.MAX_VALUE - 8;

    public IngestConfig {
        bootstrapServers = bootstrapServers == null ? null : bootstrapServers.trim();
        host = host == null ? null : host.trim();
        List<String> problems = new ArrayList<>();
        if (bootstrapServers == null || bootstrapServers.isEmpty()) {
            problems.add("bootstrapServers (" + KafkaSettings.BOOTSTRAP_ENV + ") is required");
        }
        if (host == null || host.isEmpty()) {
            problems.add("host (" + HOST_ENV + ") must not be blank");
        }
        checkRanges(port, maxBatchItems, maxBodyBytes, problems);
        validationTimeout = validationTimeout == null ? DEFAULT_VALIDATION_TIMEOUT : validationTimeout;
        if (validationTimeout.isNegative() || validationTimeout.isZero() || validationTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
            problems.add("validationTimeout (" + VALIDATION_TIMEOUT_ENV + ") must be from 1 to 600 seconds");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(message(problems));
        }
    }

    /** A configuration with the default validation timeout. */
    public IngestConfig(String bootstrapServers, String host, int port, int maxBatchItems, long maxBodyBytes) {
        this(bootstrapServers, host, port, maxBatchItems, maxBodyBytes, DEFAULT_VALIDATION_TIMEOUT);
    }

    /** The defaults with the given Kafka cluster: {@value #DEFAULT_HOST}:{@value #DEFAULT_PORT}, 1000 items, 5 MiB. */
    public static IngestConfig defaults(String bootstrapServers) {
        return new IngestConfig(bootstrapServers, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_MAX_BATCH_ITEMS, DEFAULT_MAX_BODY_BYTES);
    }

    public IngestConfig withHost(String newHost) {
        return new IngestConfig(bootstrapServers, newHost, port, maxBatchItems, maxBodyBytes, validationTimeout);
    }

    public IngestConfig withPort(int newPort) {
        return new IngestConfig(bootstrapServers, host, newPort, maxBatchItems, maxBodyBytes, validationTimeout);
    }

    public IngestConfig withMaxBatchItems(int newMaxBatchItems) {
        return new IngestConfig(bootstrapServers, host, port, newMaxBatchItems, maxBodyBytes, validationTimeout);
    }

    public IngestConfig withMaxBodyBytes(long newMaxBodyBytes) {
        return new IngestConfig(bootstrapServers, host, port, maxBatchItems, newMaxBodyBytes, validationTimeout);
    }

    public IngestConfig withValidationTimeout(Duration timeout) {
        return new IngestConfig(bootstrapServers, host, port, maxBatchItems, maxBodyBytes, timeout);
    }

    /** Reads the configuration from the process environment; see {@link #fromEnvironment(Map)}. */
    public static IngestConfig fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * Reads the configuration from the given environment: {@code KAFKA_BOOTSTRAP_SERVERS} (required),
     * {@code INGEST_HOST}, {@code INGEST_PORT}, {@code INGEST_MAX_BATCH_ITEMS}, {@code INGEST_MAX_BODY_BYTES},
     * {@code INGEST_VALIDATION_TIMEOUT_SECONDS}
     * (unset or blank means the default). {@code KAFKA_REPLICATION_FACTOR}, used when the topics are created, is
     * checked too.
     *
     * @throws IllegalArgumentException naming every bad or missing setting at once (never echoing a value)
     */
    public static IngestConfig fromEnvironment(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        String bootstrap = r.kafkaBootstrapServers();
        long port = r.wholeNumber(PORT_ENV, DEFAULT_PORT, 0, 65535);
        long items = r.wholeNumber(MAX_BATCH_ITEMS_ENV, DEFAULT_MAX_BATCH_ITEMS, 1, Integer.MAX_VALUE);
        long bytes = r.wholeNumber(MAX_BODY_BYTES_ENV, DEFAULT_MAX_BODY_BYTES, 1, MAX_BODY_BYTES_LIMIT);
        long validationSeconds = r.wholeNumber(VALIDATION_TIMEOUT_ENV, DEFAULT_VALIDATION_TIMEOUT.toSeconds(), 1, 600);
        r.throwIfProblems("ingest configuration");
        return new IngestConfig(bootstrap, r.text(HOST_ENV, DEFAULT_HOST), (int) port, (int) items, bytes,
                Duration.ofSeconds(validationSeconds));
    }

    private static void checkRanges(long port, long maxBatchItems, long maxBodyBytes, List<String> problems) {
        if (port < 0 || port > 65535) {
            problems.add("port (" + PORT_ENV + ") must be from 0 (any free port) to 65535");
        }
        if (maxBatchItems < 1 || maxBatchItems > Integer.MAX_VALUE) {
            problems.add("maxBatchItems (" + MAX_BATCH_ITEMS_ENV + ") must be at least 1");
        }
        if (maxBodyBytes < 1 || maxBodyBytes > MAX_BODY_BYTES_LIMIT) {
            problems.add("maxBodyBytes (" + MAX_BODY_BYTES_ENV + ") must be from 1 to " + MAX_BODY_BYTES_LIMIT);
        }
    }

    private static String message(List<String> problems) {
        return "invalid ingest configuration: " + String.join("; ", problems);
    }
}
