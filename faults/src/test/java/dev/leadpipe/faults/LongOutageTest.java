package dev.leadpipe.faults;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.leadpipe.fakes.FakeHttpsReceiver;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * long-outage: B's endpoint answers 503 for longer than the sink's in-memory horizon and (time-compressed, see
 * {@link FaultSettings#LONG_OUTAGE}) longer than the old 10-minute budget, while B's leads keep arriving and a
 * healthy offer H gets a trickle; then B recovers. Invariants: no lead lost, 0 dead letters, every B lead delivered
 * after recovery, the sink's heap under 256 MiB throughout.
 */
class LongOutageTest {
    @RegisterExtension
    static final FaultPipeline PIPELINE = new FaultPipeline();

    private static final String H_PATH = "/flows/healthy/invoke";
    private static final String B_PATH = "/flows/down/invoke";

    @Test
    void aDestinationDownLongerThanTheOldBudgetGetsEveryLeadAfterItRecovers() throws Exception {
        FaultSettings.LongOutage settings = FaultSettings.LONG_OUTAGE;
        try (Scenario s = new Scenario(PIPELINE, "long-outage")) {
            FakeHttpsReceiver h = s.receiver();
            FakeHttpsReceiver b = s.receiver();
            String healthy = s.offer("h");
            String down = s.offer("b");
            Map<String, String> env = FaultSettings.longOutageSinkEnv();
            s.startSink(env);
            s.destinations(Map.of(healthy, h.url(H_PATH), down, b.url(B_PATH)));

            int warmUps = b.deliveredCount();
            b.answer(B_PATH, 503);
            long outageStart = System.nanoTime();
            LoadGenerator.Stream downLeads =
                    s.load.start(down, "outage", "b-" + down, settings.leads(), settings.outage());
            LoadGenerator.Stream healthyLeads =
                    s.load.steady(healthy, "outage", "h-" + healthy, settings.healthyPerSecond(), settings.outage());
            downLeads.join();
            healthyLeads.join();
            long outage = waitUntil(outageStart, settings.outage());
            int deliveredDuringOutage = b.deliveredCount() - warmUps;
            FairnessRun.Fault.recover(b, B_PATH);
            long recoveryStart = System.nanoTime();
            int missing = s.drain(settings.drainTimeout());
            long drained = (System.nanoTime() - recoveryStart) / 1_000_000_000L;

            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put(
                    "settings",
                    "B's endpoint answers 503 for " + outage + " s while " + settings.leads() + " B leads arrive; H "
                            + settings.healthyPerSecond() + " leads/s; sink env " + env);
            extra.put("B leads delivered during the outage", deliveredDuringOutage);
            extra.put("B leads delivered after recovery", b.deliveredCount() - warmUps - deliveredDuringOutage);
            extra.put("drain after recovery (s)", drained);
            extra.put("leads without outcome at the drain timeout", missing);
            Reconciliation.Report r = s.report(healthy, extra);
            Reconciliation.write(r);

            SoftAssertions soft = new SoftAssertions();
            String report = Reconciliation.markdown(r);
            soft.assertThat(r.lost()).as("lost leads; report: %s", report).isZero();
            soft.assertThat(r.deadLetteredLeads())
                    .as("dead letters; report: %s", report)
                    .isZero();
            soft.assertThat(r.perOffer().get(down).getOrDefault("DELIVERED", 0))
                    .as("B leads delivered; report: %s", report)
                    .isEqualTo(r.perOffer().get(down).get("acknowledged"));
            soft.assertThat(s.heap.maxHeapMiBOverall())
                    .as("max sink heap (MiB) over %d samples", s.heap.samples())
                    .isLessThan(256);
            soft.assertAll();
        }
    }

    /** Waits until {@code length} has passed since {@code start} (the outage's planned end); returns its seconds. */
    private static long waitUntil(long start, Duration length) throws InterruptedException {
        long left = start + length.toNanos() - System.nanoTime();
        if (left > 0) {
            Thread.sleep(left / 1_000_000);
        }
        return (System.nanoTime() - start) / 1_000_000_000L;
    }
}
