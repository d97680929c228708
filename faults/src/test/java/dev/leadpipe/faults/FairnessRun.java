package dev.leadpipe.faults;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import dev.leadpipe.fakes.FakeHttpsReceiver;

/**
 * A two-phase fairness run on one sink-https: a healthy offer H gets a steady stream, offer B gets a burst of leads
 * spread evenly over each phase; the same load in both phases. In the {@code no-fault} phase B's endpoint answers 202;
 * in the {@code fault} phase it has the {@link Fault} for the whole phase. After each phase B's endpoint answers 202
 * again (recovery) and every lead of the phase is waited for, so the next phase starts on an empty pipeline. H's p99
 * ingest→DELIVERED per phase, and their ratio, are the result.
 */
final class FairnessRun {
    static final String NO_FAULT = "no-fault";
    static final String FAULT = "fault";
    static final String H_PATH = "/flows/healthy/invoke";
    static final String B_PATH = "/flows/broken/invoke";

    /** What B's endpoint does during the fault phase, and how it recovers. */
    record Fault(String description, BiConsumer<FakeHttpsReceiver, String> apply) {
        static Fault status(int status) {
            return new Fault("answers " + status, (r, path) -> r.answer(path, status));
        }

        static Fault slow(Duration perCall) {
            return new Fault(
                    "takes " + perCall.toSeconds() + " s per call, then 202", (r, path) -> r.answer(path, perCall));
        }

        static Fault retryAfter(int status, int seconds) {
            return new Fault(
                    "answers " + status + " with Retry-After: " + seconds,
                    (r, path) -> r.answer(path, status, seconds));
        }

        static void recover(FakeHttpsReceiver r, String path) {
            r.answer(path, 202);
        }
    }

    /** H's and B's receivers and offers; the same receiver for both means same host and port, different paths. */
    private final Scenario scenario;

    private final FaultSettings.Fairness settings;
    private final Fault fault;
    private final boolean sameHost;

    FairnessRun(Scenario scenario, FaultSettings.Fairness settings, Fault fault, boolean sameHost) {
        this.scenario = scenario;
        this.settings = settings;
        this.fault = fault;
        this.sameHost = sameHost;
    }

    /** H's offer id. */
    String healthyOffer() {
        return scenario.offer("h");
    }

    String brokenOffer() {
        return scenario.offer("b");
    }

    /** Runs both phases with one sink of {@code sinkEnv}; returns the reconciled report (extra: p99s and their ratio). */
    Reconciliation.Report run(Map<String, String> sinkEnv) throws Exception {
        FakeHttpsReceiver h = scenario.receiver();
        FakeHttpsReceiver b = sameHost ? h : scenario.receiver();
        scenario.startSink(sinkEnv);
        scenario.destinations(Map.of(healthyOffer(), h.url(H_PATH), brokenOffer(), b.url(B_PATH)));
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put(
                "settings",
                "phase " + settings.phase().toSeconds() + " s; H " + settings.healthyPerSecond()
                        + " leads/s; B " + settings.burstLeads() + " leads per phase; B's endpoint in the fault phase "
                        + fault.description()
                        + (sameHost ? "; H and B on one host:port, different paths" : "; H and B on different hosts")
                        + "; sink env " + sinkEnv);
        for (String phase : List.of(NO_FAULT, FAULT)) {
            if (phase.equals(FAULT)) {
                fault.apply().accept(b, B_PATH);
            }
            LoadGenerator.Stream healthy = scenario.load.steady(
                    healthyOffer(),
                    phase,
                    "h-" + phase + "-" + healthyOffer(),
                    settings.healthyPerSecond(),
                    settings.phase());
            LoadGenerator.Stream burst = scenario.load.start(
                    brokenOffer(), phase, "b-" + phase + "-" + brokenOffer(), settings.burstLeads(), settings.phase());
            long start = System.nanoTime();
            healthy.join();
            burst.join();
            extra.put(phase + ": load took (s)", (System.nanoTime() - start) / 1_000_000_000L);
            Fault.recover(b, B_PATH);
            long drainStart = System.nanoTime();
            int missing = scenario.drain(settings.drainTimeout());
            extra.put(phase + ": drain after recovery (s)", (System.nanoTime() - drainStart) / 1_000_000_000L);
            extra.put(phase + ": leads without outcome at the drain timeout", missing);
        }
        Reconciliation.Report report = scenario.report(healthyOffer(), extra);
        double ratio = ratio(report);
        report.extra().put("H p99 ratio fault / no-fault", String.format("%.2f", ratio));
        Reconciliation.write(report);
        return report;
    }

    /** H's p99 in the fault phase over its p99 in the no-fault phase; infinite when H got nothing delivered in the fault phase. */
    static double ratio(Reconciliation.Report report) {
        if (report.phase(FAULT).delivered() == 0) {
            return Double.POSITIVE_INFINITY;
        }
        return (double) report.phase(FAULT).p99()
                / Math.max(1, report.phase(NO_FAULT).p99());
    }
}
