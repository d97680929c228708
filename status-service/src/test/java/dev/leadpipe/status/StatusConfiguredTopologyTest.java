package dev.leadpipe.status;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
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
 * configured offers with no lead, deleted destinations, .edu-only offers and Web-to-Lead's "sent, not confirmed".
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
}
