package dev.leadpipe.status;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.retry.WaitingLead;
import dev.leadpipe.core.retry.WaitingLead.Reason;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.status.StatusViews.OfferStatus;
import dev.leadpipe.status.StatusViews.Verdict;
import dev.leadpipe.status.StatusViews.Waiting;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The fold of {@code lead-waiting} on Kafka's TopologyTestDriver: each offer's waiting leads, exactly. */
class StatusWaitingTopologyTest {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private static final String OFFER = "contoso.table-offer";
    private static final String OTHER = "fabrikam.https-offer";

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, WaitingLead> waiting;
    private TestInputTopic<String, Outcome> outcomes;

    @BeforeEach
    void startDriver() {
        StatusConfig config = StatusConfig.of("unused:9092").with(StatusConfig.STATE_DIR, stateDir);
        driver = new TopologyTestDriver(StatusTopology.build(config), config.streamsProperties());
        waiting = driver.createInputTopic(
                Topics.LEAD_WAITING.name(),
                new StringSerializer(),
                Topics.LEAD_WAITING.valueSerde().serializer());
        outcomes = driver.createInputTopic(
                Topics.LEAD_OUTCOMES.name(),
                new StringSerializer(),
                Topics.LEAD_OUTCOMES.valueSerde().serializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    /** A lead of {@code offer} waiting since {@code since}, this record written at {@code at}. */
    private static WaitingLead wait(String leadId, String offer, Reason reason, Instant since, Instant at) {
        ErrorClass cls = reason == Reason.BUSY ? null : ErrorClass.TABLE_UNAVAILABLE;
        return new WaitingLead(
                leadId,
                offer,
                "table",
                reason,
                since,
                at.plusSeconds(600),
                3,
                cls,
                reason == Reason.BUSY ? 0 : 503,
                at);
    }

    private void pipe(WaitingLead w) {
        waiting.pipeInput(w.leadId(), w, w.at());
    }

    private void tombstone(String leadId, Instant at) {
        waiting.pipeInput(leadId, null, at);
    }

    private OfferState state(String offer) {
        KeyValueStore<String, OfferState> store = driver.getKeyValueStore(StatusTopology.OFFERS_STORE);
        return store.get(offer);
    }

    private OfferState.Waits waits(String offer) {
        return state(offer).waits;
    }

    private List<String> keys(String storeName) {
        KeyValueStore<String, Object> store = driver.getKeyValueStore(storeName);
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, Object> it = store.all()) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        return keys;
    }

    @Test
    void countAndOldestStayExactAsLeadsStopWaitingInAnyOrder() {
        pipe(wait("l-2", OFFER, Reason.RETRY, T0.plusSeconds(10), T0.plusSeconds(10)));
        pipe(wait("l-1", OFFER, Reason.RETRY, T0, T0.plusSeconds(11)));
        pipe(wait("l-3", OFFER, Reason.RETRY, T0.plusSeconds(20), T0.plusSeconds(20)));
        assertThat(waits(OFFER).count).isEqualTo(3);
        assertThat(waits(OFFER).oldestSince).isEqualTo(T0);
        assertThat(waits(OFFER).oldestLeadId).isEqualTo("l-1");
        assertThat(state(OFFER).destinationType).isEqualTo("table");

        // l-1 keeps waiting (a later record, same wait): still three, and its newer record is the latest one
        pipe(wait("l-1", OFFER, Reason.CIRCUIT_OPEN, T0, T0.plusSeconds(30)));
        assertThat(waits(OFFER).count).isEqualTo(3);
        assertThat(waits(OFFER).reason).isEqualTo(Reason.CIRCUIT_OPEN);
        assertThat(waits(OFFER).updatedAt).isEqualTo(T0.plusSeconds(30));
        assertThat(waits(OFFER).nextAttemptAt).isEqualTo(T0.plusSeconds(630));
        assertThat(waits(OFFER).httpStatus).isEqualTo(503);

        // the oldest gets its outcome (tombstone): the next oldest is l-2
        tombstone("l-1", T0.plusSeconds(40));
        assertThat(waits(OFFER).count).isEqualTo(2);
        assertThat(waits(OFFER).oldestSince).isEqualTo(T0.plusSeconds(10));
        assertThat(waits(OFFER).oldestLeadId).isEqualTo("l-2");
        // ... and the latest news is now that of a lead still waiting: l-3's record, the newest of those left
        assertThat(waits(OFFER).reason).isEqualTo(Reason.RETRY);
        assertThat(waits(OFFER).updatedAt).isEqualTo(T0.plusSeconds(20));

        // l-2's outcome arrives before its tombstone: it stops waiting at once; the tombstone later changes nothing
        outcomes.pipeInput(
                "l-2",
                Outcome.delivered("l-2", OFFER, "table", "rec-2", 4, 100, false, 0, T0.plusSeconds(50)),
                T0.plusSeconds(50));
        assertThat(waits(OFFER).count).isEqualTo(1);
        assertThat(waits(OFFER).oldestLeadId).isEqualTo("l-3");
        // ... and a record of its wait written before that outcome, read late, does not bring it back
        pipe(wait("l-2", OFFER, Reason.RETRY, T0.plusSeconds(10), T0.plusSeconds(45)));
        assertThat(waits(OFFER).count).isEqualTo(1);
        tombstone("l-2", T0.plusSeconds(51));
        assertThat(waits(OFFER).count).isEqualTo(1);
        assertThat(waits(OFFER).oldestSince).isEqualTo(T0.plusSeconds(20));

        // the last one is dead-lettered (the outcome closes it); nothing waits, nothing is left in the stores
        outcomes.pipeInput(
                "l-3",
                Outcome.deadLettered(
                        "l-3", OFFER, "table", ErrorClass.TABLE_AUTH_FAILED, 5, false, 0, T0.plusSeconds(60), null),
                T0.plusSeconds(60));
        assertThat(waits(OFFER)).isNull();
        tombstone("l-3", T0.plusSeconds(61));
        assertThat(keys(StatusTopology.OFFER_WAITING_STORE)).isEmpty();
        assertThat(keys(StatusTopology.WAITING_LEADS_STORE)).isEmpty();
        assertThat(StatusViews.offer(state(OFFER), T0.plusSeconds(70)).waiting())
                .isNull();
    }

    @Test
    void repeatedRecordsAndUnknownTombstonesChangeNothing() {
        WaitingLead w = wait("l-1", OFFER, Reason.RETRY, T0, T0.plusSeconds(1));
        pipe(w);
        pipe(w);
        pipe(w);
        tombstone("never-waited", T0.plusSeconds(2));
        outcomes.pipeInput(
                "never-waited",
                Outcome.delivered("never-waited", OFFER, "table", "r", 1, 10, false, 0, T0.plusSeconds(2)),
                T0.plusSeconds(2));
        assertThat(waits(OFFER).count).isEqualTo(1);
        assertThat(keys(StatusTopology.WAITING_LEADS_STORE)).containsExactly("l-1");
    }

    @Test
    void aLeadThatMovesToAnotherOfferOrRestartsItsWaitIsCountedOnce() {
        pipe(wait("l-1", OFFER, Reason.RETRY, T0, T0));
        pipe(wait("l-2", OFFER, Reason.RETRY, T0.plusSeconds(5), T0.plusSeconds(5)));
        pipe(wait("l-1", OTHER, Reason.RETRY, T0, T0.plusSeconds(10)));
        assertThat(waits(OFFER).count).isEqualTo(1);
        assertThat(waits(OFFER).oldestLeadId).isEqualTo("l-2");
        assertThat(waits(OTHER).count).isEqualTo(1);
        assertThat(waits(OTHER).oldestLeadId).isEqualTo("l-1");

        // a new wait of the same lead (a later since): still one lead, now younger
        pipe(wait("l-2", OFFER, Reason.RETRY, T0.plusSeconds(100), T0.plusSeconds(100)));
        assertThat(waits(OFFER).count).isEqualTo(1);
        assertThat(waits(OFFER).oldestSince).isEqualTo(T0.plusSeconds(100));
    }

    @Test
    void anOutcomeFromBeforeTheWaitDoesNotEndIt() {
        // dead-lettered at T0, replayed, waiting again since T0+1h; the old outcome is read late
        pipe(wait("l-1", OFFER, Reason.RETRY, T0.plus(Duration.ofHours(1)), T0.plus(Duration.ofHours(1))));
        outcomes.pipeInput(
                "l-1",
                Outcome.deadLettered("l-1", OFFER, "table", ErrorClass.TABLE_UNAVAILABLE, 5, false, 0, T0, null),
                T0);
        assertThat(waits(OFFER).count).isEqualTo(1);
    }

    @Test
    void theVerdictAccountsForWaitingLeads() {
        Instant now = T0.plus(Duration.ofMinutes(20));
        pipe(wait("l-1", OFFER, Reason.RETRY, T0, T0.plusSeconds(60)));
        OfferStatus view = StatusViews.offer(state(OFFER), now);
        assertThat(view.verdict()).isEqualTo(Verdict.WAITING);
        assertThat(view.hasProblem()).isTrue();
        Waiting w = view.waiting();
        assertThat(w.count()).isEqualTo(1);
        assertThat(w.oldestSince()).isEqualTo(T0);
        assertThat(w.oldestAgeSeconds()).isEqualTo(1200);
        assertThat(w.reason()).isEqualTo("RETRY");
        assertThat(w.errorClass()).isEqualTo("TABLE_UNAVAILABLE");
        assertThat(w.httpStatus()).isEqualTo(503);
        assertThat(w.fix()).isEqualTo(ErrorClass.TABLE_UNAVAILABLE.remediation());
        assertThat(w.nextAttemptAt()).isEqualTo(T0.plusSeconds(660));
        assertThat(view.explanation())
                .contains(
                        "1 lead waits for its next attempt",
                        "20 min ago",
                        "RETRY after TABLE_UNAVAILABLE (HTTP 503)",
                        "leadctl waiting list --offer " + OFFER);

        // waiting more than an hour: the destination is down
        assertThat(StatusViews.offer(state(OFFER), T0.plus(Duration.ofMinutes(61)))
                        .verdict())
                .isEqualTo(Verdict.FAILING);

        // behind an open circuit: failing at once, even before the circuit report arrives
        pipe(wait("l-2", OFFER, Reason.CIRCUIT_OPEN, T0.plusSeconds(90), T0.plusSeconds(90)));
        view = StatusViews.offer(state(OFFER), now);
        assertThat(view.verdict()).isEqualTo(Verdict.FAILING);
        assertThat(view.explanation())
                .contains(
                        "2 leads wait behind the destination's open circuit",
                        "CIRCUIT_OPEN after TABLE_UNAVAILABLE (HTTP 503)",
                        ErrorClass.TABLE_UNAVAILABLE.remediation());

        // waiting for capacity only: no class, no fix
        pipe(wait("l-3", OTHER, Reason.BUSY, T0, T0));
        Waiting busy = StatusViews.offer(state(OTHER), now).waiting();
        assertThat(busy.reason()).isEqualTo("BUSY");
        assertThat(busy.errorClass()).isNull();
        assertThat(busy.httpStatus()).isNull();
        assertThat(busy.fix()).isNull();
        assertThat(StatusViews.offer(state(OTHER), now).verdict()).isEqualTo(Verdict.WAITING);

        // the overview counts every waiting lead, in total and by type
        StatusViews.Overview overview =
                StatusViews.overview(List.of(state(OFFER), state(OTHER)), java.util.Map.of(), now);
        assertThat(overview.waitingLeads()).isEqualTo(3);
        assertThat(overview.destinations())
                .singleElement()
                .satisfies(d -> assertThat(d.waiting()).isEqualTo(3));
        assertThat(overview.offers().get(0).offerId()).isEqualTo(OFFER); // failing first
    }
}
