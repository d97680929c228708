package dev.leadpipe.router;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.KafkaSettings;
import dev.leadpipe.core.config.Declaration;
import dev.leadpipe.core.config.DeclaredConfig;
import dev.leadpipe.core.config.Setting;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndFailExceptionHandler;

/**
 * The router's settings. Each is declared once, in {@link #SETTINGS} (variable, rule, default and description); the
 * constructor rejects values that cannot work with one {@link IllegalArgumentException} naming every bad setting.
 *
 * <p>Build one with {@link #of(String)} and {@link #with(Setting, Object)}, or read it with {@link #fromEnvironment(Map)}.
 *
 * @param kafka            how every Kafka client reaches the cluster: {@code KAFKA_BOOTSTRAP_SERVERS} (required) and the
 *                         security settings ({@link KafkaSettings#CONNECTION}); secrets masked when shown
 * @param applicationId    the Streams application id, also the consumer group and the prefix of the router's
 *                         internal topics; default {@code leadpipe-router}
 * @param stateDir         where the de-duplication and destination stores live on local disk; default
 *                         {@code ${java.io.tmpdir}/leadpipe-router-state}. Two routers in one JVM (or on one machine
 *                         with the same application id) need different directories.
 * @param dedupWindow      how long a routed leadId is remembered: the same leadId again within this time is dropped
 *                         as a duplicate; default 7 days
 * @param numStreamThreads stream threads of this instance; default 1
 * @param commitInterval   how often Streams commits its transaction, which is also the delay before routed records
 *                         become visible to read_committed consumers; default 100 ms
 */
public record RouterConfig(
        KafkaConnection kafka,
        String applicationId,
        Path stateDir,
        Duration dedupWindow,
        int numStreamThreads,
        Duration commitInterval)
        implements DeclaredConfig<RouterConfig> {

    /** The settings the router shares with every Kafka Streams service. */
    public static final KafkaSettings.StreamsSettings STREAMS = KafkaSettings.StreamsSettings.of(
            "ROUTER", "leadpipe-router", "where the de-duplication and destination stores live");

    public static final Setting<String> APPLICATION_ID = STREAMS.applicationId();
    public static final Setting<Path> STATE_DIR = STREAMS.stateDir();
    /** A duration such as {@code 7d}, {@code 12h} or ISO-8601 {@code P7D} ({@link Setting#parseDuration}). */
    public static final Setting<Duration> DEDUP_WINDOW = Setting.duration(
            "dedupWindow", "ROUTER_DEDUP_WINDOW", Duration.ofDays(7), "how long a lead id counts as a duplicate");

    public static final Setting<Integer> NUM_STREAM_THREADS =
            Setting.count("numStreamThreads", "ROUTER_NUM_STREAM_THREADS", 1, "stream threads of this instance");
    public static final Setting<Duration> COMMIT_INTERVAL = Setting.durationIn(
                    "commitInterval",
                    "ROUTER_COMMIT_INTERVAL_MS",
                    ChronoUnit.MILLIS,
                    1,
                    Integer.MAX_VALUE,
                    "how often Streams commits (and routed leads become visible)")
            .defaultsTo(Duration.ofMillis(100));

    /** The producer's {@code linger.ms}: see {@link #streamsProperties()}. */
    static final int PRODUCER_LINGER_MS = 5;
    /** The producer's {@code batch.size}. */
    static final int PRODUCER_BATCH_BYTES = 65_536;

    /** Every setting of the router, in the order of the components. */
    public static final List<Setting<?>> SETTINGS =
            STREAMS.followedBy(DEDUP_WINDOW, NUM_STREAM_THREADS, COMMIT_INTERVAL);

    public static final Declaration<RouterConfig> DECLARATION =
            new Declaration<>(RouterConfig.class, "router settings", SETTINGS);

    public RouterConfig {
        DECLARATION.check(kafka, applicationId, stateDir, dedupWindow, numStreamThreads, commitInterval);
    }

    /** The defaults for a cluster. */
    public static RouterConfig of(String bootstrapServers) {
        return of(KafkaConnection.plaintext(bootstrapServers));
    }

    /** As {@link #of(String)}, reaching Kafka through {@code kafka}. */
    public static RouterConfig of(KafkaConnection kafka) {
        return DECLARATION.build(KafkaSettings.CONNECTION, kafka);
    }

    /**
     * The Kafka Streams properties: {@link KafkaSettings#streamsProperties}' (exactly_once_v2; a record that cannot
     * be produced, or an unexpected exception in a processor, stops the stream thread, and {@link RouterApp} replaces
     * it), no default serdes (every topic names its own), and the router's stream threads. No source record is
     * unreadable to Kafka Streams: leads are read as bytes, and an unreadable destination reads as no destination
     * ({@link DestinationTableSerde}); should one be, the thread stops rather than skip it.
     *
     * <p>The producer sends within {@value #PRODUCER_LINGER_MS} ms (Kafka Streams' own default is 100 ms, the commit
     * interval) in batches of up to {@value #PRODUCER_BATCH_BYTES} bytes: a router writes three records per lead (the
     * delivery, {@code leads-routed}, the de-duplication changelog), and each commit of an exactly-once transaction
     * first waits until every record is acknowledged, so records held back until the commit stall the stream thread.
     */
    public Properties streamsProperties() {
        Properties p = KafkaSettings.streamsProperties(applicationId, kafka, stateDir, commitInterval);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, numStreamThreads);
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndFailExceptionHandler.class.getName());
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), PRODUCER_LINGER_MS);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_BYTES);
        return p;
    }

    /** Every setting, any {@code user:password@} part of the bootstrap servers masked. */
    @Override
    public String toString() {
        return DECLARATION.describe(this);
    }

    @Override
    public Declaration<RouterConfig> declaration() {
        return DECLARATION;
    }
}
