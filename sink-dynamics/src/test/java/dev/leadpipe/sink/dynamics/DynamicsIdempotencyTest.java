package dev.leadpipe.sink.dynamics;

import java.net.http.HttpClient;
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
import dev.leadpipe.fakes.FakeAzureAd;
import dev.leadpipe.fakes.FakeDataverse;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicReader;
import dev.leadpipe.sink.runtime.SinkConfig;
import dev.leadpipe.sink.runtime.SinkRuntime;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.leadpipe.sink.dynamics.DynamicsLeads.CANARY_SECRET;
import static dev.leadpipe.sink.dynamics.DynamicsLeads.TENANT;
import static dev.leadpipe.sink.dynamics.DynamicsLeads.aad;
import static dev.leadpipe.sink.runtime.testing.MarketplaceLeads.lead;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * 1,000 leads, each written twice to deliveries.dynamics plus a replayed third copy (leadpipe.replay.count=1):
 * exactly 1,000 lead rows in Dataverse (each upserted 3 times on its alternate key), 1,000 leadIds DELIVERED, no
 * dead letter, and one token request for all 3,000 deliveries (msal4j's token cache).
 */
class DynamicsIdempotencyTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static final String APP = "0b0b0b0b-2222-4222-8222-000000000001";
    static final String OFFER = "contoso.idempotent";
    static final int LEADS = 1_000;

    @Test
    void eachLeadIsOneRowHoweverOftenItIsDelivered() throws Exception {
        try (FakeAzureAd aadFake = FakeAzureAd.start().addApp(TENANT, APP, CANARY_SECRET);
                FakeDataverse dataverse = FakeDataverse.start(aadFake)) {
            DynamicsLeads.publishDestinations(
                    KAFKA.bootstrapServers(), List.of(aad(OFFER, dataverse.url(), TENANT, APP, CANARY_SECRET)));
            SinkConfig config = SinkConfig.of(KAFKA.bootstrapServers())
                    .withAllowedHosts(DestinationAddresses.LOCAL_STAND_INS)
                    .withGroupId("sink-dynamics-idempotency")
                    .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1), 0.1)
                    .withMaxConcurrencyPerEndpoint(DynamicsSinkApp.DATAVERSE_CONCURRENCY_LIMIT);
            List<Lead> leads = IntStream.range(0, LEADS)
                    .mapToObj(i -> lead("lead-idem-" + i, OFFER))
                    .toList();
            try (SinkRuntime sink = SinkRuntime.start(
                    config,
                    new DynamicsDestinationClient(
                            aadFake.authorityHost(),
                            MsalHttp.via(aadFake.baseUrl(), HttpClient.newHttpClient(), Duration.ofSeconds(30)),
                            null,
                            Duration.ofSeconds(10)))) {
                DynamicsLeads.publishLeads(KAFKA.bootstrapServers(), leads, 0);
                DynamicsLeads.publishLeads(KAFKA.bootstrapServers(), leads, 0);
                DynamicsLeads.publishLeads(KAFKA.bootstrapServers(), leads, 1);

                List<ConsumerRecord<String, Outcome>> outcomes = TopicReader.readUntil(
                        KAFKA.bootstrapServers(),
                        Topics.LEAD_OUTCOMES,
                        rs -> rs.size() >= 3 * LEADS,
                        Duration.ofSeconds(90),
                        Duration.ofSeconds(1));
                assertThat(outcomes).hasSize(3 * LEADS);
                assertThat(outcomes)
                        .allSatisfy(r -> assertThat(r.value().outcome()).isEqualTo(OutcomeType.DELIVERED));
                Set<String> delivered =
                        outcomes.stream().map(ConsumerRecord::key).collect(Collectors.toSet());
                assertThat(delivered).hasSize(LEADS);
                assertThat(outcomes.stream().filter(r -> r.value().replayCount() == 1))
                        .hasSize(LEADS);
            }
            assertThat(dataverse.recordCount()).isEqualTo(LEADS);
            assertThat(dataverse.records().values())
                    .allSatisfy(r -> assertThat(r.writes()).isEqualTo(3));
            assertThat(dataverse.maxConcurrent()).isLessThanOrEqualTo(DynamicsSinkApp.DATAVERSE_CONCURRENCY_LIMIT);
            assertThat(dataverse.concurrencyThrottledRequests()).isZero();
            assertThat(aadFake.tokenRequests(APP)).isEqualTo(1);
            assertThat(TopicReader.readAll(KAFKA.bootstrapServers(), Topics.LEADS_DLQ))
                    .isEmpty();
        }
    }
}
