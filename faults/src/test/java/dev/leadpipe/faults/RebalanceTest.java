package dev.leadpipe.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.leadpipe.fakes.FakeHttpsReceiver;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * rebalance: two sink-https instances in one group; one offer's endpoint accepts (202), another's refuses every lead
 * for good (400, dead-lettered at once), and the second sink is stopped (SIGTERM) and started again repeatedly while
 * both offers' leads flow (back to back, after a random pause of 1-4 s each), so partitions move while deliveries and dead-letter writes are in flight. Invariants: no
 * lead lost; every lead's last outcome matches the destination (DELIVERED ⇔ the receiver holds it).
 */
class RebalanceTest {
    @RegisterExtension
    static final FaultPipeline PIPELINE = new FaultPipeline();

    private static final String OK_PATH = "/flows/accepting/invoke";
    private static final String REFUSE_PATH = "/flows/refusing/invoke";

    @Test
    void everyLastOutcomeMatchesTheDestinationThroughRebalances() throws Exception {
        FaultSettings.Rebalance settings = FaultSettings.REBALANCE;
        long seed = Long.getLong("faults.seed", System.currentTimeMillis());
        Random random = new Random(seed);
        try (Scenario s = new Scenario(PIPELINE, "rebalance")) {
            FakeHttpsReceiver receiver = s.receiver();
            String accepting = s.offer("ok");
            String refusing = s.offer("refuse");
            Map<String, String> env = FaultSettings.sinkEnv();
            s.startSink(env);
            ServiceLauncher.Service second = s.startSink(env);
            s.destinations(Map.of(accepting, receiver.url(OK_PATH), refusing, receiver.url(REFUSE_PATH)));
            receiver.answer(REFUSE_PATH, 400);

            Duration loadTime = Duration.ofMillis(1000L * settings.leadsPerOffer() / settings.perSecondPerOffer());
            long start = System.nanoTime();
            LoadGenerator.Stream ok =
                    s.load.start(accepting, "load", "ok-" + accepting, settings.leadsPerOffer(), loadTime);
            LoadGenerator.Stream refused =
                    s.load.start(refusing, "load", "no-" + refusing, settings.leadsPerOffer(), loadTime);
            List<String> cycles = new ArrayList<>();
            for (int c = 0; c < settings.cycles(); c++) {
                Thread.sleep(
                        1_000 + random.nextInt(3_000)); // a random moment: the fault itself, not a wait for a condition
                long t = (System.nanoTime() - start) / 1_000_000;
                second.stop();
                long stopped = (System.nanoTime() - start) / 1_000_000;
                second.restart();
                cycles.add("stop at " + t / 1000.0 + " s (stopped after " + (stopped - t) / 1000.0
                        + " s), ready again at " + ((System.nanoTime() - start) / 1_000_000) / 1000.0 + " s");
            }
            ok.join();
            refused.join();
            int missing = s.drain(settings.drainTimeout());

            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put(
                    "settings",
                    settings.leadsPerOffer() + " leads per offer at " + settings.perSecondPerOffer()
                            + "/s each, one offer accepted (202), one refused (400); 2 sinks in one group, the second stopped and"
                            + " started " + settings.cycles() + " times (seed " + seed + "); sink env " + env);
            extra.put("stop/start cycles", cycles);
            extra.put("leads without outcome at the drain timeout", missing);
            Reconciliation.Report r = s.report(accepting, extra);
            Reconciliation.write(r);

            String report = Reconciliation.markdown(r);
            SoftAssertions soft = new SoftAssertions();
            soft.assertThat(r.lost()).as("lost leads; report: %s", report).isZero();
            soft.assertThat(r.mismatches())
                    .as("leads whose last outcome does not match the destination; report: %s", report)
                    .isZero();
            soft.assertThat(r.perOffer().get(refusing).getOrDefault("DEAD_LETTERED", 0))
                    .as("refused leads dead-lettered")
                    .isEqualTo(r.perOffer().get(refusing).get("acknowledged"));
            soft.assertAll();
        }
    }
}
