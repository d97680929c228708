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
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Long suite only: the router (Kafka Streams, exactly-once) killed with SIGKILL at random moments under a steady
 * load, one kill in each equal slice of it, and started again on the same state directory each time. Invariants: no
 * lead lost; every last outcome matches the destination. Re-sends at the receiver are reported (the router's
 * transactions should forward each lead once, so any come from elsewhere).
 */
@EnabledIfSystemProperty(named = "faults.suite", matches = "long")
class RouterKillTest {
    @RegisterExtension
    static final FaultPipeline PIPELINE = new FaultPipeline();

    private static final String PATH = "/flows/router-kill/invoke";

    @Test
    void aRouterKilledRepeatedlyLosesNothing() throws Exception {
        FaultSettings.Kill settings = FaultSettings.ROUTER_KILL;
        long seed = Long.getLong("faults.seed", System.currentTimeMillis());
        Random random = new Random(seed);
        try (Scenario s = new Scenario(PIPELINE, "router-kill-9")) {
            FakeHttpsReceiver receiver = s.receiver();
            String offer = s.offer("r");
            Map<String, String> env = FaultSettings.sinkEnv();
            s.startSink(env);
            s.destinations(Map.of(offer, receiver.url(PATH)));

            Duration loadTime = Duration.ofMillis(1000L * settings.leads() / settings.perSecond());
            long start = System.nanoTime();
            LoadGenerator.Stream load = s.load.start(offer, "load", "r-" + offer, settings.leads(), loadTime);
            long slice = loadTime.toNanos() / settings.kills();
            List<String> kills = new ArrayList<>();
            ServiceLauncher.Service router = PIPELINE.router();
            for (int k = 0; k < settings.kills(); k++) {
                long wait = start + k * slice + (long) (random.nextDouble() * slice) - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000); // a random moment of this slice: the fault itself
                }
                long t = (System.nanoTime() - start) / 1_000_000;
                router.kill9();
                router.restart();
                kills.add("kill " + (k + 1) + " at " + t / 1000.0 + " s, ready again after "
                        + ((System.nanoTime() - start) / 1_000_000 - t) / 1000.0 + " s");
            }
            load.join();
            int missing = s.drain(settings.drainTimeout());

            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put(
                    "settings",
                    settings.leads() + " leads at " + settings.perSecond() + "/s; " + settings.kills()
                            + " kill -9 of the router (seed " + seed + "); sink env " + env);
            extra.put("kills", kills);
            extra.put("leads without outcome at the drain timeout", missing);
            Reconciliation.Report r = s.report(offer, extra);
            Reconciliation.write(r);

            String report = Reconciliation.markdown(r);
            SoftAssertions soft = new SoftAssertions();
            soft.assertThat(r.lost()).as("lost leads; report: %s", report).isZero();
            soft.assertThat(r.mismatches())
                    .as("outcome ≠ destination; report: %s", report)
                    .isZero();
            soft.assertAll();
        }
    }
}
