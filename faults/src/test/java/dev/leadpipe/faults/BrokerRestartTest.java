package dev.leadpipe.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.leadpipe.fakes.FakeHttpsReceiver;
import dev.leadpipe.kafka.BrokerProcess;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Long suite only: the broker stopped and started again under a steady load. The broker runs in a JVM of its own
 * ({@link BrokerProcess}) with ingest, the router and one sink-https of its own (not the shared pipeline); it is
 * stopped {@link FaultSettings#BROKER_RESTART}'s {@code restarts} times, alternately with SIGTERM (a controlled
 * shutdown) and SIGKILL, stays down for {@code down}, and comes back on the same port and data directory. The load
 * generator posts again what ingest refuses meanwhile (503). Invariants: no acknowledged lead lost; every last outcome
 * matches the destination.
 */
@EnabledIfSystemProperty(named = "faults.suite", matches = "long")
class BrokerRestartTest {
    private static final String PATH = "/flows/broker-restart/invoke";

    @Test
    void aBrokerStoppedAndStartedUnderLoadLosesNoAcknowledgedLead() throws Exception {
        FaultSettings.BrokerRestart settings = FaultSettings.BROKER_RESTART;
        String name = "broker-restart";
        try (BrokerProcess broker =
                BrokerProcess.start(FaultPipeline.FAULTS_DIR.resolve(name).resolve("broker"))) {
            FaultPipeline pipeline = FaultPipeline.startOn(broker.bootstrapServers(), name + "/pipeline");
            try (Scenario s = new Scenario(pipeline, name)) {
                FakeHttpsReceiver receiver = s.receiver();
                String offer = s.offer("r");
                Map<String, String> env = FaultSettings.sinkEnv();
                s.startSink(env);
                s.destinations(Map.of(offer, receiver.url(PATH)));

                Duration loadTime = Duration.ofMillis(1000L * settings.leads() / settings.perSecond());
                long start = System.nanoTime();
                LoadGenerator.Stream load = s.load.start(offer, "load", "r-" + offer, settings.leads(), loadTime);
                long slice = loadTime.toNanos() / (settings.restarts() + 1);
                List<String> restarts = new ArrayList<>();
                for (int k = 0; k < settings.restarts(); k++) {
                    long wait = start + (k + 1) * slice - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000); // the fault's moment, not a wait for a condition
                    }
                    long t = (System.nanoTime() - start) / 1_000_000;
                    boolean kill = k % 2 == 1;
                    if (kill) {
                        broker.kill9();
                    } else {
                        broker.stop();
                    }
                    Thread.sleep(settings.down().toMillis()); // the outage itself
                    broker.startAgain();
                    restarts.add((kill ? "kill -9" : "SIGTERM") + " at " + t / 1000.0 + " s, answering again at "
                            + ((System.nanoTime() - start) / 1_000_000) / 1000.0 + " s");
                }
                load.join();
                int missing = s.drain(settings.drainTimeout());

                Map<String, Object> extra = new LinkedHashMap<>();
                extra.put(
                        "settings",
                        settings.leads() + " leads at " + settings.perSecond() + "/s; the broker stopped "
                                + settings.restarts() + " times (SIGTERM and kill -9 alternately), down "
                                + settings.down().toSeconds()
                                + " s each; sink env " + env);
                extra.put("restarts", restarts);
                extra.put(
                        "services still running at the end",
                        s.sinks().stream().allMatch(ServiceLauncher.Service::alive)
                                && pipeline.router().alive());
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
            } finally {
                pipeline.close();
            }
        }
    }
}
