package dev.leadpipe.ingest;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.KafkaSettings;
import dev.leadpipe.core.config.Declaration;
import dev.leadpipe.core.config.DeclaredConfig;
import dev.leadpipe.core.config.Setting;
import dev.leadpipe.core.destination.DestinationAddresses;

/**
 * How an {@link IngestService} runs: the Kafka cluster it writes to, the HTTP address it listens on and the limits it
 * enforces on request bodies. Every instance is valid: the constructor refuses bad values, naming every one of them
 * in a single {@link IllegalArgumentException}. Each setting is declared once, in {@link #SETTINGS}; build one with
 * {@link #defaults(String)} and {@link #with(Setting, Object)}, or read it with {@link #fromEnvironment(Map)}.
 *
 * @param kafka            how every Kafka client reaches the cluster: {@code KAFKA_BOOTSTRAP_SERVERS} (required) and the
 *                         security settings ({@link KafkaSettings#CONNECTION}); secrets masked when shown
 * @param host             the address the HTTP server binds to ({@code INGEST_HOST}, default 127.0.0.1)
 * @param port             the HTTP port ({@code INGEST_PORT}, default 8080); 0 picks any free port,
 *                         see {@link IngestService#port()}
 * @param maxBatchItems    the most leads one batch request may hold ({@code INGEST_MAX_BATCH_ITEMS}, default
 *                         1000)
 * @param maxBodyBytes     the largest request body accepted, in bytes ({@code INGEST_MAX_BODY_BYTES}, default 5 MiB)
 * @param maxLeadBytes     the largest lead accepted, in bytes of its serialized form on the {@code leads} topic
 *                         ({@code INGEST_MAX_LEAD_BYTES}, default 256 KiB, at most 768 KiB): well below Kafka's
 *                         default 1 MiB message size, so the lead's dead-letter record, its headers included, always
 *                         fits
 * @param validationTimeout how long validating or publishing a configuration waits for its test lead's outcome
 *                         ({@code INGEST_VALIDATION_TIMEOUT_SECONDS}, default 60 s); the answer is 504 after that
 * @param allowedHosts     the destination allow-list a saved configuration's hosts are checked against
 *                         ({@code DESTINATION_ALLOWED_HOSTS}, default none; see {@link DestinationAddresses})
 */
public record IngestConfig(
        KafkaConnection kafka,
        String host,
        int port,
        int maxBatchItems,
        long maxBodyBytes,
        long maxLeadBytes,
        Duration validationTimeout,
        DestinationAddresses allowedHosts)
        implements DeclaredConfig<IngestConfig> {

    /** Bodies are read into one byte array, so no limit may exceed what an array holds. */
    static final long MAX_BODY_BYTES_LIMIT = Integer.MAX_VALUE - 8;

    public static final Setting<String> HOST =
            Setting.host("host", "INGEST_HOST", "the address the HTTP server binds to");
    public static final Setting<Integer> PORT =
            Setting.listenPort("port", "INGEST_PORT", 8080, "the HTTP port (0: any free port)");
    public static final Setting<Integer> MAX_BATCH_ITEMS =
            Setting.count("maxBatchItems", "INGEST_MAX_BATCH_ITEMS", 1000, "most leads in one batch");
    public static final Setting<Long> MAX_BODY_BYTES = Setting.longNumber(
                    "maxBodyBytes", "INGEST_MAX_BODY_BYTES", 1, MAX_BODY_BYTES_LIMIT, "largest request body")
            .defaultsTo(5L * 1024 * 1024)
            .documentedDefault("5 MiB");
    /** Kafka's default largest message is 1 MiB; a dead letter adds up to a few KiB of headers to the lead. */
    static final long MAX_LEAD_BYTES_LIMIT = 768L * 1024;

    public static final Setting<Long> MAX_LEAD_BYTES = Setting.longNumber(
                    "maxLeadBytes",
                    "INGEST_MAX_LEAD_BYTES",
                    1,
                    MAX_LEAD_BYTES_LIMIT,
                    "largest lead once serialized (at most 768 KiB), so its dead-letter record fits a Kafka message")
            .defaultsTo(256L * 1024)
            .documentedDefault("256 KiB");
    public static final Setting<Duration> VALIDATION_TIMEOUT = Setting.durationIn(
                    "validationTimeout",
                    "INGEST_VALIDATION_TIMEOUT_SECONDS",
                    ChronoUnit.SECONDS,
                    1,
                    600,
                    "how long validate and publish wait for the test lead's outcome before answering 504")
            .defaultsTo(Duration.ofSeconds(60));

    /** Every setting of the ingest service, in the order of the components. */
    public static final List<Setting<?>> SETTINGS = KafkaSettings.serviceSettings(
            HOST,
            PORT,
            MAX_BATCH_ITEMS,
            MAX_BODY_BYTES,
            MAX_LEAD_BYTES,
            VALIDATION_TIMEOUT,
            DestinationAddresses.ALLOWED_HOSTS);

    public static final Declaration<IngestConfig> DECLARATION =
            new Declaration<>(IngestConfig.class, "ingest configuration", SETTINGS);

    public IngestConfig {
        DECLARATION.check(
                kafka, host, port, maxBatchItems, maxBodyBytes, maxLeadBytes, validationTimeout, allowedHosts);
    }

    /** The defaults with the given Kafka cluster: 127.0.0.1:8080, 1000 items, 5 MiB bodies, 256 KiB leads, 60 s. */
    public static IngestConfig defaults(String bootstrapServers) {
        return defaults(KafkaConnection.plaintext(bootstrapServers));
    }

    /** As {@link #defaults(String)}, reaching Kafka through {@code kafka}. */
    public static IngestConfig defaults(KafkaConnection kafka) {
        return DECLARATION.build(KafkaSettings.CONNECTION, kafka);
    }

    /** Every setting, any {@code user:password@} part of the bootstrap servers masked. */
    @Override
    public String toString() {
        return DECLARATION.describe(this);
    }

    @Override
    public Declaration<IngestConfig> declaration() {
        return DECLARATION;
    }
}
