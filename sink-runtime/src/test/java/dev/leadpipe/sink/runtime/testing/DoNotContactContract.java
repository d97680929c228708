package dev.leadpipe.sink.runtime.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.core.destination.DoNotContactLeads;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicReader;
import dev.leadpipe.kafka.testing.TopicWriter;
import dev.leadpipe.sink.runtime.DestinationClient;
import dev.leadpipe.sink.runtime.SinkConfig;
import dev.leadpipe.sink.runtime.SinkRuntime;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every CRM sink does with do-not-contact (DNC) leads, end to end: the real SinkRuntime on an embedded broker
 * delivers, through the sink's own client, to a stand-in of its destination, for two offers of the same destination:
 * one with the default {@code doNotContactLeads} (deliver-marked), one with {@code record-only}. Then:
 * <ul>
 * <li>deliver-marked: a DNC lead (ActionCode DNC) and one whose DNC is only in its LeadSource ({@code SPZA-DNC|...})
 *     are DELIVERED and reach the stand-in with its do-not-contact fields set; an install lead reaches it with them
 *     unset;</li>
 * <li>record-only: the DNC lead is not sent (the stand-in received nothing for it) and ends SUPPRESSED with
 *     DO_NOT_CONTACT_NOT_DELIVERED, the destination type and no attempt; a Contact me lead is DELIVERED unmarked.</li>
 * </ul>
 * A subclass starts its stand-in and says its client, a destination with extra settings, and how to read what the
 * stand-in stored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class DoNotContactContract {
    @RegisterExtension
    protected static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    protected static final String MARKED_OFFER = "contoso.dnc-deliver-marked";
    protected static final String RECORD_ONLY_OFFER = "contoso.dnc-record-only";

    private static final Lead DNC =
            MarketplaceLeads.lead("lead-dnc-marked", MARKED_OFFER, "AzureMarketplace-DNC|contoso.widget-saas", "DNC");
    private static final Lead DNC_IN_LEAD_SOURCE =
            MarketplaceLeads.lead("lead-dnc-spza", MARKED_OFFER, "SPZA-DNC|contoso.widget-saas", null);
    private static final Lead INSTALL =
            MarketplaceLeads.lead("lead-ins-marked", MARKED_OFFER, "AzureMarketplace-INS|contoso.widget-saas", "INS");
    private static final Lead DNC_RECORD_ONLY = MarketplaceLeads.lead(
            "lead-dnc-record-only", RECORD_ONLY_OFFER, "AppSource-DNC|contoso.widget-saas", "DNC");
    private static final Lead CONTACT_ME_RECORD_ONLY = MarketplaceLeads.lead(
            "lead-plt-record-only", RECORD_ONLY_OFFER, "AppSource-PLT|contoso.widget-saas", "PLT");
    private static final List<Lead> LEADS =
            List.of(DNC, DNC_IN_LEAD_SOURCE, INSTALL, DNC_RECORD_ONLY, CONTACT_ME_RECORD_ONLY);

    private List<ConsumerRecord<String, Outcome>> outcomes;
    private String type;

    /** Starts the stand-in. */
    protected abstract void startDestination() throws Exception;

    /** Stops it. */
    protected abstract void stopDestination();

    /** The sink's client, pointed at the stand-in. */
    protected abstract DestinationClient client();

    /** A destination of {@code offerId} at the stand-in, with {@code extra} settings added. */
    protected abstract LeadDestination destination(String offerId, Map<String, String> extra);

    /** What the stand-in stored for the lead (found by its leadId, or its Description {@code "lead <leadId>"}); null when nothing. */
    protected abstract Map<String, Object> stored(String leadId);

    /** How many leads the stand-in received, stored or not. */
    protected abstract int received();

    /** Asserts the stored fields mark the customer do-not-contact. */
    protected abstract void assertMarked(Map<String, Object> fields);

    /** Asserts the stored fields do not mark the customer do-not-contact. */
    protected abstract void assertNotMarked(Map<String, Object> fields);

    @BeforeAll
    void runTheSink() throws Exception {
        startDestination();
        TopicWriter.writeDestinations(
                KAFKA.bootstrapServers(),
                List.of(
                        destination(MARKED_OFFER, Map.of()),
                        destination(
                                RECORD_ONLY_OFFER,
                                Map.of(DoNotContactLeads.SETTING, DoNotContactLeads.RECORD_ONLY.value()))));
        DestinationClient client = client();
        type = client.type().wireName();
        SinkConfig config = SinkConfig.of(KAFKA.bootstrapServers())
                .withAllowedHosts(DestinationAddresses.LOCAL_STAND_INS)
                .withGroupId("sink-" + client.type().wireName() + "-dnc")
                .withBackoff(Duration.ofMillis(100), Duration.ofMillis(300), 0.1)
                .withRetryBudget(3, Duration.ofSeconds(30));
        try (SinkRuntime sink = SinkRuntime.start(config, client)) {
            TopicWriter.writeLeads(KAFKA.bootstrapServers(), Topics.deliveryTopic(client.type()), LEADS, 0);
            outcomes = TopicReader.readUntil(
                    KAFKA.bootstrapServers(),
                    Topics.LEAD_OUTCOMES,
                    rs -> rs.size() >= LEADS.size(),
                    Duration.ofSeconds(60),
                    Duration.ZERO);
        }
    }

    @AfterAll
    void stopTheDestination() {
        stopDestination();
    }

    @Test
    void aDncLeadReachesTheDestinationWithItsDoNotContactFieldsSet() {
        for (Lead lead : List.of(DNC, DNC_IN_LEAD_SOURCE)) {
            assertThat(outcomeOf(lead.leadId()).outcome()).as(lead.leadId()).isEqualTo(OutcomeType.DELIVERED);
            Map<String, Object> fields = stored(lead.leadId());
            assertThat(fields).as("stored " + lead.leadId()).isNotNull();
            assertMarked(fields);
        }
    }

    @Test
    void otherLeadsReachItUnmarked() {
        for (Lead lead : List.of(INSTALL, CONTACT_ME_RECORD_ONLY)) {
            assertThat(outcomeOf(lead.leadId()).outcome()).as(lead.leadId()).isEqualTo(OutcomeType.DELIVERED);
            Map<String, Object> fields = stored(lead.leadId());
            assertThat(fields).as("stored " + lead.leadId()).isNotNull();
            assertNotMarked(fields);
        }
    }

    @Test
    void recordOnlySendsNothingAndSaysWhy() {
        Outcome outcome = outcomeOf(DNC_RECORD_ONLY.leadId());
        assertThat(outcome.outcome()).isEqualTo(OutcomeType.SUPPRESSED);
        assertThat(outcome.errorClass()).isEqualTo(ErrorClass.DO_NOT_CONTACT_NOT_DELIVERED);
        assertThat(outcome.destinationType()).isEqualTo(type);
        assertThat(outcome.attempts()).isNull();
        assertThat(outcome.offerId()).isEqualTo(RECORD_ONLY_OFFER);
        assertThat(ErrorClass.DO_NOT_CONTACT_NOT_DELIVERED.remediation())
                .contains("must not be", DoNotContactLeads.SETTING, "deliver-marked");
        assertThat(stored(DNC_RECORD_ONLY.leadId())).isNull();
        assertThat(received()).as("leads the stand-in received").isEqualTo(LEADS.size() - 1);
    }

    private Outcome outcomeOf(String leadId) {
        List<Outcome> of = new ArrayList<>();
        outcomes.forEach(r -> {
            if (r.value().leadId().equals(leadId)) {
                of.add(r.value());
            }
        });
        assertThat(of).as("outcomes of " + leadId).hasSize(1);
        return of.get(0);
    }
}
