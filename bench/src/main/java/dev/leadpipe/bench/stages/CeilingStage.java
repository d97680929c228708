package dev.leadpipe.bench.stages;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.leadpipe.bench.Bench;
import dev.leadpipe.bench.Figure;
import dev.leadpipe.bench.Stage;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Stage 1, the ceiling: Kafka's own {@code ProducerPerformance} and {@code ConsumerPerformance} (kafka-tools), each in
 * a JVM of its own, on the run's broker, with lead-sized records. Shares the producer's records/s
 * ({@link Bench.Shared#PRODUCER_RECORDS_PER_SECOND}) as the baseline of the ingest stage.
 */
public final class CeilingStage implements Stage {
    static final int PARTITIONS = 6;
    private static final Pattern RECORDS_PER_SEC = Pattern.compile("([0-9.]+) records/sec");
    private static final Pattern LATENCY =
            Pattern.compile("([0-9.]+) ms avg latency.*?([0-9]+) ms 50th, ([0-9]+) ms 95th, ([0-9]+) ms 99th");

    @Override
    public String title() {
        return "1. Ceiling: Kafka's ProducerPerformance and ConsumerPerformance";
    }

    @Override
    public String method() {
        return "Kafka's own load tools from `kafka-tools`, each in a JVM of its own (`-Xmx512m`), on the run's broker: "
                + "`ProducerPerformance` sends 600,000 records (scaled) as fast as it can to a topic of 6 partitions, "
                + "acks=all, idempotent, the records drawn from 2,000 made-up leads with the sample feed's spread of "
                + "sizes (`--payload-file`), its first 10 % a warm-up; then `ConsumerPerformance` reads them all back "
                + "(fetch time only, rebalance excluded). These records/s are the ceiling the ingest stage is "
                + "compared with: what the broker takes from one well-batched producer on this machine.";
    }

    @Override
    public List<Figure> run(Bench bench) throws Exception {
        Measured m = measure(bench, Math.max(20_000, (long) (600_000 * bench.scale())));
        bench.share(Bench.Shared.PRODUCER_RECORDS_PER_SECOND, m.producerPerSecond);
        bench.share(Bench.Shared.CONSUMER_RECORDS_PER_SECOND, m.consumerPerSecond);
        List<Figure> figures = new ArrayList<>();
        figures.add(Figure.plain(
                "ProducerPerformance, acks=all, idempotent, 6 partitions",
                m.producerPerSecond,
                "records/s",
                String.format(
                        Locale.ROOT,
                        "%,d records of %.0f bytes on average; latency avg %s ms, p50 %s, p99 %s ms",
                        m.records,
                        bench.leads().meanBytes(),
                        m.avgLatency,
                        m.p50,
                        m.p99)));
        figures.add(Figure.plain(
                "ConsumerPerformance, the same records",
                m.consumerPerSecond,
                "records/s",
                "fetch.nMsg.sec (rebalance time excluded)"));
        return figures;
    }

    /** The producer's records/s, measured now when the ceiling stage did not run before (a smaller volume). */
    static double producerBaseline(Bench bench) throws Exception {
        var shared = bench.shared(Bench.Shared.PRODUCER_RECORDS_PER_SECOND, Double.class);
        if (shared.isPresent()) {
            return shared.get();
        }
        bench.progress("no ceiling measured yet in this run: measuring ProducerPerformance first");
        Measured m = measure(bench, Math.max(20_000, (long) (300_000 * bench.scale())));
        bench.share(Bench.Shared.PRODUCER_RECORDS_PER_SECOND, m.producerPerSecond);
        return m.producerPerSecond;
    }

    private record Measured(
            long records,
            double producerPerSecond,
            double consumerPerSecond,
            String avgLatency,
            String p50,
            String p99) {}

    private static Measured measure(Bench bench, long records) throws Exception {
        Path dir = bench.workDir("ceiling");
        String topic = "bench-ceiling-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bench.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1)))
                    .all()
                    .get();
        }
        Path payloads = dir.resolve("payloads.txt");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 2_000; i++) {
            b.append(bench.leads().json(i, "bench.ceiling-offer", "ceiling-" + i))
                    .append('\n');
        }
        Files.writeString(payloads, b);
        bench.progress("ProducerPerformance: " + records + " records to " + topic);
        List<String> out = ChildJava.run(
                dir.resolve("producer-performance.log"),
                "512m",
                600,
                "org.apache.kafka.tools.ProducerPerformance",
                List.of(
                        "--bootstrap-server",
                        bench.bootstrapServers(),
                        "--topic",
                        topic,
                        "--num-records",
                        Long.toString(records),
                        "--warmup-records",
                        Long.toString(records / 10),
                        "--throughput",
                        "-1",
                        "--payload-file",
                        payloads.toString(),
                        "--command-property",
                        "acks=all",
                        "--command-property",
                        "enable.idempotence=true",
                        "--command-property",
                        "linger.ms=5"));
        String summary = out.stream()
                .filter(l -> l.contains("records sent") && l.contains("th"))
                .reduce((a, z) -> z)
                .orElseThrow(() -> new IllegalStateException("no summary from ProducerPerformance; see " + dir));
        Matcher rate = RECORDS_PER_SEC.matcher(summary);
        Matcher lat = LATENCY.matcher(summary);
        if (!rate.find() || !lat.find()) {
            throw new IllegalStateException("cannot read ProducerPerformance's summary: " + summary);
        }
        double producer = Double.parseDouble(rate.group(1));
        bench.progress("ConsumerPerformance: " + records + " records from " + topic);
        List<String> cout = ChildJava.run(
                dir.resolve("consumer-performance.log"),
                "512m",
                600,
                "org.apache.kafka.tools.ConsumerPerformance",
                List.of(
                        "--bootstrap-server",
                        bench.bootstrapServers(),
                        "--topic",
                        topic,
                        "--num-records",
                        Long.toString(records),
                        "--group",
                        "bench-ceiling-" + UUID.randomUUID(),
                        "--timeout",
                        "120000"));
        double consumer = consumerRate(cout);
        return new Measured(records, producer, consumer, lat.group(1), lat.group(2), lat.group(4));
    }

    /** fetch.nMsg.sec, the last column of ConsumerPerformance's data line (after its header line). */
    static double consumerRate(List<String> lines) {
        for (int i = 0; i < lines.size() - 1; i++) {
            if (lines.get(i).startsWith("start.time")) {
                String[] cols = lines.get(i + 1).split(",");
                return Double.parseDouble(cols[cols.length - 1].trim());
            }
        }
        throw new IllegalStateException("no data line from ConsumerPerformance: " + String.join("\n", lines));
    }
}
