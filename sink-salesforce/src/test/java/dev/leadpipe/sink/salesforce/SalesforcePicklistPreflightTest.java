package dev.leadpipe.sink.salesforce;

import java.time.Duration;
import java.util.List;

import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.fakes.FakeSalesforce;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicReader;
import dev.leadpipe.sink.runtime.DeliveryFailure;
import dev.leadpipe.sink.runtime.SinkConfig;
import dev.leadpipe.sink.runtime.SinkRuntime;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.leadpipe.sink.runtime.testing.MarketplaceLeads.lead;
import static dev.leadpipe.sink.salesforce.SalesforceLeads.CANARY_SECRET;
import static dev.leadpipe.sink.salesforce.SalesforceLeads.clientCredentials;
import static dev.leadpipe.sink.salesforce.SalesforceLeads.webToLead;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Lead object with a required picklist {@code Industry__c} the marketplace cannot fill: the preflight reports it
 * (naming the field) before any lead; leads sent anyway dead-letter as SALESFORCE_REQUIRED_PICKLIST; the
 * marketplace's test lead (MSFT_TEST_...) is stopped by the preflight without any upsert reaching Salesforce.
 */
class SalesforcePicklistPreflightTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static final String CLIENT = "3MVG9-picklist";
    static final String GOOD_CLIENT = "3MVG9-no-picklist";
    static final String OFFER = "contoso.picklist";
    static final String TEST_LEAD = "MSFT_TEST_636573304831318844";

    static FakeSalesforce picklistOrg;
    static FakeSalesforce plainOrg;
    static SalesforceDestinationClient client;

    @BeforeAll
    static void start() {
        picklistOrg = FakeSalesforce.start()
                .addClientCredentialsApp(CLIENT, CANARY_SECRET)
                .requirePicklist("Industry__c", "Industry", "Software", "Retail");
        plainOrg = FakeSalesforce.start().addClientCredentialsApp(GOOD_CLIENT, CANARY_SECRET);
        client = new SalesforceDestinationClient(null, Duration.ofSeconds(5));
    }

    @AfterAll
    static void stop() {
        client.close();
        picklistOrg.close();
        plainOrg.close();
    }

    @Test
    void preflightNamesTheRequiredPicklist() {
        List<DeliveryFailure> problems =
                client.preflight(clientCredentials(OFFER, picklistOrg.url(), CLIENT, CANARY_SECRET));
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.errorClass()).isEqualTo(ErrorClass.SALESFORCE_REQUIRED_PICKLIST);
            assertThat(p.detail()).contains("Industry__c").contains("Industry").contains("text field or not required");
            assertThat(p.isTransient()).isFalse();
        });
        assertThat(picklistOrg.upsertRequests()).isZero();
    }

    @Test
    void preflightOfAGoodOrgAndOfWebToLead() {
        assertThat(client.preflight(clientCredentials(OFFER, plainOrg.url(), GOOD_CLIENT, CANARY_SECRET)))
                .isEmpty();
        assertThat(client.preflight(clientCredentials(OFFER, plainOrg.url(), GOOD_CLIENT, "CANARY-wrong")))
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.errorClass()).isEqualTo(ErrorClass.SALESFORCE_AUTH_FAILED);
                    assertThat(p.detail()).doesNotContain("CANARY");
                });
        assertThat(client.preflight(webToLead(OFFER, plainOrg.webToLeadUrl(), plainOrg.orgId())))
                .isEmpty();
        assertThat(client.preflight(webToLead(OFFER, plainOrg.webToLeadUrl(), "00Dxyz")))
                .singleElement()
                .extracting(DeliveryFailure::errorClass)
                .isEqualTo(ErrorClass.SALESFORCE_INVALID_ORG_ID);
    }

    @Test
    void leadsSentAnywayDeadLetterAndTheTestLeadIsStoppedByThePreflight() throws Exception {
        SalesforceLeads.publishDestinations(
                KAFKA.bootstrapServers(), List.of(clientCredentials(OFFER, picklistOrg.url(), CLIENT, CANARY_SECRET)));
        SinkConfig config = SinkConfig.of(KAFKA.bootstrapServers())
                .withAllowedHosts(DestinationAddresses.LOCAL_STAND_INS)
                .withGroupId("sink-salesforce-picklist")
                .withBackoff(Duration.ofMillis(100), Duration.ofMillis(300), 0.1)
                .withRetryBudget(3, Duration.ofSeconds(30));
        int upsertsBefore = picklistOrg.upsertRequests();
        try (SinkRuntime sink =
                SinkRuntime.start(config, new SalesforceDestinationClient(null, Duration.ofSeconds(5)))) {
            SalesforceLeads.publishLeads(KAFKA.bootstrapServers(), List.of(lead(TEST_LEAD, OFFER)), 0);
            List<ConsumerRecord<String, Outcome>> first = TopicReader.readUntil(
                    KAFKA.bootstrapServers(),
                    Topics.LEAD_OUTCOMES,
                    rs -> rs.size() >= 1,
                    Duration.ofSeconds(30),
                    Duration.ZERO);
            assertThat(first).singleElement().satisfies(r -> {
                assertThat(r.value().outcome()).isEqualTo(OutcomeType.DEAD_LETTERED);
                assertThat(r.value().errorClass()).isEqualTo(ErrorClass.SALESFORCE_REQUIRED_PICKLIST);
            });
            assertThat(picklistOrg.upsertRequests()).isEqualTo(upsertsBefore);

            SalesforceLeads.publishLeads(
                    KAFKA.bootstrapServers(), List.of(lead("lead-pick-1", OFFER), lead("lead-pick-2", OFFER)), 0);
            List<ConsumerRecord<String, byte[]>> dlq = TopicReader.readUntil(
                    KAFKA.bootstrapServers(),
                    Topics.LEADS_DLQ,
                    rs -> rs.size() >= 3,
                    Duration.ofSeconds(30),
                    Duration.ofMillis(300));
            assertThat(dlq).hasSize(3).allSatisfy(r -> {
                assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.ERROR_CLASS))
                        .isEqualTo(ErrorClass.SALESFORCE_REQUIRED_PICKLIST.code());
                assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.ATTEMPTS))
                        .isEqualTo("1");
                assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.UPSTREAM_DETAIL))
                        .contains("Industry__c");
            });
            assertThat(picklistOrg.upsertRequests()).isEqualTo(upsertsBefore + 2);
            assertThat(picklistOrg.recordCount()).isZero();
        }
    }
}
