package dev.leadpipe.status;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.UserDetails;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.status.StatusViews.OfferStatus;
import dev.leadpipe.status.StatusViews.Verdict;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fold of {@code lead-destinations} and of the outcomes that answer "why no leads?", on Kafka's TopologyTestDriver:
 * configured offers with no lead, deleted destinations, .edu-only offers, do-not-contact leads a {@code record-only}
 * destination did not get (counted apart from .edu ones) and Web-to-Lead's "sent, not confirmed".
 */
class StatusConfiguredTopologyTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final String OFFER = "contoso.widget";

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> destinations;
    private TestInputTopic<String, Lead> leads;
    private TestInputTopic<String, Outcome> outcomes;

    @BeforeEach
    void startDriver() {
        StatusConfig config = StatusConfig.of("unused:9092").with(StatusConfig.STATE_DIR, stateDir);
        driver = new TopologyTestDriver(StatusTopology.build(config), config.streamsProperties());
        destinations = driver.createInputTopic(
                Topics.LEAD_DESTINATIONS.name(), new StringSerializer(), new ByteArraySerializer());
        leads = driver.createInputTopic(
                Topics.LEADS.name(),
                new StringSerializer(),
                Topics.LEADS.valueSerde().serializer());
        outcomes = driver.createInputTopic(
                Topics.LEAD_OUTCOMES.name(),
                new StringSerializer(),
                Topics.LEAD_OUTCOMES.valueSerde().serializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    private void configure(String offer, DestinationType type, Instant at) {
        LeadDestination d = new LeadDestination(
                offer, type, Map.of("organizationId", "00D5g000004XyZa"), List.of("ops@contoso.example"), 1, at);
        destinations.pipeInput(
                offer, Topics.LEAD_DESTINATIONS.valueSerde().serializer().serialize("t", d), at);
    }

    private void lead(String leadId, Instant at) {
        leads.pipeInput(
                leadId,
                new Lead(
                        leadId,
                        OFFER,
                        at,
                        false,
                        new UserDetails("A", "B", "withheld@school.edu", null, "US", null, null, Map.of()),
                        "AzureMarketplace-INS|" + OFFER,
                        "INS",
                        "Widget",
                        null,
                        Map.of()),
                at);
    }

    private OfferState state() {
        KeyValueStore<String, OfferState> store = driver.getKeyValueStore(StatusTopology.OFFERS_STORE);
        return store.get(OFFER);
    }

    private OfferStatus view(Instant now) {
        return StatusViews.offer(state(), now);
    }

    @Test
    void aConfiguredOfferIsWaitingForLeadsUntilItsFirstLead() {
        configure(OFFER, DestinationType.SALESFORCE, T0);
        OfferStatus v = view(T0.plusSeconds(60));
        assertThat(v.verdict()).isEqualTo(Verdict.AWAITING_LEADS);
        assertThat(v.configured()).isTrue();
        assertThat(v.destinationType()).isEqualTo("salesforce");
        assertThat(v.explanation())
                .startsWith("configured, waiting for leads: the salesforce destination saved at " + T0);
        assertThat(v.hasProblem()).isFalse();

        lead("l-1", T0.plusSeconds(100));
        outcomes.pipeInput(
                "l-1",
                Outcome.sentUnconfirmed("l-1", OFFER, "salesforce", 1, 10, false, 0, T0.plusSeconds(101), "advice"),
                T0.plusSeconds(101));
        OfferStatus after = view(T0.plusSeconds(200));
        assertThat(after.verdict()).isEqualTo(Verdict.HEALTHY);
        assertThat(after.last24h().sentUnconfirmed()).isEqualTo(1);
        assertThat(after.last24h().delivered()).isZero();
        assertThat(after.lastDelivered()).isNull();
        assertThat(after.lastSentUnconfirmed().leadId()).isEqualTo("l-1");
        assertThat(after.waitingSince()).as("a sent lead is not waiting").isNull();
        assertThat(after.explanation()).startsWith("1 sent, not confirmed (");
    }

    @Test
    void aNoneDestinationIsNotWaitingForLeadsItHoldsThem() {
        configure(OFFER, DestinationType.NONE, T0);
        OfferStatus v = view(T0.plusSeconds(60));
        assertThat(v.verdict()).isEqualTo(Verdict.IDLE);
        assertThat(v.explanation()).contains("the destination is none: leads will be held");
    }

    @Test
    void aDestinationDeletedBeforeAnyLeadLeavesNothing() {
        configure(OFFER, DestinationType.TABLE, T0);
        assertThat(state()).isNotNull();
        destinations.pipeInput(OFFER, (byte[]) null, T0.plusSeconds(5));
        assertThat(state()).isNull();
        destinations.pipeInput("never.seen", (byte[]) null, T0.plusSeconds(6));
        KeyValueStore<String, OfferState> store = driver.getKeyValueStore(StatusTopology.OFFERS_STORE);
        assertThat(store.approximateNumEntries()).isZero();
    }

    @Test
    void aDestinationDeletedAfterLeadsKeepsTheOfferUnconfiguredAndAnUnreadableOneReadsAsNone() {
        configure(OFFER, DestinationType.TABLE, T0);
        lead("l-1", T0.plusSeconds(1));
        destinations.pipeInput(OFFER, (byte[]) null, T0.plusSeconds(5));
        assertThat(state()).isNotNull();
        assertThat(state().configured).isFalse();

        configure(OFFER, DestinationType.TABLE, T0.plusSeconds(6));
        assertThat(state().configured).isTrue();
        destinations.pipeInput(OFFER, "{not json".getBytes(StandardCharsets.UTF_8), T0.plusSeconds(7));
        assertThat(state().configured).isFalse();
    }

    @Test
    void anOfferWhoseOnlyLeadsCameFromEduCustomersSaysSo() {
        configure(OFFER, DestinationType.HTTPS, T0);
        for (int i = 0; i < 4; i++) {
            lead("edu-" + i, T0.plusSeconds(10 + i));
            outcomes.pipeInput(
                    "edu-" + i,
                    Outcome.suppressed("edu-" + i, OFFER, false, 0, T0.plusSeconds(20 + i)),
                    T0.plusSeconds(20));
        }
        OfferStatus v = view(T0.plusSeconds(60));
        assertThat(v.verdict()).isEqualTo(Verdict.IDLE);
        assertThat(v.explanation())
                .isEqualTo("4 leads from .edu customers in the last 24 h: " + StatusWording.EDU_WITHHELD
                        + "; no other lead was received");
        assertThat(v.total().suppressed()).isEqualTo(4);

        // two days on, the window is empty, the explanation still says why nothing ever arrived
        OfferStatus later = view(T0.plusSeconds(2 * 86_400));
        assertThat(later.verdict()).isEqualTo(Verdict.IDLE);
        assertThat(later.explanation()).contains("all 4 received so far came from .edu customers");
    }

    private void edu(String leadId, Instant at) {
        lead(leadId, at);
        outcomes.pipeInput(leadId, Outcome.suppressed(leadId, OFFER, false, 0, at.plusSeconds(1)), at.plusSeconds(1));
    }

    private void doNotContact(String leadId, Instant at) {
        lead(leadId, at);
        outcomes.pipeInput(
                leadId,
                Outcome.notSent(
                        leadId, OFFER, "https", ErrorClass.DO_NOT_CONTACT_NOT_DELIVERED, false, 0, at.plusSeconds(1)),
                at.plusSeconds(1));
    }

    @Test
    void doNotContactLeadsAreCountedApartFromEduLeadsAndSaidTruthfully() throws Exception {
        configure(OFFER, DestinationType.HTTPS, T0);
        edu("edu-1", T0.plusSeconds(10));
        edu("edu-2", T0.plusSeconds(11));
        doNotContact("dnc-1", T0.plusSeconds(12));
        doNotContact("dnc-2", T0.plusSeconds(13));
        doNotContact("dnc-3", T0.plusSeconds(14));

        OfferStatus v = view(T0.plusSeconds(60));
        assertThat(v.verdict()).isEqualTo(Verdict.IDLE);
        assertThat(List.of(
                        v.last24h().received(),
                        v.last24h().suppressed(),
                        v.last24h().notContacted()))
                .as("received, suppressed (every SUPPRESSED outcome), of them do-not-contact")
                .containsExactly(5L, 5L, 3L);
        assertThat(v.total().notContacted()).isEqualTo(3);
        assertThat(v.explanation())
                .isEqualTo("2 leads from .edu customers in the last 24 h: " + StatusWording.EDU_WITHHELD
                        + "; 3 do-not-contact leads recorded, not delivered (doNotContactLeads=record-only) in the"
                        + " last 24 h: " + StatusWording.NOT_CONTACTED_ADVICE + "; no other lead was received");
        var json = Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(v));
        assertThat(json.path("last24h").path("suppressed").asLong()).isEqualTo(5);
        assertThat(json.path("last24h").path("notContacted").asLong()).isEqualTo(3);
        assertThat(json.path("total").path("notContacted").asLong()).isEqualTo(3);

        // two days on: not "all 5 came from .edu customers"
        OfferStatus later = view(T0.plusSeconds(2 * 86_400));
        assertThat(later.verdict()).isEqualTo(Verdict.IDLE);
        assertThat(later.explanation())
                .endsWith("; none of the 5 received so far was forwarded: 2 from .edu customers (personal data"
                        + " withheld), 3 do-not-contact leads recorded, not delivered (doNotContactLeads=record-only)")
                .doesNotContain("came from .edu customers");

        // a delivered lead: healthy, each kind counted under its own words
        lead("l-1", T0.plusSeconds(100));
        outcomes.pipeInput(
                "l-1",
                Outcome.delivered("l-1", OFFER, "https", "rec-1", 1, 10, false, 0, T0.plusSeconds(101)),
                T0.plusSeconds(101));
        OfferStatus healthy = view(T0.plusSeconds(200));
        assertThat(healthy.verdict()).isEqualTo(Verdict.HEALTHY);
        assertThat(healthy.explanation())
                .startsWith("1 delivered, 2 from .edu customers withheld, 3 do-not-contact leads recorded, not"
                        + " delivered (doNotContactLeads=record-only) in the last 24 h; last delivered l-1");
        assertThat(StatusPage.render(StatusViews.overview(List.of(state()), Map.of(), T0.plusSeconds(200))))
                .contains("<th>Suppressed (.edu)</th><th>Do-not-contact, not delivered</th>")
                .containsPattern("<td class=\"num\">2</td>\\s*<td class=\"num\">3</td>");
    }

    @Test
    void anOfferWhoseOnlyLeadsWereDoNotContactIsNotCalledEduOnly() {
        configure(OFFER, DestinationType.HTTPS, T0);
        doNotContact("dnc-1", T0.plusSeconds(10));
        doNotContact("dnc-2", T0.plusSeconds(11));

        OfferStatus v = view(T0.plusSeconds(60));
        assertThat(v.verdict()).isEqualTo(Verdict.IDLE);
        assertThat(v.explanation())
                .isEqualTo("2 do-not-contact leads recorded, not delivered (doNotContactLeads=record-only) in the last"
                        + " 24 h: " + StatusWording.NOT_CONTACTED_ADVICE + "; no other lead was received")
                .doesNotContain(".edu");
        assertThat(view(T0.plusSeconds(2 * 86_400)).explanation())
                .contains("; all 2 received so far were do-not-contact leads recorded, not delivered"
                        + " (doNotContactLeads=record-only): ")
                .doesNotContain(".edu");
    }

    @Test
    void aStateWrittenBeforeDoNotContactWasCountedStillReadsAndCountsOn() {
        configure(OFFER, DestinationType.HTTPS, T0);
        long hour = T0.getEpochSecond();
        String counts = "{\"received\":2,\"delivered\":0,\"sentUnconfirmed\":0,\"suppressed\":2,\"deadLettered\":0}";
        String previous = "{\"offerId\":\"" + OFFER
                + "\",\"destinationType\":\"https\",\"lastReceivedLeadId\":\"edu-2\","
                + "\"lastReceivedAt\":\"2026-12-01T10:00:11Z\",\"hours\":{\"" + hour + "\":" + counts + "},\"open\":{},"
                + "\"total\":" + counts + ",\"configured\":true,\"configuredType\":\"https\","
                + "\"configuredAt\":\"2026-12-01T10:00:00Z\"}";
        OfferState old = StatusTopology.STATE_SERDE
                .deserializer()
                .deserialize("status-offers", previous.getBytes(StandardCharsets.UTF_8));
        assertThat(old.total.suppressed).isEqualTo(2);
        assertThat(old.total.notContacted).as("absent: 0").isZero();
        assertThat(StatusViews.offer(old, T0.plusSeconds(60)).explanation())
                .startsWith("2 leads from .edu customers in the last 24 h");
        driver.<String, OfferState>getKeyValueStore(StatusTopology.OFFERS_STORE).put(OFFER, old);

        doNotContact("dnc-1", T0.plusSeconds(20));
        OfferStatus v = view(T0.plusSeconds(60));
        assertThat(List.of(
                        v.last24h().received(),
                        v.last24h().suppressed(),
                        v.last24h().notContacted()))
                .containsExactly(3L, 3L, 1L);
        assertThat(List.of(
                        v.total().received(), v.total().suppressed(), v.total().notContacted()))
                .containsExactly(3L, 3L, 1L);
        assertThat(v.explanation())
                .startsWith("2 leads from .edu customers in the last 24 h: " + StatusWording.EDU_WITHHELD
                        + "; 1 do-not-contact lead recorded, not delivered (doNotContactLeads=record-only) in the last"
                        + " 24 h: ");
    }
}
