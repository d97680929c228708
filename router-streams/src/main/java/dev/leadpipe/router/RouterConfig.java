package dev.leadpipe.router;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.LogAndFailExceptionHandler;
import org.apache.kafka.streams.errors.LogAndFailProcessingExceptionHandler;

import dev.leadpipe.core.KafkaSettings;
import dev.leadpipe.core.config.EnvReader;

/**
 * The router's settings. Every field but {@code bootstrapServers} has a default, applied when it is given as null
 * (or, for {@code numStreamThreads}, as 0); the constructor rejects values that cannot work with an
 * {@link IllegalArgumentException} whose message names the setting.
 *
 * <p>Build one with {@link #of(String)} and the {@code with...} methods, or read it with {@link #fromEnvironment()}.
 *
 * @param bootstrapServers the Kafka cluster ({@code host:port,...}); required
 * @param applicationId    the Streams application id, also the consumer group and the prefix of the router's
 *                         internal topics; default {@value #DEFAULT_APPLICATION_ID}
 * @param stateDir         where the de-duplication and destination stores live on local disk; default
 *                         {@code ${java.io.tmpdir}/leadpipe-router-state}. Two routers in one JVM (or on one machine
 *                         with the same application id) need different directories.
 * @param dedupWindow      how long a routed leadId is remembered: the same leadId again within this time is dropped
 *                         as a duplicate; default 7 days
 * @param numStreamThreads stream threads of this instance; default 1
 * @param commitInterval   how often Streams commits its transaction, which is also the delay before routed records
 *                         become visible to read_committed consumers; default 100 ms
 */
public record RouterConfig(String bootstrapServers, String applicationId, Path stateDir, Duration dedupWindow,
                           int numStreamThreads, Duration commitInterval) {

    public static final String DEFAULT_APPLICATION_ID = "leadpipe-router";
    public static final Duration DEFAULT_DEDUP_WINDOW = Duration.ofDays(7);
    public static final int DEFAULT_NUM_STREAM_THREADS = 1;
    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(100);

    /** Optional environment variables read by {@link #fromEnvironment()} besides {@code KAFKA_BOOTSTRAP_SERVERS}. */
    public static final String APPLICATION_ID_ENV = "ROUTER_APPLICATION_ID";
    public static final String STATE_DIR_ENV = "ROUTER_STATE_DIR";
    /** A duration such as {@code 7d}, {@code 12h} or ISO-8601 {@code P7D} ({@link EnvReader#parseDuration}). */
    public static final String DEDUP_WINDOW_ENV = "ROUTER_DEDUP_WINDOW";
    public static final String NUM_STREAM_THREADS_ENV = "ROUTER_NUM_STREAM_THREADS";
    public static final String COMMIT_INTERVAL_MS_ENV = "ROUTER_COMMIT_INTERVAL_MS";

    public RouterConfig {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers is required (host:port,...)");
        }
        bootstrapServers = bootstrapServers.trim();
        applicationId = applicationId == null || applicationId.isBlank() ? DEFAULT_APPLICATION_ID : applicationId.trim();
        stateDir = stateDir == null ? Path.of(System.getProperty("java.io.tmpdir"), "leadpipe-router-state") : stateDir;
        dedupWindow = dedupWindow == null ? DEFAULT_DEDUP_WINDOW : dedupWindow;
        if (dedupWindow.isNegative() || dedupWindow.isZero()) {
            throw new IllegalArgumentException("the de-duplication window must be positive");
        }
        numStreamThreads = numStreamThreads == 0 ? DEFAULT_NUM_STREAM_THREADS : numStreamThreads;
        if (numStreamThreads < 1) {
            throw new IllegalArgumentException("the number of stream threads must be at least 1");
        }
        commitInterval = commitInterval == null ? DEFAULT_COMMIT_INTERVAL : commitInterval;
        if (commitInterval.isNegative() || commitInterval.isZero()) {
            throw new IllegalArgumentException("the commit interval must be positive");
        }
    }

    /** The defaults for a cluster. */
    public static RouterConfig of(String bootstrapServers) {
        return new RouterConfig(bootstrapServers, null, null, null, 0, null);
    }

    /**
     * Reads the settings from the process environment: {@code KAFKA_BOOTSTRAP_SERVERS} (required), and optionally
     * {@value #APPLICATION_ID_ENV}, {@value #STATE_DIR_ENV}, {@value #DEDUP_WINDOW_ENV},
     * {@value #NUM_STREAM_THREADS_ENV} and {@value #COMMIT_INTERVAL_MS_ENV}.
     *
     * @throws IllegalArgumentException naming every missing or unreadable variable at once, on one line
     */
    public static RouterConfig fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** As {@link #fromEnvironment()}, reading the given variables instead of the process environment. */
    public static RouterConfig fromEnvironment(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        String bootstrap = r.kafkaBootstrapServers();
        Path stateDir = r.path(STATE_DIR_ENV);
        Duration dedupWindow = r.positiveDuration(DEDUP_WINDOW_ENV, DEFAULT_DEDUP_WINDOW, "7d");
        long threads = r.wholeNumber(NUM_STREAM_THREADS_ENV, DEFAULT_NUM_STREAM_THREADS, 1, Integer.MAX_VALUE);
        long commitMs = r.wholeNumber(COMMIT_INTERVAL_MS_ENV, DEFAULT_COMMIT_INTERVAL.toMillis(), 1, Integer.MAX_VALUE);
        r.throwIfProblems("router settings");
        return new RouterConfig(bootstrap, r.text(APPLICATION_ID_ENV), stateDir, dedupWindow, (int) threads,
                Duration.ofMillis(commitMs));
    }

    public RouterConfig withApplicationId(String id) {
        return new RouterConfig(bootstrapServers, id, stateDir, dedupWindow, numStreamThreads, commitInterval);
    }

    public RouterConfig withStateDir(Path dir) {
        return new RouterConfig(bootstrapServers, applicationId, dir, dedupWindow, numStreamThreads, commitInterval);
    }

    public RouterConfig withDedupWindow(Duration window) {
        return new RouterConfig(bootstrapServers, applicationId, stateDir, window, numStreamThreads, commitInterval);
    }

    public RouterConfig withNumStreamThreads(int threads) {
        return new RouterConfig(bootstrapServers, applicationId, stateDir, dedupWindow, threads, commitInterval);
    }

    public RouterConfig withCommitInterval(Duration interval) {
        return new RouterConfig(bootstrapServers, applicationId, stateDir, dedupWindow, numStreamThreads, interval);
    }

    /**
     * The Kafka Streams properties: exactly_once_v2, no default serdes (every topic names its own), internal topics
     * with {@link KafkaSettings#replicationFactor()}, and error handlers that never drop a record silently: a
     * record that cannot be produced, or an unexpected exception in a processor stops the stream thread with the
     * error logged, and {@link RouterApp} replaces the thread, which resumes from the last committed transaction.
     * No source record is unreadable to Kafka Streams: leads are read as bytes, and an unreadable destination reads
     * as no destination ({@link DestinationTableSerde}).
     */
    public Properties streamsProperties() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, numStreamThreads);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) KafkaSettings.replicationFactor());
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndFailExceptionHandler.class.getName());
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DefaultProductionExceptionHandler.class.getName());
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndFailProcessingExceptionHandler.class.getName());
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        return p;
    }

}
