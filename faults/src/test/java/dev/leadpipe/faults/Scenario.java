package dev.leadpipe.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.fakes.FakeHttpsReceiver;

/**
 * One scenario's run: its receivers, its sink JVMs (in a consumer group of their own, logs under
 * {@code target/faults/<scenario>/}), its load, its ledger of outcomes and dead letters, the heap sampler of its sinks
 * and, at the end, its reconciliation report. {@link #close} stops everything it started, whatever happened.
 */
final class Scenario implements AutoCloseable {
    private static final Duration WARM_UP_WITHIN = Duration.ofSeconds(120);

    final String name;
    final FaultPipeline pipeline;
    final LoadGenerator load;
    final OutcomeLedger ledger;
    final HeapSampler heap;
    private final ServiceLauncher launcher;
    private final String sinkGroup;
    private final String run = UUID.randomUUID().toString().substring(0, 6);
    private final List<FakeHttpsReceiver> receivers = new ArrayList<>();
    private final List<ServiceLauncher.Service> sinks = new ArrayList<>();
    private final long startedAt = System.nanoTime();
    private final String loadAtStart = loadAverage();

    Scenario(FaultPipeline pipeline, String name) throws Exception {
        this.name = name;
        this.pipeline = pipeline;
        this.launcher = new ServiceLauncher(FaultPipeline.FAULTS_DIR.resolve(name), pipeline.commonEnv());
        this.sinkGroup = pipeline.newSinkGroup(name);
        this.load = new LoadGenerator(pipeline.ingestUrl(), pipeline.apiKey());
        this.ledger = new OutcomeLedger(pipeline.bootstrap());
        this.heap = new HeapSampler(this::sinks);
    }

    /** An offer id of this scenario and run: {@code faults.<scenario>-<tag>-<run>}. */
    String offer(String tag) {
        return "faults." + name + "-" + tag + "-" + run;
    }

    /** A new receiver (202 on every path until programmed otherwise), closed with the scenario. */
    synchronized FakeHttpsReceiver receiver() {
        FakeHttpsReceiver r = FakeHttpsReceiver.start(null);
        receivers.add(r);
        return r;
    }

    synchronized List<FakeHttpsReceiver> receivers() {
        return List.copyOf(receivers);
    }

    /** Starts one more sink-https JVM in the scenario's group with {@code env} (SINK_* variables); returns once ready. */
    ServiceLauncher.Service startSink(Map<String, String> env) throws Exception {
        Map<String, String> all = new LinkedHashMap<>(env);
        all.put("SINK_GROUP_ID", sinkGroup);
        String sinkName;
        synchronized (this) {
            sinkName = "sink-https-" + (sinks.size() + 1);
        }
        ServiceLauncher.Service s = launcher.start(sinkName, ServiceLauncher.Main.SINK_HTTPS, all);
        synchronized (this) {
            sinks.add(s);
        }
        return s;
    }

    synchronized List<ServiceLauncher.Service> sinks() {
        return List.copyOf(sinks);
    }

    /**
     * Saves each offer's https destination ({@code offer -> url}), then posts one warm-up lead per offer (not part of
     * the scenario's load or report) until one is DELIVERED: the router and the sink both route by the saved
     * destination, and the JVMs have served a request. Every receiver must answer 202 while this runs.
     */
    void destinations(Map<String, String> urlByOffer) throws Exception {
        for (Map.Entry<String, String> e : urlByOffer.entrySet()) {
            pipeline.putHttpsDestination(e.getKey(), e.getValue());
        }
        LoadGenerator warmUp = new LoadGenerator(pipeline.ingestUrl(), pipeline.apiKey());
        long deadline = System.nanoTime() + WARM_UP_WITHIN.toNanos();
        for (String offer : urlByOffer.keySet()) {
            for (int attempt = 0; ; attempt++) {
                warmUp.start(offer, "warmup", "warmup-" + offer + "-" + attempt, 1, Duration.ZERO)
                        .join();
                String id = "warmup-" + offer + "-" + attempt + "-0";
                ledger.awaitOutcomes(List.of(id), Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                Outcome o = ledger.last(id);
                if (o != null && o.outcome() == OutcomeType.DELIVERED) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no warm-up lead of " + offer + " was delivered within "
                            + WARM_UP_WITHIN + "; last outcome " + o);
                }
                Thread.sleep(500);
            }
        }
    }

    /** Waits for an outcome of every lead acknowledged so far; returns how many have none after {@code timeout}. */
    int drain(Duration timeout) throws InterruptedException {
        return ledger.awaitOutcomes(
                load.acks().stream().map(LoadGenerator.Ack::leadId).toList(), timeout);
    }

    /** Reconciles the scenario's acknowledged leads (write it with {@link Reconciliation#write}). */
    Reconciliation.Report report(String latencyOffer, Map<String, Object> extra) throws Exception {
        ledger.catchUp();
        Map<String, Object> all = new LinkedHashMap<>(extra);
        all.put("max sink heap (MiB)", heap.maxHeapMiB());
        all.put("scenario wall time (s)", (System.nanoTime() - startedAt) / 1_000_000_000L);
        all.put(
                "machine load average (1/5/15 min) at start, at end",
                loadAtStart + "; " + loadAverage() + " (" + Runtime.getRuntime().availableProcessors() + " cores)");
        return Reconciliation.reconcile(name, load.acks(), ledger, receivers(), latencyOffer, all);
    }

    /** The machine's load averages ({@code /proc/loadavg}): the cores are shared, and the figures depend on it. */
    static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
                    .split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "unknown";
        }
    }

    @Override
    public void close() throws Exception {
        try {
            heap.close();
            for (ServiceLauncher.Service s : sinks()) {
                s.stop();
            }
        } finally {
            launcher.close();
            ledger.close();
            receivers().forEach(FakeHttpsReceiver::close);
        }
    }
}
