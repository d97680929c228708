package dev.leadpipe.sink.salesforce;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.fakes.FakeSalesforce;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicReader;
import dev.leadpipe.sink.runtime.SinkConfig;
import dev.leadpipe.sink.runtime.SinkRuntime;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.leadpipe.sink.runtime.testing.MarketplaceLeads.lead;
import static dev.leadpipe.sink.salesforce.SalesforceLeads.CANARY_SECRET;
import static dev.leadpipe.sink.salesforce.SalesforceLeads.clientCredentials;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * 1,000 REST leads, each written twice to deliveries.salesforce plus a replayed third copy
 * (leadpipe.replay.count=1): exactly 1,000 Lead records in Salesforce (each upserted 3 times on the external id),
 * 3,000 DELIVERED outcomes, no dead letter, and one token request for all 3,000 deliveries.
 */
class SalesforceIdempotencyTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static final String CLIENT = "3MVG9-idempotent";
    static final String OFFER = "contoso.idempotent";
    static final int LEADS = 1_000;

    @Test
    void eachLeadIsOneRecordHoweverOftenItIsDelivered() throws Exception {
        try (FakeSalesforce salesforce = FakeSalesforce.start().addClientCredentialsApp(CLIENT, CANARY_SECRET)) {
            SalesforceLeads.publishDestinations(
                    KAFKA.bootstrapServers(),
                    List.of(clientCredentials(OFFER, salesforce.url(), CLIENT, CANARY_SECRET)));
            SinkConfig config = SinkConfig.of(KAFKA.bootstrapServers())
                    .withAllowedHosts(DestinationAddresses.LOCAL_STAND_INS)
                    .withGroupId("sink-salesforce-idempotency")
                    .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1), 0.1)
                    .withMaxConcurrencyPerEndpoint(16);
            List<Lead> leads = IntStream.range(0, LEADS)
                    .mapToObj(i -> lead("lead-idem-" + i, OFFER))
                    .toList();
            try (SinkRuntime sink =
                    SinkRuntime.start(config, new SalesforceDestinationClient(null, Duration.ofSeconds(10)))) {
                SalesforceLeads.publishLeads(KAFKA.bootstrapServers(), leads, 0);
                SalesforceLeads.publishLeads(KAFKA.bootstrapServers(), leads, 0);
                SalesforceLeads.publishLeads(KAFKA.bootstrapServers(), leads, 1);

                List<ConsumerRecord<String, Outcome>> outcomes = TopicReader.readUntil(
                        KAFKA.bootstrapServers(),
                        Topics.LEAD_OUTCOMES,
                        rs -> rs.size() >= 3 * LEADS,
                        Duration.ofSeconds(60),
                        Duration.ofSeconds(1));
                assertThat(outcomes).hasSize(3 * LEADS);
                assertThat(outcomes)
                        .allSatisfy(r -> assertThat(r.value().outcome()).isEqualTo(OutcomeType.DELIVERED));
                Set<String> delivered =
                        outcomes.stream().map(ConsumerRecord::key).collect(Collectors.toSet());
                assertThat(delivered).hasSize(LEADS);
                assertThat(outcomes.stream().filter(r -> r.value().replayCount() == 1))
                        .hasSize(LEADS);
                assertThat(outcomes)
                        .allSatisfy(r -> assertThat(r.value().destinationRecordId())
                                .isEqualTo(salesforce.record(r.key()).id()));
            }
            assertThat(salesforce.recordCount()).isEqualTo(LEADS);
            assertThat(salesforce.records().values())
                    .allSatisfy(r -> assertThat(r.writes()).isEqualTo(3));
            assertThat(salesforce.tokenRequests(CLIENT)).isEqualTo(1);
            assertThat(TopicReader.readAll(KAFKA.bootstrapServers(), Topics.LEADS_DLQ))
                    .isEmpty();
        }
    }
}
