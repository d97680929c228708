package dev.leadpipe.bench;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What a {@link Stage} gets from the run: the broker every stage shares (a real KRaft broker in a JVM of its own),
 * the service JVMs it may start, lead-sized sample records, a work folder, and a volume scale.
 */
public interface Bench {

    /** The broker's bootstrap servers (PLAINTEXT, loopback). */
    String bootstrapServers();

    /** A fresh folder of this run for the stage's files. */
    Path workDir(String name);

    /**
     * Starts one leadpipe service from its runnable jar in a JVM of its own ({@code java -jar
     * <module>/target/<module>-<version>.jar}, as {@code bin/leadpipe SERVICE} does), with the broker's bootstrap
     * servers and {@code env} on top of a cleared environment, and waits until its {@code /health/ready} answers.
     *
     * @param service as bin/leadpipe names it: ingest, router, sink-https, sink-table, notifier, …
     * @param heap    the JVM's {@code -Xmx}, e.g. "256m"
     */
    ServiceJvm start(String service, Map<String, String> env, String heap) throws Exception;

    /** Lead-sized records shaped like the sample feed, with the same spread of sizes. */
    SampleLeads leads();

    /** 1.0 for the full run; smaller for a quick run (CI's smoke), which multiplies every volume and duration. */
    double scale();

    /** One progress line on stderr. */
    void progress(String line);

    /**
     * An operator API key (every role) that every service this run starts accepts: ingest's {@code Authorization:
     * Bearer <key>}, and {@code /metrics} of any service.
     */
    String apiKey();

    /**
     * Shares a value with the stages that run after this one and with the doc writer, under {@code key}: the
     * ceiling's records/s that ingest compares with ({@link Shared}), end to end's latency points for the chart.
     */
    void share(String key, Object value);

    /** A value {@link #share}d earlier in this run under {@code key}, if any and of {@code type}. */
    <T> Optional<T> shared(String key, Class<T> type);

    /** The keys of values stages share (see {@link #share}). */
    final class Shared {
        private Shared() {}

        /** Double: ProducerPerformance records/s (lead-sized records, acks=all, idempotent, 6 partitions). */
        public static final String PRODUCER_RECORDS_PER_SECOND = "ceiling.producer.records-per-second";
        /** Double: ConsumerPerformance records/s on the same records. */
        public static final String CONSUMER_RECORDS_PER_SECOND = "ceiling.consumer.records-per-second";
        /** {@code LatencyPoints}: end to end's ingest→DELIVERED latency per offered rate, for the chart. */
        public static final String END_TO_END_LATENCY = "end-to-end.latency";
    }
}
