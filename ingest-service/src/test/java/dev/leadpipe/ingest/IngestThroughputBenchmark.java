package dev.leadpipe.ingest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.ops.testing.TestKeys;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * How fast ingest takes leads over HTTP, against Kafka's own producer on the same broker in the same run: a
 * {@code KafkaProducer} (acks=all, idempotent, otherwise defaults, as {@code ProducerPerformance} runs it) writing
 * the very records ingest writes to {@code leads} (6 partitions) as fast as it can. Leads are the sample feed's
 * ({@code deploy/local/sample-feed.ndjson}), each made unique, without a leadId (ingest derives it).
 * <ul>
 *   <li>batch: {@value #BATCH_CONNECTIONS} keep-alive connections, each posting NDJSON batches of
 *       {@value #BATCH_SIZE} leads to {@code /v1/leads/batch};</li>
 *   <li>single: {@code benchmark.connections} (default 64; a comma list runs each) keep-alive connections, each
 *       posting one lead at a time to {@code /v1/leads}, for {@code benchmark.seconds} (default 15) after a warm-up.</li>
 * </ul>
 * Run with {@code -Dbenchmarks=true}; prints leads/s, p50/p99 per request and the ratio to the producer's records/s
 * (measured before and after each phase, the mean of the two taken). {@code -Dbenchmark.jfr=single|batch} records that phase with JFR's
 * profile settings to {@code target/ingest-<phase>.jfr}.
 */
class IngestThroughputBenchmark {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static final int BATCH_CONNECTIONS = 4;
    static final int BATCH_SIZE = 1000;
    static final int BATCHES = Integer.getInteger("benchmark.batches", 240);
    static final int PRODUCER_RECORDS = Integer.getInteger("benchmark.records", 300_000);
    static final int SECONDS = Integer.getInteger("benchmark.seconds", 15);
    static final String JFR = System.getProperty("benchmark.jfr", "");
    private static final AtomicLong SEQUENCE = new AtomicLong();

    @Test
    void leadsPerSecondAgainstTheProducer() throws Exception {
        assumeTrue(Boolean.getBoolean("benchmarks"), "benchmarks run with -Dbenchmarks=true");
        List<String> feed = Files.readAllLines(Path.of("..", "deploy", "local", "sample-feed.ndjson")).stream()
                .filter(l -> !l.isBlank())
                .filter(IngestThroughputBenchmark::valid)
                .toList();
        String key = TestKeys.operator(KAFKA.bootstrapServers());
        try (IngestService service = IngestService.start(
                IngestConfig.defaults(KAFKA.bootstrapServers()).with(IngestConfig.PORT, 0))) {
            // the producer runs before and after each phase: each ratio is to the mean of the two next to it
            producerRecordsPerSecond(feed); // warm-up: the first run of a producer in a JVM is far slower
            List<Double> producer = new ArrayList<>(List.of(producerRecordsPerSecond(feed)));
            List<Result> phases = new ArrayList<>();
            phases.add(batch(service.port(), key, feed));
            producer.add(producerRecordsPerSecond(feed));
            for (String c : System.getProperty("benchmark.connections", "64").split(",")) {
                phases.add(single(service.port(), key, feed, Integer.parseInt(c.trim())));
                producer.add(producerRecordsPerSecond(feed));
            }
            System.out.printf(
                    "BENCHMARK machine: %d cores, load average %s%n",
                    Runtime.getRuntime().availableProcessors(),
                    Files.readString(Path.of("/proc/loadavg")).trim());
            System.out.printf(
                    "BENCHMARK producer (acks=all, idempotent, %.0f-byte records, 6 partitions), records/s: %s%n",
                    meanRecordBytes(feed),
                    producer.stream().map(r -> String.format("%.0f", r)).toList());
            for (int i = 0; i < phases.size(); i++) {
                System.out.println(phases.get(i).line((producer.get(i) + producer.get(i + 1)) / 2));
            }
        }
    }

    /** A measured phase: leads accepted, seconds, per-request latencies (ns) and answers other than 202. */
    record Result(String name, long leads, double seconds, long[] latencies, long failures) {
        String line(double baseline) {
            long[] sorted = latencies.clone();
            Arrays.sort(sorted);
            double rate = leads / seconds;
            return String.format(
                    "BENCHMARK %s: %d leads in %.1f s = %.0f leads/s (%.0f requests/s), p50 %.1f ms, p99 %.1f ms,"
                            + " %d non-202 answers; producer %.0f records/s; ratio %.3f",
                    name,
                    leads,
                    seconds,
                    rate,
                    sorted.length / seconds,
                    percentile(sorted, 0.50) / 1e6,
                    percentile(sorted, 0.99) / 1e6,
                    failures,
                    baseline,
                    rate / baseline);
        }
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    /** Whether ingest accepts the feed's line (the sample feed holds a few deliberately bad leads). */
    private static boolean valid(String line) {
        try {
            return LeadIntake.prepare(Bodies.parseJson(line.getBytes(StandardCharsets.UTF_8)), null, Instant.now())
                    .ok();
        } catch (ProblemException e) {
            return false;
        }
    }

    /** One unique lead from the feed: its first name made unique, so its derived id is too. */
    private static String lead(List<String> feed, long i) {
        String line = feed.get((int) (i % feed.size()));
        return line.replaceFirst("\"FirstName\":\"", "\"FirstName\":\"b" + i + "-");
    }

    /** The bytes ingest writes to {@code leads} for the lead: the producer baseline's record. */
    private static byte[] record(String json) throws Exception {
        LeadIntake.Outcome outcome =
                LeadIntake.prepare(Bodies.parseJson(json.getBytes(StandardCharsets.UTF_8)), null, Instant.now());
        return Topics.LEADS.valueSerde().serializer().serialize(Topics.LEADS.name(), outcome.lead());
    }

    private static double meanRecordBytes(List<String> feed) throws Exception {
        long total = 0;
        for (int i = 0; i < feed.size(); i++) {
            total += record(lead(feed, i)).length;
        }
        return (double) total / feed.size();
    }

    private double producerRecordsPerSecond(List<String> feed) throws Exception {
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < feed.size(); i++) {
            values.add(record(lead(feed, i)));
        }
        Map<String, Object> props = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KAFKA.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.partitionsFor(Topics.LEADS.name());
            long start = System.nanoTime();
            Future<RecordMetadata> last = null;
            for (int i = 0; i < PRODUCER_RECORDS; i++) {
                byte[] key = ("p" + SEQUENCE.incrementAndGet()).getBytes(StandardCharsets.UTF_8);
                last = producer.send(new ProducerRecord<>(Topics.LEADS.name(), key, values.get(i % values.size())));
            }
            producer.flush();
            last.get();
            return PRODUCER_RECORDS / ((System.nanoTime() - start) / 1e9);
        }
    }

    private Result batch(int port, String key, List<String> feed) throws Exception {
        int warmUp = 5;
        List<byte[]> bodies = new ArrayList<>();
        for (int b = 0; b < BATCHES + warmUp * BATCH_CONNECTIONS; b++) {
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < BATCH_SIZE; i++) {
                body.append(lead(feed, SEQUENCE.incrementAndGet())).append('\n');
            }
            bodies.add(body.toString().getBytes(StandardCharsets.UTF_8));
        }
        AtomicLong next = new AtomicLong();
        for (int i = 0; i < warmUp * BATCH_CONNECTIONS; i++) { // not measured
            try (KeepAliveConnection c = new KeepAliveConnection(port, LeadEndpoints.BATCH_PATH, key, Bodies.NDJSON)) {
                c.post(bodies.get((int) next.getAndIncrement()));
            }
        }
        return measure(
                "batch",
                BATCH_CONNECTIONS,
                BATCH_SIZE,
                () -> {
                    long b = next.getAndIncrement();
                    return b < bodies.size() ? bodies.get((int) b) : null;
                },
                port,
                LeadEndpoints.BATCH_PATH,
                key,
                Bodies.NDJSON,
                Long.MAX_VALUE);
    }

    private Result single(int port, String key, List<String> feed, int connections) throws Exception {
        Callable<byte[]> leads = () -> lead(feed, SEQUENCE.incrementAndGet()).getBytes(StandardCharsets.UTF_8);
        long warmUpEnd = System.nanoTime() + 5_000_000_000L;
        measure("warm-up", connections, 1, leads, port, LeadEndpoints.SINGLE_PATH, key, Bodies.JSON, warmUpEnd);
        long end = System.nanoTime() + SECONDS * 1_000_000_000L;
        return measure(
                "single, " + connections + " connections",
                connections,
                1,
                leads,
                port,
                LeadEndpoints.SINGLE_PATH,
                key,
                Bodies.JSON,
                end);
    }

    /** Runs {@code connections} load threads posting {@code bodies} until they run out or {@code endNanos}. */
    private Result measure(
            String name,
            int connections,
            int leadsPerBody,
            Callable<byte[]> bodies,
            int port,
            String path,
            String key,
            String contentType,
            long endNanos)
            throws Exception {
        Recording jfr = name.startsWith(JFR) && !JFR.isEmpty() ? startJfr() : null;
        ExecutorService threads = Executors.newFixedThreadPool(connections);
        long start = System.nanoTime();
        List<Future<long[]>> runs = new ArrayList<>();
        AtomicLong failures = new AtomicLong();
        for (int t = 0; t < connections; t++) {
            runs.add(threads.submit(() -> {
                long[] latencies = new long[1024];
                int n = 0;
                try (KeepAliveConnection c = new KeepAliveConnection(port, path, key, contentType)) {
                    for (byte[] body = bodies.call();
                            body != null && System.nanoTime() < endNanos;
                            body = bodies.call()) {
                        long sent = System.nanoTime();
                        if (c.post(body) != 202) {
                            failures.incrementAndGet();
                        }
                        if (n == latencies.length) {
                            latencies = Arrays.copyOf(latencies, n * 2);
                        }
                        latencies[n++] = System.nanoTime() - sent;
                    }
                }
                return Arrays.copyOf(latencies, n);
            }));
        }
        List<long[]> all = new ArrayList<>();
        for (Future<long[]> run : runs) {
            all.add(run.get());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        threads.shutdown();
        if (jfr != null) {
            Path file = Path.of("target", "ingest-" + JFR + ".jfr");
            jfr.dump(file);
            jfr.close();
            System.out.println("BENCHMARK JFR of " + name + ": " + file.toAbsolutePath());
        }
        long[] latencies = all.stream().flatMapToLong(Arrays::stream).toArray();
        return new Result(name, (latencies.length - failures.get()) * leadsPerBody, seconds, latencies, failures.get());
    }

    private static Recording startJfr() throws IOException, java.text.ParseException {
        Recording recording = new Recording(Configuration.getConfiguration("profile"));
        recording.start();
        return recording;
    }
}
