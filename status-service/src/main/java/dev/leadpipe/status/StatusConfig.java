package dev.leadpipe.status;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndFailProcessingExceptionHandler;

import dev.leadpipe.core.KafkaSettings;
import dev.leadpipe.core.config.EnvReader;

/**
 * The status service's settings. Every field but {@code bootstrapServers} has a default, applied when given as null
 * (numbers: 0, or -1 for the port); the constructor rejects values that cannot work with an
 * {@link IllegalArgumentException} naming the setting.
 *
 * <p>Build one with {@link #of(String)} and the {@code with...} methods, or read it with {@link #fromEnvironment()}.
 *
 * @param bootstrapServers  the Kafka cluster; required
 * @param applicationId     the Streams application id (also its consumer group and the prefix of its internal
 *                          topics); default {@value #DEFAULT_APPLICATION_ID}
 * @param stateDir          local directory of the state stores (rebuilt from their changelogs when lost); default
 *                          {@code ${java.io.tmpdir}/leadpipe-status-state}
 * @param host              address the HTTP server binds to; default {@value #DEFAULT_HOST}
 * @param port              HTTP port (0: any free port); default {@value #DEFAULT_PORT}
 * @param offerSeriesLimit  at most this many offers get {@code leadpipe_offer_*} series (worst first); default
 *                          {@value #DEFAULT_OFFER_SERIES_LIMIT}
 * @param commitInterval    how often Streams commits; default 100 ms
 * @param metricsRefresh    how often the gauges are recomputed from the stores; default 5 s
 * @param lagCacheTtl       how long consumer-group lag read from Kafka is reused; default 10 s
 * @param clock             "now" for the 24 h window and verdicts; default the system clock (UTC)
 */
public record StatusConfig(String bootstrapServers, String applicationId, Path stateDir, String host, int port,
                           int offerSeriesLimit, Duration commitInterval, Duration metricsRefresh,
                           Duration lagCacheTtl, Clock clock) {

    public static final String DEFAULT_APPLICATION_ID = "leadpipe-status";
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8090;
    public static final int DEFAULT_OFFER_SERIES_LIMIT = 500;
    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(100);
    public static final Duration DEFAULT_METRICS_REFRESH = Duration.ofSeconds(5);
    public static final Duration DEFAULT_LAG_CACHE_TTL = Duration.ofSeconds(10);

    public static final String HOST_ENV = "STATUS_HOST";
    public static final String PORT_ENV = "STATUS_PORT";
    public static final String STATE_DIR_ENV = "STATUS_STATE_DIR";
    public static final String OFFER_SERIES_LIMIT_ENV = "STATUS_OFFER_SERIES_LIMIT";
    public static final String APPLICATION_ID_ENV = "STATUS_APPLICATION_ID";

    public StatusConfig {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers is required (host:port,...)");
        }
        bootstrapServers = bootstrapServers.trim();
        applicationId = applicationId == null || applicationId.isBlank() ? DEFAULT_APPLICATION_ID : applicationId.trim();
        stateDir = stateDir == null ? Path.of(System.getProperty("java.io.tmpdir"), "leadpipe-status-state") : stateDir;
        host = host == null || host.isBlank() ? DEFAULT_HOST : host.trim();
        port = port == -1 ? DEFAULT_PORT : port;
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be from 0 (any free port) to 65535");
        }
        offerSeriesLimit = offerSeriesLimit == 0 ? DEFAULT_OFFER_SERIES_LIMIT : offerSeriesLimit;
        if (offerSeriesLimit < 1) {
            throw new IllegalArgumentException("offerSeriesLimit must be at least 1");
        }
        commitInterval = positive(commitInterval, DEFAULT_COMMIT_INTERVAL, "commitInterval");
        metricsRefresh = positive(metricsRefresh, DEFAULT_METRICS_REFRESH, "metricsRefresh");
        lagCacheTtl = lagCacheTtl == null ? DEFAULT_LAG_CACHE_TTL : lagCacheTtl;
        if (lagCacheTtl.isNegative()) {
            throw new IllegalArgumentException("lagCacheTtl must not be negative");
        }
        clock = clock == null ? Clock.systemUTC() : clock;
    }

    /** The defaults for a cluster. */
    public static StatusConfig of(String bootstrapServers) {
        return new StatusConfig(bootstrapServers, null, null, null, -1, 0, null, null, null, null);
    }

    /** Reads the process environment; see {@link #fromEnvironment(Map)}. */
    public static StatusConfig fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * Reads {@code KAFKA_BOOTSTRAP_SERVERS} (required), {@value #HOST_ENV}, {@value #PORT_ENV},
     * {@value #STATE_DIR_ENV}, {@value #OFFER_SERIES_LIMIT_ENV} and {@value #APPLICATION_ID_ENV} (unset or blank: the
     * default), and checks {@code KAFKA_REPLICATION_FACTOR}.
     *
     * @throws IllegalArgumentException naming every bad or missing setting at once (never echoing a value)
     */
    public static StatusConfig fromEnvironment(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        String bootstrap = r.kafkaBootstrapServers();
        long port = r.wholeNumber(PORT_ENV, DEFAULT_PORT, 0, 65535);
        long limit = r.wholeNumber(OFFER_SERIES_LIMIT_ENV, DEFAULT_OFFER_SERIES_LIMIT, 1, 100_000);
        Path dir = r.path(STATE_DIR_ENV);
        r.throwIfProblems("status configuration");
        return new StatusConfig(bootstrap, r.text(APPLICATION_ID_ENV), dir, r.text(HOST_ENV), (int) port, (int) limit,
                null, null, null, null);
    }

    public StatusConfig withApplicationId(String id) {
        return new StatusConfig(bootstrapServers, id, stateDir, host, port, offerSeriesLimit, commitInterval, metricsRefresh, lagCacheTtl, clock);
    }

    public StatusConfig withStateDir(Path dir) {
        return new StatusConfig(bootstrapServers, applicationId, dir, host, port, offerSeriesLimit, commitInterval, metricsRefresh, lagCacheTtl, clock);
    }

    public StatusConfig withHost(String newHost) {
        return new StatusConfig(bootstrapServers, applicationId, stateDir, newHost, port, offerSeriesLimit, commitInterval, metricsRefresh, lagCacheTtl, clock);
    }

    public StatusConfig withPort(int newPort) {
        return new StatusConfig(bootstrapServers, applicationId, stateDir, host, newPort, offerSeriesLimit, commitInterval, metricsRefresh, lagCacheTtl, clock);
    }

    public StatusConfig withOfferSeriesLimit(int limit) {
        return new StatusConfig(bootstrapServers, applicationId, stateDir, host, port, limit, commitInterval, metricsRefresh, lagCacheTtl, clock);
    }

    public StatusConfig withCommitInterval(Duration interval) {
        return new StatusConfig(bootstrapServers, applicationId, stateDir, host, port, offerSeriesLimit, interval, metricsRefresh, lagCacheTtl, clock);
    }

    public StatusConfig withMetricsRefresh(Duration refresh) {
        return new StatusConfig(bootstrapServers, applicationId, stateDir, host, port, offerSeriesLimit, commitInterval, refresh, lagCacheTtl, clock);
    }

    public StatusConfig withLagCacheTtl(Duration ttl) {
        return new StatusConfig(bootstrapServers, applicationId, stateDir, host, port, offerSeriesLimit, commitInterval, metricsRefresh, ttl, clock);
    }

    public StatusConfig withClock(Clock newClock) {
        return new StatusConfig(bootstrapServers, applicationId, stateDir, host, port, offerSeriesLimit, commitInterval, metricsRefresh, lagCacheTtl, newClock);
    }

    /**
     * The Kafka Streams properties: exactly_once_v2, no default serdes, internal topics with
     * {@link KafkaSettings#replicationFactor()}. An unreadable record on a source topic is logged and skipped (the
     * status is a view; the router dead-letters unreadable leads itself); a processing failure stops the thread,
     * which {@link StatusService} replaces.
     */
    public Properties streamsProperties() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) KafkaSettings.replicationFactor());
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class.getName());
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DefaultProductionExceptionHandler.class.getName());
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndFailProcessingExceptionHandler.class.getName());
        return p;
    }

    private static Duration positive(Duration d, Duration dflt, String name) {
        Duration v = d == null ? dflt : d;
        if (v.isNegative() || v.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
        return v;
    }
}
