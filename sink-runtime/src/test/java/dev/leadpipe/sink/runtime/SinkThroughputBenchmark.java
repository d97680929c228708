package dev.leadpipe.sink.runtime;

import static dev.leadpipe.sink.runtime.SinkTestSupport.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

import dev.leadpipe.core.lead.Lead;

/**
 * How fast one sink drains a backlog of leads for one quick endpoint (a scripted destination answering at once):
 * the runtime's own cost per lead, measured. Run with {@code -Dbenchmarks=true}; prints leads/s and CPU ms per 1,000
 * leads for the given concurrency.
 */
class SinkThroughputBenchmark extends SinkBrokerTest {
    static final int LEADS = Integer.getInteger("benchmark.leads", 20_000);

    @Test
    void drainsABacklogForOneQuickEndpoint() throws Exception {
        assumeTrue(Boolean.getBoolean("benchmarks"), "benchmarks run with -Dbenchmarks=true");
        String offer = offer("bulk");
        putDestination(offer, TYPE, "bulk-" + run, 1);
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int i = 0; i < LEADS; i++) {
            Lead lead = SinkTestSupport.customerLead(lead("l" + i), offer);
            sent.add(producer.send(new ProducerRecord<>(TOPIC.name(), lead.leadId(), bytes(lead))));
        }
        for (Future<RecordMetadata> f : sent) {
            f.get();
        }
        ScriptedDestination destination = new ScriptedDestination();
        String group = group();
        // the group starts at the end: move it back to the start of the backlog
        admin.deleteConsumerGroups(List.of(group)).all().get();
        long cpuBefore = cpu();
        long start = System.nanoTime();
        try (SinkRuntime sink = SinkRuntime.start(config(group).withMaxInFlight(1000)
                .withMaxConcurrencyPerEndpoint(8), destination.client(TYPE))) {
            await("every lead delivered", () -> destination.records.keySet().stream()
                    .filter(k -> k.endsWith("-" + run)).count() >= LEADS, Duration.ofMinutes(10));
            await("nothing in flight", () -> sink.inFlight() == 0, Duration.ofMinutes(1));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuMs = (cpu() - cpuBefore) / 1e6;
        System.out.printf("BENCHMARK sink drain: %d leads in %.1f s = %.0f leads/s; JVM CPU %.0f ms per 1,000 leads%n",
                LEADS, seconds, LEADS / seconds, cpuMs / (LEADS / 1000.0));
    }

    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
