package dev.leadpipe.leadctl;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.dlq.PipelineHeaders;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.lead.LeadSerde;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.leadpipe.leadctl.DlqSeed.dl;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code dlq replay} against a real broker: what it writes to {@code leads}, what it skips, and that its checkpoint
 * makes a re-run continue instead of re-sending. Every test uses its own offer, hence its own replay selection.
 */
class DlqReplayTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static String unique(String name) {
        return "r" + UUID.randomUUID().toString().substring(0, 8) + "-" + name;
    }

    private static Cli.Run cli(String... args) {
        return Cli.on(KAFKA.bootstrapServers(), args);
    }

    private static List<ConsumerRecord<String, byte[]>> leads(List<String> leadIds, int expected) {
        return DlqSeed.leadsFor(KAFKA.bootstrapServers(), leadIds, expected);
    }

    private static List<String> headerValues(ConsumerRecord<String, byte[]> r, String name) {
        return StreamSupport.stream(r.headers().headers(name).spliterator(), false)
                .map(h -> new String(h.value(), StandardCharsets.UTF_8))
                .toList();
    }

    @Test
    void replayByClassSendsExactlyTheMatchingLeadsBackWithTheReplayCountIncremented() {
        String offer = unique("pub") + ".offer";
        String n1 = offer + "-n1";
        String n2 = offer + "-n2";
        String t1 = offer + "-t1";
        DlqSeed.Dl d1 = dl(n1, offer);
        DlqSeed.Dl d2 = dl(n2, offer).replayCount(1).withOriginalReplayHeader();
        DlqSeed.Dl d3 = dl(t1, offer).error(ErrorClass.TABLE_AUTH_FAILED, "table");
        DlqSeed.send(KAFKA.bootstrapServers(), d1, d2, d3);

        Cli.Run run = cli("dlq", "replay", "--class", "NO_DESTINATION_CONFIGURED", "--offer", offer, "--yes");
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out())
                .contains(
                        "replayed 2, skipped 0 (already delivered 0, already replayed 0, over the replay cap 0, malformed 0)");
        assertThat(run.err())
                .contains("checkpoint: consumer group leadctl-replay-")
                .contains("replay: 2/2 leads (100%)");

        List<ConsumerRecord<String, byte[]>> sent = leads(List.of(n1, n2, t1), 2);
        assertThat(sent).extracting(ConsumerRecord::key).containsExactlyInAnyOrder(n1, n2);
        Map<String, ConsumerRecord<String, byte[]>> byKey =
                sent.stream().collect(Collectors.toMap(ConsumerRecord::key, Function.identity()));
        assertThat(byKey.get(n1).value()).isEqualTo(d1.valueBytes());
        assertThat(new LeadSerde()
                        .deserializer()
                        .deserialize(Topics.LEADS.name(), byKey.get(n1).value())
                        .leadId())
                .isEqualTo(n1);
        assertThat(byKey.get(n2).value()).isEqualTo(d2.valueBytes());
        assertThat(headerValues(byKey.get(n1), PipelineHeaders.REPLAY_COUNT)).containsExactly("1");
        // the original record already carried a replay count: it is replaced, not added to
        assertThat(headerValues(byKey.get(n2), PipelineHeaders.REPLAY_COUNT)).containsExactly("2");
        for (ConsumerRecord<String, byte[]> r : sent) {
            assertThat(headerValues(r, "traceparent")).containsExactly("00-" + r.key() + "-01");
            for (Header h : r.headers()) {
                assertThat(h.key()).doesNotStartWith(DeadLetterHeaders.PREFIX);
            }
        }
    }

    @Test
    void aSecondIdenticalRunHasNothingToReplayAndWritesNothing() {
        String offer = unique("pub") + ".offer";
        List<String> ids = List.of(offer + "-1", offer + "-2");
        DlqSeed.send(KAFKA.bootstrapServers(), dl(ids.get(0), offer), dl(ids.get(1), offer));

        Cli.Run first = cli("dlq", "replay", "--offer", offer, "--yes");
        assertThat(first.out()).as(first.toString()).contains("replayed 2, skipped 0");
        assertThat(leads(ids, 2)).hasSize(2);

        Cli.Run second = cli("dlq", "replay", "--offer", offer, "--yes");
        assertThat(second.exit()).as(second.toString()).isZero();
        assertThat(second.out()).startsWith("nothing to replay");
        assertThat(second.err()).contains("resuming from the checkpoint");
        assertThat(leads(ids, 0)).hasSize(2);

        // a new dead-lettering of the same selection is picked up by the next run, alone
        String third = offer + "-3";
        DlqSeed.send(KAFKA.bootstrapServers(), dl(third, offer));
        Cli.Run next = cli("dlq", "replay", "--offer", offer, "--yes");
        assertThat(next.out()).contains("replayed 1, skipped 0");
        assertThat(leads(List.of(ids.get(0), ids.get(1), third), 3)).hasSize(3);
    }

    @Test
    void dryRunListsWhatWouldBeReplayedAndWritesNothing() {
        String offer = unique("pub") + ".offer";
        List<String> ids = List.of(offer + "-1", offer + "-2");
        DlqSeed.send(
                KAFKA.bootstrapServers(),
                dl(ids.get(0), offer),
                dl(ids.get(1), offer).replayCount(3));

        Cli.Run dry = cli("dlq", "replay", "--offer", offer, "--dry-run");
        assertThat(dry.exit()).as(dry.toString()).isZero();
        assertThat(dry.out())
                .contains("would replay " + ids.get(0))
                .contains("skipped " + ids.get(1))
                .contains(
                        "dry run: would replay 1, skip 1 (already delivered 0, already replayed 0, over the replay cap 1, malformed 0);"
                                + " nothing was written");
        assertThat(leads(ids, 0)).isEmpty();

        // nor did it move the checkpoint
        Cli.Run real = cli("dlq", "replay", "--offer", offer, "--yes");
        assertThat(real.out()).contains("replayed 1, skipped 1");
        assertThat(leads(ids, 1)).extracting(ConsumerRecord::key).containsExactly(ids.get(0));
    }

    @Test
    void aLeadAtTheReplayCapIsSkippedAndReported() {
        String offer = unique("pub") + ".offer";
        String poison = offer + "-poison";
        String fine = offer + "-fine";
        DlqSeed.send(
                KAFKA.bootstrapServers(),
                dl(poison, offer).replayCount(3),
                dl(fine, offer).replayCount(2));

        Cli.Run run = cli("dlq", "replay", "--offer", offer, "--yes");
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out())
                .contains("skipped " + poison)
                .contains("already replayed 3 times (--max-replays 3)")
                .contains(
                        "replayed 1, skipped 1 (already delivered 0, already replayed 0, over the replay cap 1, malformed 0)");
        List<ConsumerRecord<String, byte[]>> sent = leads(List.of(poison, fine), 1);
        assertThat(sent).extracting(ConsumerRecord::key).containsExactly(fine);
        assertThat(headerValues(sent.get(0), PipelineHeaders.REPLAY_COUNT)).containsExactly("3");

        // a higher cap is another selection: it replays the poison lead, and not the fine one a second time
        Cli.Run higher = cli("dlq", "replay", "--offer", offer, "--max-replays", "5", "--yes");
        assertThat(higher.out())
                .as(higher.toString())
                .contains("skipped " + fine)
                .contains("replayed 1, skipped 1 (already delivered 0, already replayed 1, over the replay cap 0");
        assertThat(leads(List.of(poison, fine), 2))
                .extracting(ConsumerRecord::key)
                .containsExactlyInAnyOrder(poison, fine);
    }

    @Test
    void malformedRecordsAreSkippedUnlessIncluded() {
        String offer = unique("pub") + ".offer";
        String bad = offer + "-bad";
        byte[] raw = "{\"broken\": ".getBytes(StandardCharsets.UTF_8);
        DlqSeed.Dl malformed =
                dl(bad, null).error(ErrorClass.MALFORMED_RECORD, null).value(raw);
        DlqSeed.send(KAFKA.bootstrapServers(), malformed);

        Cli.Run run = cli("dlq", "replay", "--class", "MALFORMED_RECORD", "--yes");
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out())
                .contains("skipped " + bad)
                .contains("replaying unreadable bytes cannot help")
                .contains("malformed 1)");
        assertThat(leads(List.of(bad), 0)).isEmpty();

        Cli.Run included = cli("dlq", "replay", "--class", "MALFORMED_RECORD", "--include-malformed", "--yes");
        assertThat(included.out()).as(included.toString()).contains("replayed 1");
        List<ConsumerRecord<String, byte[]>> sent = leads(List.of(bad), 1);
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).value()).isEqualTo(raw);
    }

    @Test
    void aLeadDeadLetteredTwiceIsReplayedOnceFromItsNewestRecord() {
        String offer = unique("pub") + ".offer";
        String twice = offer + "-twice";
        long now = System.currentTimeMillis();
        DlqSeed.send(
                KAFKA.bootstrapServers(),
                dl(twice, offer).timestamp(now - 60_000).failedAgo(Duration.ofMinutes(1)),
                dl(twice, offer).replayCount(1).timestamp(now).failedAgo(Duration.ZERO));

        Cli.Run run = cli("dlq", "replay", "--offer", offer, "--yes");
        assertThat(run.out()).as(run.toString()).contains("replayed 1, skipped 0");
        assertThat(run.err()).contains("ignoring 1 older dead-letter records");
        List<ConsumerRecord<String, byte[]>> sent = leads(List.of(twice), 1);
        assertThat(sent).hasSize(1);
        assertThat(headerValues(sent.get(0), PipelineHeaders.REPLAY_COUNT)).containsExactly("2");
    }

    @Test
    void aReplayStoppedByLimitContinuesOnTheNextRunWithoutLosingOrResendingALead() {
        String offer = unique("pub") + ".offer";
        List<DlqSeed.Dl> seeds = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ids.add(offer + "-" + i);
            seeds.add(dl(offer + "-" + i, offer));
        }
        DlqSeed.send(KAFKA.bootstrapServers(), seeds.toArray(DlqSeed.Dl[]::new));

        Cli.Run first = cli("dlq", "replay", "--offer", offer, "--limit", "3", "--chunk-size", "2", "--yes");
        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(first.out()).contains("replayed 3, skipped 0");
        assertThat(first.err()).contains("stopped after --limit 3; run the same command again to continue");

        Cli.Run second = cli("dlq", "replay", "--offer", offer, "--yes");
        assertThat(second.out()).as(second.toString()).contains("replayed 4, skipped 0");
        assertThat(second.err()).contains("resuming from the checkpoint");

        assertThat(cli("dlq", "replay", "--offer", offer, "--yes").out()).startsWith("nothing to replay");
        List<ConsumerRecord<String, byte[]>> sent = leads(ids, 7);
        assertThat(sent).extracting(ConsumerRecord::key).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void anInterruptedReplayKeepsWhatWasAcknowledgedAndTheRerunSendsTheRest() {
        String offer = unique("pub") + ".offer";
        List<DlqSeed.Dl> seeds = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(offer + "-" + i);
            seeds.add(dl(offer + "-" + i, offer));
        }
        DlqSeed.send(KAFKA.bootstrapServers(), seeds.toArray(DlqSeed.Dl[]::new));

        // what Ctrl-C does: the stop flag is raised while the engine is sending (here after 2 leads)
        KafkaAccess kafka = KafkaAccess.connect(KAFKA.bootstrapServers());
        DlqFilter filter = DlqFilter.of(List.of(), List.of(offer), List.of(), null, null, Instant.now());
        ReplayEngine.Options options = new ReplayEngine.Options(filter, 3, false, false, null, false, 1, false);
        StringWriter out = new StringWriter();
        ReplayEngine.Result result;
        try (ReplayEngine engine =
                new ReplayEngine(kafka, options, new PrintWriter(out, true), new PrintWriter(out, true))) {
            ReplayEngine.Plan plan = engine.plan(() -> false);
            assertThat(plan.toReplay()).isEqualTo(6);
            result = engine.replay(() -> engine.replayedSoFar() >= 2, total -> Progress.none());
        }
        assertThat(result.interrupted()).isTrue();
        assertThat(result.replayed()).isEqualTo(2);
        assertThat(leads(ids, 2)).hasSize(2);

        Cli.Run rerun = cli("dlq", "replay", "--offer", offer, "--yes");
        assertThat(rerun.exit()).as(rerun.toString()).isZero();
        assertThat(rerun.out()).contains("replayed 4, skipped 0");
        List<ConsumerRecord<String, byte[]>> sent = leads(ids, 6);
        assertThat(sent).extracting(ConsumerRecord::key).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void restartReadsFromTheBeginningAgainButNeverReplaysADeadLetterTwice() {
        String offer = unique("pub") + ".offer";
        List<String> ids = new ArrayList<>();
        List<DlqSeed.Dl> seeds = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add(offer + "-" + i);
            seeds.add(dl(offer + "-" + i, offer));
        }
        DlqSeed.send(KAFKA.bootstrapServers(), seeds.toArray(DlqSeed.Dl[]::new));
        assertThat(cli("dlq", "replay", "--offer", offer, "--yes").out()).contains("replayed 12");
        assertThat(cli("dlq", "replay", "--offer", offer, "--yes").out()).startsWith("nothing to replay");

        Cli.Run restart = cli("dlq", "replay", "--offer", offer, "--restart", "--yes");
        assertThat(restart.exit()).as(restart.toString()).isZero();
        assertThat(restart.out())
                .contains("skipped " + ids.get(0) + " (NO_DESTINATION_CONFIGURED, offer " + offer
                        + ", destination none): already replayed at ")
                .contains("replayed 0, skipped 12 (already delivered 0, already replayed 12,");
        assertThat(leads(ids, 12)).hasSize(12);

        // the lead that failed again after its replay is a new dead letter: a restart replays that one alone
        String again = ids.get(5);
        DlqSeed.send(KAFKA.bootstrapServers(), dl(again, offer).replayCount(1));
        Cli.Run next = cli("dlq", "replay", "--offer", offer, "--restart", "--yes");
        assertThat(next.out())
                .as(next.toString())
                .contains("replayed 1, skipped 11 (already delivered 0, already replayed 11,");
        assertThat(leads(ids, 13)).hasSize(13);
    }

    @Test
    void withoutYesANonInteractiveReplayIsRefusedAndWritesNothing() {
        String offer = unique("pub") + ".offer";
        String id = offer + "-1";
        DlqSeed.send(KAFKA.bootstrapServers(), dl(id, offer));

        Cli.Run run = cli("dlq", "replay", "--offer", offer);
        assertThat(run.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("refusing to replay 1 leads without confirmation: add --yes");
        assertThat(run.errLines().stream().filter(l -> l.startsWith("leadctl:")))
                .hasSize(1);
        assertThat(leads(List.of(id), 0)).isEmpty();

        // and did not checkpoint: the confirmed run replays it
        assertThat(cli("dlq", "replay", "--offer", offer, "--yes").out()).contains("replayed 1");
    }

    @Test
    void nothingMatchingIsNothingToReplay() {
        Cli.Run run = cli("dlq", "replay", "--offer", unique("nobody") + ".x", "--yes");
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith("nothing to replay");
    }
}
