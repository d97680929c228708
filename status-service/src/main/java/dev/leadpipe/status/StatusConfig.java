package dev.leadpipe.status;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.KafkaSettings;
import dev.leadpipe.core.config.Declaration;
import dev.leadpipe.core.config.DeclaredConfig;
import dev.leadpipe.core.config.Setting;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/**
 * The status service's settings. Each is declared once, in {@link #SETTINGS} (variable, rule, default and
 * description); the constructor rejects values that cannot work with one {@link IllegalArgumentException} naming every
 * bad setting.
 *
 * <p>Build one with {@link #of(String)} and {@link #with(Setting, Object)}, or read it with
 * {@link #fromEnvironment(Map)}.
 *
 * @param kafka             how every Kafka client reaches the cluster: {@code KAFKA_BOOTSTRAP_SERVERS} (required) and the
 *                          security settings ({@link KafkaSettings#CONNECTION}); secrets masked when shown
 * @param applicationId     the Streams application id (also its consumer group and the prefix of its internal
 *                          topics); default {@code leadpipe-status}
 * @param stateDir          local directory of the state stores (rebuilt from their changelogs when lost); default
 *                          {@code ${java.io.tmpdir}/leadpipe-status-state}
 * @param host              address the HTTP server binds to; default 127.0.0.1
 * @param port              HTTP port (0: any free port); default {@value #DEFAULT_PORT}
 * @param offerSeriesLimit  at most this many offers get {@code leadpipe_offer_*} series (worst first); default 500
 * @param commitInterval    how often Streams commits; default 100 ms
 * @param metricsRefresh    how often the gauges are recomputed from the stores; default 5 s
 * @param lagCacheTtl       how long consumer-group lag read from Kafka is reused; default 10 s
 */
public record StatusConfig(
        KafkaConnection kafka,
        String applicationId,
        Path stateDir,
        String host,
        int port,
        int offerSeriesLimit,
        Duration commitInterval,
        Duration metricsRefresh,
        Duration lagCacheTtl)
        implements DeclaredConfig<StatusConfig> {

    public static final int DEFAULT_PORT = 8090;

    /** The settings the status service shares with every Kafka Streams service. */
    public static final KafkaSettings.StreamsSettings STREAMS = KafkaSettings.StreamsSettings.of(
            "STATUS",
            "leadpipe-status",
            "local directory of the state stores (rebuilt from their changelogs when lost)");

    public static final Setting<String> APPLICATION_ID = STREAMS.applicationId();
    public static final Setting<Path> STATE_DIR = STREAMS.stateDir();
    public static final Setting<String> HOST = Setting.host("host", "STATUS_HOST", "address the HTTP server binds to");
    public static final Setting<Integer> PORT = Setting.listenPort(
            "port",
            "STATUS_PORT",
            DEFAULT_PORT,
            "HTTP port of the status API, operator page and metrics (0: any free port)");
    public static final Setting<Integer> OFFER_SERIES_LIMIT = Setting.wholeNumber(
                    "offerSeriesLimit",
                    "STATUS_OFFER_SERIES_LIMIT",
                    1,
                    100_000,
                    "at most this many offers get leadpipe_offer_* series")
            .defaultsTo(500);
    public static final Setting<Duration> COMMIT_INTERVAL = Setting.duration(
            "commitInterval", "STATUS_COMMIT_INTERVAL", Duration.ofMillis(100), "how often Streams commits");
    public static final Setting<Duration> METRICS_REFRESH = Setting.duration(
            "metricsRefresh", "STATUS_METRICS_REFRESH", Duration.ofSeconds(5), "how often the gauges are recomputed");
    public static final Setting<Duration> LAG_CACHE_TTL = Setting.of(
                    "lagCacheTtl",
                    "STATUS_LAG_CACHE_TTL",
                    Setting::parseDuration,
                    "a duration of zero or more such as 10s " + Setting.DURATION_SYNTAX,
                    d -> !d.isNegative(),
                    "how long consumer-group lag read from Kafka is reused")
            .shownAs(Setting::formatDuration)
            .defaultsTo(Duration.ofSeconds(10));

    /** Every setting of the status service, in the order of the components. */
    public static final List<Setting<?>> SETTINGS =
            STREAMS.followedBy(HOST, PORT, OFFER_SERIES_LIMIT, COMMIT_INTERVAL, METRICS_REFRESH, LAG_CACHE_TTL);

    public static final Declaration<StatusConfig> DECLARATION =
            new Declaration<>(StatusConfig.class, "status configuration", SETTINGS);

    public StatusConfig {
        DECLARATION.check(
                kafka,
                applicationId,
                stateDir,
                host,
                port,
                offerSeriesLimit,
                commitInterval,
                metricsRefresh,
                lagCacheTtl);
    }

    /** The defaults for a cluster. */
    public static StatusConfig of(String bootstrapServers) {
        return of(KafkaConnection.plaintext(bootstrapServers));
    }

    /** As {@link #of(String)}, reaching Kafka through {@code kafka}. */
    public static StatusConfig of(KafkaConnection kafka) {
        return DECLARATION.build(KafkaSettings.CONNECTION, kafka);
    }

    /**
     * The Kafka Streams properties: exactly_once_v2, no default serdes, internal topics with
     * {@link KafkaSettings#replicationFactor()}. An unreadable record on a source topic is logged and skipped (the
     * status is a view; the router dead-letters unreadable leads itself); a processing failure stops the thread,
     * which {@link StatusService} replaces.
     */
    public Properties streamsProperties() {
        Properties p = KafkaSettings.streamsProperties(applicationId, kafka, stateDir, commitInterval);
        p.put(
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueExceptionHandler.class.getName());
        return p;
    }

    /** Every setting, any {@code user:password@} part of the bootstrap servers masked. */
    @Override
    public String toString() {
        return DECLARATION.describe(this);
    }

    @Override
    public Declaration<StatusConfig> declaration() {
        return DECLARATION;
    }
}
