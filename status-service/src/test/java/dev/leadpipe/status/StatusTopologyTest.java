package dev.leadpipe.status;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import dev.leadpipe.core.circuit.CircuitReport;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.UserDetails;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.status.StatusViews.OfferStatus;
import dev.leadpipe.status.StatusViews.Verdict;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The fold, on Kafka's TopologyTestDriver: what each offer's state becomes from leads, outcomes and circuits. */
class StatusTopologyTest {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private static final String OFFER = "contoso.widget";
    private static final String OTHER = "fabrikam.app";

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, Lead> leads;
    private TestInputTopic<String, byte[]> rawLeads;
    private TestInputTopic<String, Outcome> outcomes;
    private TestInputTopic<String, CircuitReport> circuits;

    @BeforeEach
    void startDriver() {
        StatusConfig config = StatusConfig.of("unused:9092").with(StatusConfig.STATE_DIR, stateDir);
        driver = new TopologyTestDriver(StatusTopology.build(config), config.streamsProperties());
        leads = driver.createInputTopic(
                Topics.LEADS.name(),
                new StringSerializer(),
                Topics.LEADS.valueSerde().serializer());
        rawLeads = driver.createInputTopic(Topics.LEADS.name(), new StringSerializer(), new ByteArraySerializer());
        outcomes = driver.createInputTopic(
                Topics.LEAD_OUTCOMES.name(),
                new StringSerializer(),
                Topics.LEAD_OUTCOMES.valueSerde().serializer());
        circuits = driver.createInputTopic(
                Topics.DESTINATION_CIRCUITS.name(),
                new StringSerializer(),
                Topics.DESTINATION_CIRCUITS.valueSerde().serializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    private void lead(String leadId, String offer, Instant at) {
        Lead lead = new Lead(
                leadId,
                offer,
                at,
                false,
                new UserDetails(
                        "Zephyrine", "Quillfeather", "zq@contoso.com", "+1 555 0100", "US", "Contoso", "CTO", Map.of()),
                "AzureMarketplace-Contact|" + offer,
                "INS",
                "Widget",
                "call me",
                Map.of());
        leads.pipeInput(leadId, lead, at);
    }

    private void outcome(Outcome o) {
        outcomes.pipeInput(o.leadId(), o, o.at());
    }

    private static Outcome delivered(String leadId, String offer, Instant at) {
        return Outcome.delivered(leadId, offer, "dynamics", "rec-" + leadId, 1, 100, false, 0, at);
    }

    private static Outcome dead(String leadId, String offer, ErrorClass cls, Instant at) {
        return Outcome.deadLettered(
                leadId, offer, "dynamics", cls, 1, false, 0, at, "AADSTS7000215: invalid client secret");
    }

    private OfferState state(String offer) {
        KeyValueStore<String, OfferState> store = driver.getKeyValueStore(StatusTopology.OFFERS_STORE);
        return store.get(offer);
    }

    private Map<ErrorClass, Long> backlog() {
        KeyValueStore<String, Long> store = driver.getKeyValueStore(StatusTopology.DLQ_BACKLOG_STORE);
        Map<ErrorClass, Long> m = new EnumMap<>(ErrorClass.class);
        try (KeyValueIterator<String, Long> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, Long> kv = it.next();
                m.merge(ErrorClass.valueOf(kv.key), kv.value, Long::sum);
            }
        }
        return m;
    }

    private List<String> openLeadIds() {
        KeyValueStore<String, StatusTopology.OpenDeadLetter> store =
                driver.getKeyValueStore(StatusTopology.OPEN_DEAD_LETTERS_STORE);
        List<String> ids = new ArrayList<>();
        try (KeyValueIterator<String, StatusTopology.OpenDeadLetter> it = store.all()) {
            it.forEachRemaining(kv -> ids.add(kv.key));
        }
        return ids;
    }

    @Test
    void aDeliveryAfterADeadLetterClosesIt() {
        lead("l-1", OFFER, T0);
        lead("l-2", OFFER, T0.plusSeconds(1));
        outcome(dead("l-1", OFFER, ErrorClass.AAD_INVALID_CLIENT_SECRET, T0.plusSeconds(5)));
        outcome(dead("l-2", OFFER, ErrorClass.AAD_INVALID_CLIENT_SECRET, T0.plusSeconds(6)));

        OfferState s = state(OFFER);
        assertThat(s.openCount()).isEqualTo(2);
        assertThat(s.open.get(ErrorClass.AAD_INVALID_CLIENT_SECRET).lastAt).isEqualTo(T0.plusSeconds(6));
        assertThat(s.lastDeadLetterClass).isEqualTo(ErrorClass.AAD_INVALID_CLIENT_SECRET);
        assertThat(s.lastDeadLetterDetail).isEqualTo("AADSTS7000215: invalid client secret");
        assertThat(backlog()).containsEntry(ErrorClass.AAD_INVALID_CLIENT_SECRET, 2L);
        OfferStatus view = StatusViews.offer(s, T0.plusSeconds(60));
        assertThat(view.verdict()).isEqualTo(Verdict.FAILING);
        assertThat(view.explanation()).contains("AAD_INVALID_CLIENT_SECRET", "Create a new secret");

        // the replay of l-1 is delivered: it is no longer open
        outcome(delivered("l-1", OFFER, T0.plusSeconds(100)));
        s = state(OFFER);
        assertThat(s.openCount()).isEqualTo(1);
        assertThat(openLeadIds()).containsExactly("l-2");
        assertThat(backlog()).containsEntry(ErrorClass.AAD_INVALID_CLIENT_SECRET, 1L);
        assertThat(s.lastDeliveredLeadId).isEqualTo("l-1");
        assertThat(s.lastDeliveredType).isEqualTo("dynamics");

        // a suppressed outcome closes too; then nothing is open and the offer is healthy
        outcome(Outcome.suppressed("l-2", OFFER, false, 1, T0.plusSeconds(101)));
        s = state(OFFER);
        assertThat(s.openCount()).isZero();
        assertThat(s.open).isEmpty();
        assertThat(openLeadIds()).isEmpty();
        assertThat(backlog()).isEmpty();
        view = StatusViews.offer(s, T0.plusSeconds(120));
        assertThat(view.verdict()).isEqualTo(Verdict.HEALTHY);
        OfferState.Counts c = s.last24h(T0.plusSeconds(120));
        assertThat(List.of(c.received, c.delivered, c.suppressed, c.deadLettered))
                .containsExactly(2L, 1L, 1L, 2L);

        // a second delivery of a lead that is not open changes no open count
        outcome(delivered("l-1", OFFER, T0.plusSeconds(130)));
        assertThat(state(OFFER).openCount()).isZero();
        assertThat(backlog()).isEmpty();
    }

    @Test
    void aDeadLetterInAnotherClassMovesTheLeadBetweenClasses() {
        lead("l-1", OFFER, T0);
        outcome(dead("l-1", OFFER, ErrorClass.AAD_INVALID_CLIENT_SECRET, T0.plusSeconds(1)));
        outcome(dead("l-1", OFFER, ErrorClass.AAD_INVALID_CLIENT_SECRET, T0.plusSeconds(2))); // same class again
        assertThat(state(OFFER).open).containsOnlyKeys(ErrorClass.AAD_INVALID_CLIENT_SECRET);
        assertThat(state(OFFER).openCount()).isEqualTo(1);

        outcome(dead("l-1", OFFER, ErrorClass.DYNAMICS_MISSING_LEAD_WRITER_ROLE, T0.plusSeconds(60)));
        OfferState s = state(OFFER);
        assertThat(s.open).containsOnlyKeys(ErrorClass.DYNAMICS_MISSING_LEAD_WRITER_ROLE);
        assertThat(s.open.get(ErrorClass.DYNAMICS_MISSING_LEAD_WRITER_ROLE).count)
                .isEqualTo(1);
        assertThat(s.lastDeadLetterClass).isEqualTo(ErrorClass.DYNAMICS_MISSING_LEAD_WRITER_ROLE);
        assertThat(backlog()).containsOnly(Map.entry(ErrorClass.DYNAMICS_MISSING_LEAD_WRITER_ROLE, 1L));

        // another offer's dead letters are its own
        lead("l-9", OTHER, T0);
        outcome(Outcome.deadLettered(
                "l-9", OTHER, null, ErrorClass.NO_DESTINATION_CONFIGURED, null, false, 0, T0.plusSeconds(3), null));
        assertThat(state(OTHER).open).containsOnlyKeys(ErrorClass.NO_DESTINATION_CONFIGURED);
        assertThat(state(OFFER).openCount()).isEqualTo(1);
        assertThat(backlog())
                .containsEntry(ErrorClass.NO_DESTINATION_CONFIGURED, 1L)
                .containsEntry(ErrorClass.DYNAMICS_MISSING_LEAD_WRITER_ROLE, 1L);
    }

    @Test
    void countsCoverTheLast24HoursAndOlderHoursArePruned() {
        lead("l-1", OFFER, T0);
        outcome(delivered("l-1", OFFER, T0.plusSeconds(10)));
        lead("l-2", OFFER, T0.plus(Duration.ofHours(2)));
        outcome(delivered("l-2", OFFER, T0.plus(Duration.ofHours(2)).plusSeconds(10)));
        OfferState s = state(OFFER);
        assertThat(s.hours).hasSize(2);
        assertThat(s.last24h(T0.plus(Duration.ofHours(3))).delivered).isEqualTo(2);
        // at query time, 25 h later only the second hour still counts
        assertThat(s.last24h(T0.plus(Duration.ofHours(25)).plusSeconds(1)).delivered)
                .isEqualTo(1);

        // a day later, a new lead: the buckets of T0 and T0+2h fall out of the window and are gone from the store
        Instant later = T0.plus(Duration.ofHours(27));
        lead("l-3", OFFER, later);
        s = state(OFFER);
        assertThat(s.hours).hasSize(1);
        assertThat(s.last24h(later).received).isEqualTo(1);
        assertThat(s.last24h(later).delivered).isZero();
        assertThat(s.lastDeliveredLeadId).isEqualTo("l-2"); // the last delivery is remembered whatever its age

        // a late record from before the window is not counted
        outcome(delivered("l-old", OFFER, T0.plusSeconds(20)));
        assertThat(state(OFFER).hours).hasSize(1);
    }

    @Test
    void waitingSinceIsTheFirstLeadAfterTheLastDeliveryAndADeliveryClearsIt() {
        lead("l-1", OFFER, T0);
        assertThat(state(OFFER).waitingSince).isEqualTo(T0);
        lead("l-2", OFFER, T0.plusSeconds(30));
        assertThat(state(OFFER).waitingSince).isEqualTo(T0); // the first one counts
        OfferStatus view = StatusViews.offer(state(OFFER), T0.plusSeconds(600));
        assertThat(view.verdict()).isEqualTo(Verdict.WAITING);
        assertThat(view.explanation()).contains("10 min");

        outcome(delivered("l-1", OFFER, T0.plusSeconds(40)));
        assertThat(state(OFFER).waitingSince).isNull();
        assertThat(StatusViews.offer(state(OFFER), T0.plusSeconds(600)).verdict())
                .isEqualTo(Verdict.HEALTHY);

        lead("l-3", OFFER, T0.plusSeconds(50));
        assertThat(state(OFFER).waitingSince).isEqualTo(T0.plusSeconds(50));
        // the lead event may come after its own delivery (different topics): it does not start a wait
        outcome(delivered("l-3", OFFER, T0.plusSeconds(55)));
        lead("l-3", OFFER, T0.plusSeconds(50));
        assertThat(state(OFFER).waitingSince).isNull();

        // a suppressed (.edu) lead that started the wait ends it
        lead("l-4", OFFER, T0.plusSeconds(70));
        outcome(Outcome.suppressed("l-4", OFFER, false, 0, T0.plusSeconds(71)));
        assertThat(state(OFFER).waitingSince).isNull();

        // no lead for a day: idle
        assertThat(StatusViews.offer(state(OFFER), T0.plus(Duration.ofDays(2))).verdict())
                .isEqualTo(Verdict.IDLE);
    }

    @Test
    void eventsFromInterleavedPartitionsAreOrderedByTheirTimesNotTheirArrival() {
        lead("l-1", OFFER, T0);
        outcome(delivered("l-1", OFFER, T0.plusSeconds(10)));
        // two later leads arrive newest first: the wait starts at the older one
        lead("l-3", OFFER, T0.plusSeconds(40));
        lead("l-2", OFFER, T0.plusSeconds(30));
        OfferState s = state(OFFER);
        assertThat(s.waitingSince).isEqualTo(T0.plusSeconds(30));
        assertThat(s.lastReceivedLeadId).isEqualTo("l-3");
        // an older delivery arriving late neither replaces the last delivery nor ends a wait that began after it
        outcome(delivered("l-0", OFFER, T0.plusSeconds(5)));
        s = state(OFFER);
        assertThat(s.lastDeliveredLeadId).isEqualTo("l-1");
        assertThat(s.waitingSince).isEqualTo(T0.plusSeconds(30));
        // dead letters: the latest one by time is "the last dead letter"
        outcome(dead("l-2", OFFER, ErrorClass.DYNAMICS_TIMEOUT, T0.plusSeconds(60)));
        outcome(dead("l-3", OFFER, ErrorClass.AAD_INVALID_CLIENT_SECRET, T0.plusSeconds(50)));
        assertThat(state(OFFER).lastDeadLetterClass).isEqualTo(ErrorClass.DYNAMICS_TIMEOUT);
    }

    @Test
    void circuitsAndTheDestinationTypeAreTheLatestReport() {
        circuits.pipeInput(
                OTHER,
                new CircuitReport(
                        OTHER, "salesforce", CircuitReport.State.OPEN, T0, ErrorClass.SALESFORCE_LIMIT_EXCEEDED),
                T0);
        OfferState s = state(OTHER);
        assertThat(s.circuit.state()).isEqualTo(CircuitReport.State.OPEN);
        assertThat(s.destinationType).isEqualTo("salesforce");
        OfferStatus view = StatusViews.offer(s, T0.plusSeconds(5));
        assertThat(view.verdict()).isEqualTo(Verdict.FAILING);
        assertThat(view.circuitOpen()).isTrue();
        assertThat(view.explanation()).contains("circuit is open", "SALESFORCE_LIMIT_EXCEEDED");

        circuits.pipeInput(
                OTHER,
                new CircuitReport(OTHER, "salesforce", CircuitReport.State.CLOSED, T0.plusSeconds(60), null),
                T0.plusSeconds(60));
        assertThat(StatusViews.offer(state(OTHER), T0.plusSeconds(61)).circuitOpen())
                .isFalse();
    }

    @Test
    void noPersonalDataIsKeptAndUnreadableLeadsAreSkipped() {
        lead("l-1", OFFER, T0);
        rawLeads.pipeInput("k-bad", "{not json".getBytes(StandardCharsets.UTF_8), T0);
        rawLeads.pipeInput("k-no-offer", "{\"leadId\":\"x\"}".getBytes(StandardCharsets.UTF_8), T0);
        String stored = new String(
                StatusTopology.STATE_SERDE.serializer().serialize("t", state(OFFER)), StandardCharsets.UTF_8);
        assertThat(stored).doesNotContain("Zephyrine", "Quillfeather", "zq@contoso.com", "555 0100", "call me");
        KeyValueStore<String, OfferState> store = driver.getKeyValueStore(StatusTopology.OFFERS_STORE);
        List<String> offers = new ArrayList<>();
        try (KeyValueIterator<String, OfferState> it = store.all()) {
            it.forEachRemaining(kv -> offers.add(kv.key));
        }
        assertThat(offers).containsExactly(OFFER);
    }
}
