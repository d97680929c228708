package dev.leadpipe.faults;

import java.time.Duration;
import java.time.Instant;
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
 * kill-9: leads at a steady rate to one receiver that counts the requests per Idempotency-Key, while the sink is
 * killed with SIGKILL at random moments of its work (the k-th kill once the receiver holds a random count of leads
 * within the k-th equal slice of them) and started again each time.
 * Invariants: no lead lost; the re-sends each kill causes at most 2 × SINK_MAX_CONCURRENCY_PER_ENDPOINT. A re-send is
 * an accepted request for a lead already accepted; it is caused by the first kill after the lead's previous acceptance
 * (that life ended before it could record the lead finished), whichever later life sends it.
 */
class SinkKillTest {
    @RegisterExtension
    static final FaultPipeline PIPELINE = new FaultPipeline();

    private static final String PATH = "/flows/counting/invoke";

    @Test
    void aSinkKilledRepeatedlyLosesNothingAndResendsLittle() throws Exception {
        FaultSettings.Kill settings = FaultSettings.SINK_KILL;
        long seed = Long.getLong("faults.seed", System.currentTimeMillis());
        Random random = new Random(seed);
        try (Scenario s = new Scenario(PIPELINE, "kill-9")) {
            FakeHttpsReceiver receiver = s.receiver();
            String offer = s.offer("k");
            Map<String, String> env = FaultSettings.sinkEnv();
            ServiceLauncher.Service sink = s.startSink(env);
            s.destinations(Map.of(offer, receiver.url(PATH)));

            Duration loadTime = Duration.ofMillis(1000L * settings.leads() / settings.perSecond());
            long start = System.nanoTime();
            LoadGenerator.Stream load = s.load.start(offer, "load", "k-" + offer, settings.leads(), loadTime);
            List<String> kills = new ArrayList<>();
            List<Instant> readyAt = new ArrayList<>();
            List<Instant> killedAt = new ArrayList<>();
            int warmUps = receiver.deliveredCount();
            for (int k = 0; k < settings.kills(); k++) {
                // a random moment while the sink is at work: once the receiver holds a random count of leads within
                // the k-th equal slice of the run's leads (so a slow restart never makes the kills land on an idle
                // sink)
                int target =
                        warmUps + (int) ((k + 0.1 + 0.8 * random.nextDouble()) * settings.leads() / settings.kills());
                long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
                while (receiver.deliveredCount() < target && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                int held = receiver.deliveredCount() - warmUps;
                long t = (System.nanoTime() - start) / 1_000_000;
                sink.kill9();
                killedAt.add(Instant.now());
                sink.restart();
                readyAt.add(Instant.now());
                kills.add("kill " + (k + 1) + " at " + t / 1000.0 + " s (" + held + " leads held), ready again after "
                        + ((System.nanoTime() - start) / 1_000_000 - t) / 1000.0 + " s");
            }
            load.join();
            int missing = s.drain(settings.drainTimeout());
            List<List<String>> resentPerKill = perKill(receiver.repeats(), killedAt);
            List<Integer> resendsPerKill =
                    resentPerKill.stream().map(List::size).toList();
            int beforeAnyKill = receiver.repeats().size()
                    - resendsPerKill.stream().mapToInt(Integer::intValue).sum();

            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put(
                    "settings",
                    settings.leads() + " leads at " + settings.perSecond() + "/s; " + settings.kills()
                            + " kill -9 of the sink (seed " + seed + "); sink env " + env);
            extra.put("kills", kills);
            extra.put(
                    "first request after each restarted sink was ready (s)",
                    resumedAfter(receiver.arrivals(PATH), readyAt));
            extra.put(
                    "re-sends per kill (caused by it: the lead's previous acceptance came before it)", resendsPerKill);
            extra.put("re-sends caused by no kill", beforeAnyKill);
            extra.put("killed at", killedAt);
            extra.put("leads re-sent per kill", resentPerKill);
            extra.put("bound per kill (2 × concurrency)", 2 * FaultSettings.CONCURRENCY);
            extra.put("leads without outcome at the drain timeout", missing);
            Reconciliation.Report r = s.report(offer, extra);
            Reconciliation.write(r);

            String report = Reconciliation.markdown(r);
            SoftAssertions soft = new SoftAssertions();
            soft.assertThat(r.lost()).as("lost leads; report: %s", report).isZero();
            soft.assertThat(resendsPerKill)
                    .as("re-sends per kill; report: %s", report)
                    .allSatisfy(n -> org.assertj.core.api.Assertions.assertThat(n)
                            .isLessThanOrEqualTo(2 * FaultSettings.CONCURRENCY));
            soft.assertAll();
        }
    }

    /**
     * For each restart, the seconds from ready ({@code /health/ready}) to the receiver's next request: a restarted
     * sink is ready once it joined the group, which is not yet delivering if its partitions are still held by the
     * killed member's session.
     */
    static List<Double> resumedAfter(List<Instant> arrivals, List<Instant> kills) {
        List<Instant> sorted = arrivals.stream().sorted().toList();
        List<Double> gaps = new ArrayList<>();
        for (Instant k : kills) {
            gaps.add(sorted.stream()
                    .filter(a -> a.isAfter(k))
                    .findFirst()
                    .map(a -> Duration.between(k, a).toMillis() / 1000.0)
                    .orElse(-1.0));
        }
        return gaps;
    }

    /**
     * The leads of {@code repeats} each kill caused: those whose previous acceptance came after the kill before it and
     * before it ({@code kills}: when each killed process was gone).
     */
    static List<List<String>> perKill(List<FakeHttpsReceiver.Repeat> repeats, List<Instant> kills) {
        List<List<String>> perKill = new ArrayList<>();
        for (int k = 0; k < kills.size(); k++) {
            Instant from = k == 0 ? Instant.MIN : kills.get(k - 1);
            Instant to = kills.get(k);
            perKill.add(repeats.stream()
                    .filter(r ->
                            !r.previousAt().isBefore(from) && r.previousAt().isBefore(to) && r.at().isAfter(to))
                    .map(r -> r.leadId() + " (accepted " + r.previousAt() + ", again " + r.at() + ")")
                    .toList());
        }
        return perKill;
    }
}
