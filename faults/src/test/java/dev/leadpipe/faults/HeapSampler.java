package dev.leadpipe.faults;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.leadpipe.ops.testing.Scrape;

/**
 * Once a second, scrapes each running sink's {@code /metrics} (its {@code OPS_PORT}) and sums
 * {@code jvm_memory_used_bytes{area="heap"}}; keeps the maximum per service name (over all its restarts). A sink that
 * is down or restarting is skipped for that second.
 */
final class HeapSampler implements AutoCloseable {
    private final Supplier<List<ServiceLauncher.Service>> sinks;
    private final Map<String, Long> maxBytes = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile int samples;

    HeapSampler(Supplier<List<ServiceLauncher.Service>> sinks) {
        this.sinks = sinks;
        this.thread = Thread.ofPlatform().daemon().name("heap-sampler").start(this::loop);
    }

    private void loop() {
        while (running) {
            for (ServiceLauncher.Service sink : sinks.get()) {
                if (!sink.alive()) {
                    continue;
                }
                try {
                    long used = (long) Scrape.of(sink.baseUrl()).sum("jvm_memory_used_bytes", "area=heap");
                    maxBytes.merge(sink.name(), used, Math::max);
                    samples++;
                } catch (Throwable t) {
                    // killed or not listening yet: no sample this second
                }
            }
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The largest heap seen per sink, in MiB. */
    Map<String, Long> maxHeapMiB() {
        Map<String, Long> mib = new TreeMap<>();
        maxBytes.forEach((k, v) -> mib.put(k, v / (1024 * 1024)));
        return mib;
    }

    /** The largest heap seen of any sink, in MiB. */
    long maxHeapMiBOverall() {
        return maxBytes.values().stream().mapToLong(Long::longValue).max().orElse(0) / (1024 * 1024);
    }

    int samples() {
        return samples;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(5_000);
    }
}
