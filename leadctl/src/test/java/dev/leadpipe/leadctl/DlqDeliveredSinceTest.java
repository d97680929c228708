package dev.leadpipe.leadctl;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dead letters whose lead was delivered since (its latest outcome on {@code lead-outcomes} is DELIVERED or
 * SENT_UNCONFIRMED), against a real broker: {@code dlq list} leaves them out unless asked and {@code dlq replay}
 * skips and counts them unless {@code --force}.
 */
class DlqDeliveredSinceTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static Cli.Run cli(String... args) {
        return Cli.on(KAFKA.bootstrapServers(), args);
    }

    private static Outcome outcome(String leadId, String offer, OutcomeType type) {
        return new Outcome(leadId, offer, type, "table", null, null, 1, 10L, false, 1, Instant.now(), null);
    }

    /**
     * 100 dead letters; since then leads 0-29 were delivered, 30-34 sent unconfirmed (Web-to-Lead), 35 delivered and
     * then dead-lettered again (its latest outcome is DEAD_LETTERED), 36 suppressed.
     */
    private static List<String> seed(String offer) {
        List<String> ids = ReplayFixtures.ids(offer, 100);
        ReplayFixtures.deadLetters(KAFKA.bootstrapServers(), offer, ids, i -> ErrorClass.TABLE_AUTH_FAILED);
        List<Outcome> outcomes = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            outcomes.add(ReplayFixtures.delivered(ids.get(i), offer));
        }
        for (int i = 30; i < 35; i++) {
            outcomes.add(outcome(ids.get(i), offer, OutcomeType.SENT_UNCONFIRMED));
        }
        outcomes.add(ReplayFixtures.delivered(ids.get(35), offer));
        outcomes.add(outcome(ids.get(35), offer, OutcomeType.DEAD_LETTERED));
        outcomes.add(outcome(ids.get(36), offer, OutcomeType.SUPPRESSED));
        ReplayFixtures.outcomes(KAFKA.bootstrapServers(), outcomes.toArray(Outcome[]::new));
        return ids;
    }

    @Test
    void aReplayAfterSomeWereDeliveredSkipsAndCountsThemAndForceSendsThem() {
        String offer = "d" + UUID.randomUUID().toString().substring(0, 8) + ".offer";
        List<String> ids = seed(offer);

        Cli.Run dry = cli("dlq", "replay", "--offer", offer, "--dry-run");
        assertThat(dry.out())
                .as(dry.toString())
                .contains("dry run: would replay 65, skip 35 (already delivered 35, already replayed 0,");

        Cli.Run run = cli("dlq", "replay", "--offer", offer, "--yes");
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out())
                .contains("skipped " + ids.get(0) + " (TABLE_AUTH_FAILED, offer " + offer
                        + ", destination table): delivered since (DELIVERED at ")
                .contains("skipped " + ids.get(30) + " (TABLE_AUTH_FAILED, offer " + offer
                        + ", destination table): delivered since (SENT_UNCONFIRMED at ")
                .contains("--force replays it anyway")
                .contains("replayed 65, skipped 35 (already delivered 35, already replayed 0, over the replay cap 0,"
                        + " malformed 0)");
        Map<String, Integer> onLeads =
                ReplayFixtures.onLeads(KAFKA.bootstrapServers(), new HashSet<>(ids), "read_committed");
        assertThat(onLeads.keySet()).containsExactlyInAnyOrderElementsOf(ids.subList(35, 100));
        assertThat(onLeads.values()).allMatch(n -> n == 1);

        // another selection, --restart, --force: the delivered leads go; the 65 replayed are not sent again
        Cli.Run forced = cli("dlq", "replay", "--offer", offer, "--restart", "--force", "--yes");
        assertThat(forced.out())
                .as(forced.toString())
                .contains("replayed 35, skipped 65 (already delivered 0, already replayed 65,");
        onLeads = ReplayFixtures.onLeads(KAFKA.bootstrapServers(), new HashSet<>(ids), "read_committed");
        assertThat(onLeads.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(onLeads.values()).allMatch(n -> n == 1);
    }

    @Test
    void dlqListLeavesOutLeadsDeliveredSinceAndShowsThemMarkedWhenAsked() {
        String offer = "l" + UUID.randomUUID().toString().substring(0, 8) + ".offer";
        List<String> ids = seed(offer);

        Cli.Run list = cli("dlq", "list", "--offer", offer);
        assertThat(list.exit()).as(list.toString()).isZero();
        assertThat(list.out())
                .contains(ids.get(35))
                .contains(ids.get(99))
                .doesNotContain(ids.get(0) + " ")
                .doesNotContain(ids.get(30) + " ")
                .contains("65 dead-lettered leads")
                .contains("; 35 more delivered since, not listed (--include-delivered lists them)");

        Cli.Run all = cli("dlq", "list", "--offer", offer, "--include-delivered");
        assertThat(all.out()).contains("DELIVERED SINCE").contains("100 dead-lettered leads");
        assertThat(all.outLines())
                .filteredOn(l -> l.startsWith(ids.get(0) + " "))
                .singleElement()
                .asString()
                .contains(" DELIVERED 20");
        assertThat(all.outLines())
                .filteredOn(l -> l.startsWith(ids.get(31) + " "))
                .singleElement()
                .asString()
                .contains(" SENT_UNCONFIRMED 20");
        assertThat(all.outLines())
                .filteredOn(l -> l.startsWith(ids.get(35) + " "))
                .singleElement()
                .asString()
                .endsWith(" -");

        Cli.Run json = cli("dlq", "list", "--offer", offer, "--include-delivered", "--json");
        assertThat(json.outLines()).hasSize(100);
        assertThat(json.outLines().stream().filter(l -> l.contains("\"deliveredSince\":\"DELIVERED ")))
                .hasSize(30);
        assertThat(json.outLines().stream().filter(l -> l.contains("\"deliveredSince\":\"SENT_UNCONFIRMED ")))
                .hasSize(5);
    }
}
