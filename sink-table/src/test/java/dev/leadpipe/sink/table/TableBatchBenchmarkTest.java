package dev.leadpipe.sink.table;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.leadpipe.azurite.testing.AzuriteExtension;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.sink.runtime.DeliveryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.leadpipe.sink.table.TableLeads.destination;
import static dev.leadpipe.sink.table.TableLeads.lead;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Not a test: measures leads/s on Azurite with one upsert per lead against batch transactions, at the same
 * concurrency (C callers, each sending its next lead as soon as the last returned, as the sink runtime's calls do).
 * Each case starts on an empty in-memory Azurite (its cost per write grows with the table). Run with
 * {@code -Dbenchmarks=true -Dtest=TableBatchBenchmarkTest} (cases {@code -Dbenchmarks.cases=8:1,200:100}:
 * concurrency:max batch; seconds measured {@code -Dbenchmarks.seconds=10}); prints one line per case.
 */
@EnabledIfSystemProperty(named = "benchmarks", matches = "true")
class TableBatchBenchmarkTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    private static final Duration WARM_UP = Duration.ofSeconds(3);
    private static final Duration MEASURE = Duration.ofSeconds(Long.getLong("benchmarks.seconds", 10));

    @Test
    void singleUpsertsAgainstBatches() throws Exception {
        List<String> lines = new ArrayList<>();
        for (String c : System.getProperty("benchmarks.cases", "8:1,8:100,200:1,200:100")
                .split(",")) {
            String[] parts = c.strip().split(":");
            AZURITE.server().restart(); // in memory: each case starts with an empty table
            lines.add(measure(Integer.parseInt(parts[0]), Integer.parseInt(parts[1])));
        }
        lines.forEach(l -> System.out.println("BENCH " + l));
        assertThat(lines).isNotEmpty();
    }

    private static String measure(int concurrency, int maxBatch) throws Exception {
        String offer = "contoso.bench-" + concurrency + "-" + maxBatch;
        CountingHttpClient http = TableBatchTest.counting();
        AtomicInteger next = new AtomicInteger();
        AtomicLong delivered = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long measureFrom = System.nanoTime() + WARM_UP.toNanos();
        long end = measureFrom + MEASURE.toNanos();
        long[] requestsAtStart = new long[1];
        long[] cpuAtStart = new long[2];
        try (TableDestinationClient client = new TableDestinationClient(http, maxBatch)) {
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                workers.add(Thread.ofVirtual().start(() -> {
                    while (System.nanoTime() < end) {
                        Lead lead = lead("bench-" + next.incrementAndGet(), "Contoso", offer);
                        try {
                            client.send(lead, destination(offer, AZURITE.connectionString()));
                            if (System.nanoTime() >= measureFrom) {
                                delivered.incrementAndGet();
                            }
                        } catch (DeliveryException e) {
                            failed.incrementAndGet();
                        }
                    }
                }));
            }
            Thread.sleep(WARM_UP);
            requestsAtStart[0] = http.writes().size();
            cpuAtStart[0] = jvmCpuNanos();
            cpuAtStart[1] = azuriteCpuNanos();
            for (Thread t : workers) {
                t.join();
            }
            cpuAtStart[0] = jvmCpuNanos() - cpuAtStart[0];
            cpuAtStart[1] = azuriteCpuNanos() - cpuAtStart[1];
        }
        long requests = http.writes().size() - requestsAtStart[0];
        double seconds = MEASURE.toNanos() / 1e9;
        return String.format(
                "concurrency %d, max batch %3d: %7.0f leads/s, %6.0f requests/s, %5.1f leads per request, %d failed;"
                        + " CPU ms per 1,000 leads: JVM %.0f, Azurite %.0f",
                concurrency,
                maxBatch,
                delivered.get() / seconds,
                requests / seconds,
                requests == 0 ? 0.0 : (double) delivered.get() / requests,
                failed.get(),
                cpuAtStart[0] / 1e6 / Math.max(1, delivered.get()) * 1000,
                cpuAtStart[1] / 1e6 / Math.max(1, delivered.get()) * 1000);
    }

    private static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The Azurite process's CPU time (user + system, from /proc), in nanoseconds. */
    private static long azuriteCpuNanos() throws java.io.IOException {
        long pid = AZURITE.server().pid().orElseThrow();
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
        return ticks * 10_000_000L; // USER_HZ 100
    }
}
