package dev.leadpipe.leadctl;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code dlq replay} runs at the same time, against a real broker: each lead reaches {@code leads} once among
 * committed records (what the router reads: read_committed under exactly_once_v2), whatever the interleaving. Records
 * of a fenced run's aborted transaction are visible to read_uncommitted readers only.
 */
class DlqReplayConcurrencyTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final int LEADS = 1_000;

    private static String unique() {
        return "c" + UUID.randomUUID().toString().substring(0, 8) + ".offer";
    }

    private static Cli.Run cli(String... args) {
        return Cli.on(KAFKA.bootstrapServers(), args);
    }

    /**
     * Runs two commands on two threads: released together, or ({@code secondOnceFirstCommitted}) the second once the
     * first has committed some of the leads (so it starts in the middle of the first's work).
     */
    private static List<Cli.Run> twice(
            boolean secondOnceFirstCommitted, Set<String> leadIds, String[] first, String[] second) throws Exception {
        // two threads of their own: the common pool may have one worker, which would run the two one after the other
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            return twiceOn(threads, secondOnceFirstCommitted, leadIds, first, second);
        } finally {
            threads.shutdownNow();
        }
    }

    private static List<Cli.Run> twiceOn(
            ExecutorService threads,
            boolean secondOnceFirstCommitted,
            Set<String> leadIds,
            String[] first,
            String[] second)
            throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<Cli.Run> a = CompletableFuture.supplyAsync(() -> awaitThen(go, first), threads);
        if (secondOnceFirstCommitted) {
            go.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (ReplayFixtures.onLeads(KAFKA.bootstrapServers(), leadIds, "read_committed")
                            .isEmpty()
                    && !a.isDone()
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        CompletableFuture<Cli.Run> b = CompletableFuture.supplyAsync(() -> awaitThen(go, second), threads);
        go.countDown();
        return List.of(a.get(60, TimeUnit.SECONDS), b.get(60, TimeUnit.SECONDS));
    }

    private static Cli.Run awaitThen(CountDownLatch go, String... args) {
        try {
            go.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return cli(args);
    }

    /**
     * Repetition 1 starts the same command twice at once. Repetitions 2 and 3 start the second run, with another
     * selection of the same 1,000 dead letters (by class and offer: its own checkpoint), in the middle of the first's
     * work: it finds what the first committed, and the two race for the rest.
     */
    @RepeatedTest(3)
    void twoConcurrentReplaysOfTheSame1000DeadLettersPutEachLeadOnLeadsOnce(RepetitionInfo repetition)
            throws Exception {
        String offer = unique();
        List<String> ids = ReplayFixtures.ids(offer, LEADS);
        ReplayFixtures.deadLetters(KAFKA.bootstrapServers(), offer, ids, i -> ErrorClass.NO_DESTINATION_CONFIGURED);

        long t0 = System.nanoTime();
        String[] byOffer = {"dlq", "replay", "--offer", offer, "--chunk-size", "20", "--yes"};
        String[] byClass = {
            "dlq", "replay", "--class", "NO_DESTINATION_CONFIGURED", "--offer", offer, "--chunk-size", "20", "--yes"
        };
        // staggered, the first commits smaller chunks (so it is still at work when the second has started)
        String[] slower = {"dlq", "replay", "--offer", offer, "--chunk-size", "4", "--yes"};
        boolean staggered = repetition.getCurrentRepetition() > 1;
        List<Cli.Run> runs =
                twice(staggered, new HashSet<>(ids), staggered ? slower : byOffer, staggered ? byClass : byOffer);
        System.out.printf(
                "two runs in %d ms: exits %d/%d, replayed %d/%d%n",
                (System.nanoTime() - t0) / 1_000_000,
                runs.get(0).exit(),
                runs.get(1).exit(),
                ReplayFixtures.Summary.of(runs.get(0)).replayed(),
                ReplayFixtures.Summary.of(runs.get(1)).replayed());

        int replayed = 0;
        boolean oneFinished = false;
        for (Cli.Run run : runs) {
            assertThat(run.exit()).as(run.toString()).isIn(ExitCodes.OK, ExitCodes.FENCED);
            ReplayFixtures.Summary s = ReplayFixtures.Summary.of(run);
            replayed += s.replayed();
            if (run.exit() == ExitCodes.OK) {
                oneFinished = true;
                // a run that finished saw every dead letter: sent it, or found it replayed by the other run
                assertThat(s.replayed() + s.alreadyReplayed())
                        .as(run.toString())
                        .isEqualTo(LEADS);
                assertThat(run.errLines()).noneMatch(l -> l.startsWith("leadctl:"));
            } else {
                assertThat(run.errLines().stream().filter(l -> l.startsWith("leadctl:")))
                        .singleElement()
                        .asString()
                        .contains("another leadctl dlq replay run took over leads-dlq partition")
                        .contains("leads above are replayed and committed");
            }
        }
        assertThat(oneFinished).as(runs.toString()).isTrue();
        assertThat(replayed).as("leads replayed by the two runs together").isEqualTo(LEADS);

        Set<String> all = new HashSet<>(ids);
        Map<String, Integer> committed = ReplayFixtures.onLeads(KAFKA.bootstrapServers(), all, "read_committed");
        assertThat(committed).hasSize(LEADS);
        assertThat(committed.values()).allMatch(n -> n == 1);
        // read_uncommitted also sees the leads of a transaction Kafka aborted when it fenced a run: never fewer
        Map<String, Integer> uncommitted = ReplayFixtures.onLeads(KAFKA.bootstrapServers(), all, "read_uncommitted");
        assertThat(uncommitted).hasSize(LEADS);
        assertThat(uncommitted.values()).allMatch(n -> n >= 1);

        // and a third run afterwards finds nothing left to send
        Cli.Run after = cli("dlq", "replay", "--offer", offer, "--restart", "--yes");
        assertThat(ReplayFixtures.Summary.of(after).replayed())
                .as(after.toString())
                .isZero();
        assertThat(ReplayFixtures.Summary.of(after).alreadyReplayed()).isEqualTo(LEADS);
    }

    @Test
    void aRunWithAnOverlappingSelectionTakesOverAndTheFencedRunsOpenChunkNeverCounts() {
        String offer = unique();
        List<String> ids = ReplayFixtures.ids(offer, 300);
        // even leads: no destination; odd leads: the table refused the key. All on one partition, so A's chunks are
        // whole chunks of 25 (a partition's end also commits, which would move where A's open chunk starts)
        ReplayFixtures.deadLetters(
                KAFKA.bootstrapServers(),
                offer,
                ids,
                i -> i % 2 == 0 ? ErrorClass.NO_DESTINATION_CONFIGURED : ErrorClass.TABLE_AUTH_FAILED,
                0);

        // run A (the whole offer) is stopped while it holds an open chunk; run B (one class of it) runs meanwhile
        KafkaAccess kafka = KafkaAccess.connect(KAFKA.bootstrapServers());
        DlqFilter all = DlqFilter.of(List.of(), List.of(offer), List.of(), null, null, Instant.now());
        ReplayEngine.Options a = new ReplayEngine.Options(all, 3, false, false, null, false, 25, false);
        AtomicReference<Cli.Run> runB = new AtomicReference<>();
        StringWriter outA = new StringWriter();
        ReplayEngine.Result resultA;
        try (ReplayEngine engine =
                new ReplayEngine(kafka, a, new PrintWriter(outA, true), new PrintWriter(outA, true))) {
            assertThat(engine.plan(() -> false).toReplay()).isEqualTo(300);
            resultA = engine.replay(
                    () -> {
                        if (engine.replayedSoFar() == 40 && runB.get() == null) {
                            runB.set(cli(
                                    "dlq",
                                    "replay",
                                    "--class",
                                    "NO_DESTINATION_CONFIGURED",
                                    "--offer",
                                    offer,
                                    "--yes"));
                        }
                        return false;
                    },
                    total -> Progress.none());
        }
        Cli.Run b = runB.get();
        assertThat(b.exit()).as(b.toString()).isZero();
        assertThat(resultA.fenced()).as(outA.toString()).isTrue();
        assertThat(resultA.replayed())
                .as("A's first chunk of 25 was committed before B started")
                .isEqualTo(25);
        ReplayFixtures.Summary sb = ReplayFixtures.Summary.of(b);
        // B sent every even lead A had not committed; the ones A had committed it skipped
        assertThat(sb.replayed() + sb.alreadyReplayed()).isEqualTo(150);
        assertThat(sb.alreadyReplayed()).isBetween(1, 25);

        Set<String> every = new HashSet<>(ids);
        Map<String, Integer> committed = ReplayFixtures.onLeads(KAFKA.bootstrapServers(), every, "read_committed");
        assertThat(committed.values()).allMatch(n -> n == 1);
        assertThat(committed).hasSize(25 + sb.replayed());
        // A's open chunk (15 leads) was aborted: only read_uncommitted readers see those records
        int uncommitted = ReplayFixtures.onLeads(KAFKA.bootstrapServers(), every, "read_uncommitted").values().stream()
                .mapToInt(Integer::intValue)
                .sum();
        assertThat(uncommitted).isGreaterThanOrEqualTo(committed.size() + 15);

        // A's command again finishes its selection: the odd leads left, nothing twice
        Cli.Run again = cli("dlq", "replay", "--offer", offer, "--yes");
        assertThat(again.exit()).as(again.toString()).isZero();
        ReplayFixtures.Summary sa = ReplayFixtures.Summary.of(again);
        assertThat(sa.replayed()).isEqualTo(300 - 25 - sb.replayed());
        committed = ReplayFixtures.onLeads(KAFKA.bootstrapServers(), every, "read_committed");
        assertThat(committed).hasSize(300);
        assertThat(committed.values()).allMatch(n -> n == 1);
    }

    @Test
    void aFencedLeadctlProcessStopsWithOneLineAndExitCode4AndTheOtherRunFinishes() throws Exception {
        String offer = unique();
        List<String> ids = ReplayFixtures.ids(offer, 400);
        Set<String> all = new HashSet<>(ids);
        ReplayFixtures.deadLetters(KAFKA.bootstrapServers(), offer, ids, i -> ErrorClass.NO_DESTINATION_CONFIGURED);

        // the real command in a JVM of its own, with its own logging configuration; a transaction per lead
        Path dir = Files.createTempDirectory("leadctl-fenced");
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Leadctl.class.getName(),
                "--bootstrap-servers",
                KAFKA.bootstrapServers(),
                "dlq",
                "replay",
                "--offer",
                offer,
                "--chunk-size",
                "1",
                "--yes");
        pb.environment().clear();
        pb.directory(dir.toFile());
        pb.redirectOutput(dir.resolve("out.txt").toFile());
        pb.redirectError(dir.resolve("err.txt").toFile());
        Process child = pb.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (ReplayFixtures.onLeads(KAFKA.bootstrapServers(), all, "read_committed")
                            .isEmpty()
                    && child.isAlive()
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Cli.Run other = cli("dlq", "replay", "--class", "NO_DESTINATION_CONFIGURED", "--offer", offer, "--yes");
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String out = Files.readString(dir.resolve("out.txt"));
            List<String> err = Files.readAllLines(dir.resolve("err.txt"));

            assertThat(other.exit()).as(other.toString()).isZero();
            assertThat(child.exitValue()).as(out + err).isEqualTo(ExitCodes.FENCED);
            assertThat(err.stream().filter(l -> !l.startsWith("selection:") && !l.startsWith("replay: ")))
                    .as("stderr of the fenced process")
                    .singleElement()
                    .asString()
                    .startsWith(
                            "leadctl: replay stopped: another leadctl dlq replay run took over leads-dlq partition");
            int replayedByChild = ReplayFixtures.Summary.of(new Cli.Run(child.exitValue(), out, ""))
                    .replayed();
            ReplayFixtures.Summary byOther = ReplayFixtures.Summary.of(other);
            assertThat(replayedByChild + byOther.replayed()).isEqualTo(400);
            assertThat(byOther.alreadyReplayed()).isEqualTo(replayedByChild);

            Map<String, Integer> committed = ReplayFixtures.onLeads(KAFKA.bootstrapServers(), all, "read_committed");
            assertThat(committed).hasSize(400);
            assertThat(committed.values()).allMatch(n -> n == 1);
        } finally {
            child.destroy();
        }
    }
}
