package dev.leadpipe.sink.dynamics;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
import org.slf4j.LoggerFactory;

import static dev.leadpipe.sink.dynamics.DynamicsLeads.CANARY_SECRET;
import static dev.leadpipe.sink.dynamics.DynamicsLeads.TENANT;
import static dev.leadpipe.sink.dynamics.DynamicsLeads.aad;
import static dev.leadpipe.sink.runtime.testing.MarketplaceLeads.lead;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 30-second 429 storm: Dataverse answers every upsert 429 (Retry-After 2 s) for 30 s and, throughout, enforces its
 * concurrent-request limit of 52 per user (a 53rd concurrent request would get 429 0x80072326). With the sink's
 * configuration as DynamicsSinkApp builds it (52 per endpoint = per Dataverse user) and a 3-minute retry budget,
 * all 400 leads are delivered, none is dead-lettered, and Dataverse never sees more than 52 concurrent requests.
 */
class DynamicsThrottlingStormTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static final String APP = "0c0c0c0c-3333-4333-8333-000000000001";
    static final String OFFER = "contoso.storm";
    static final int LEADS = 400;
    static final Duration STORM = Duration.ofSeconds(30);

    @Test
    void ridesOutAThrottlingStormWithoutDeadLettersOrExceedingTheCap() throws Exception {
        SinkConfig config = DynamicsSinkApp.config(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS",
                KAFKA.bootstrapServers(),
                SinkConfig.GROUP_ID_ENV,
                "sink-dynamics-storm",
                SinkConfig.MAX_ATTEMPTS_ENV,
                "200",
                SinkConfig.MAX_RETRY_TIME_ENV,
                "3m",
                SinkConfig.INITIAL_BACKOFF_ENV,
                "500ms",
                SinkConfig.MAX_BACKOFF_ENV,
                "5s",
                SinkConfig.BREAKER_OPEN_DURATION_ENV,
                "2s",
                DestinationAddresses.ALLOWED_HOSTS_ENV,
                "127.0.0.1,localhost"));
        assertThat(config.maxConcurrencyPerEndpoint()).isEqualTo(DynamicsSinkApp.DATAVERSE_CONCURRENCY_LIMIT);

        try (FakeAzureAd aadFake = FakeAzureAd.start().addApp(TENANT, APP, CANARY_SECRET);
                FakeDataverse dataverse = FakeDataverse.start(aadFake)
                        .concurrencyLimit(DynamicsSinkApp.DATAVERSE_CONCURRENCY_LIMIT)
                        .delay(Duration.ofMillis(50))
                        .retryAfter(Duration.ofSeconds(2))) {
            DynamicsLeads.publishDestinations(
                    KAFKA.bootstrapServers(), List.of(aad(OFFER, dataverse.url(), TENANT, APP, CANARY_SECRET)));
            List<Lead> leads = IntStream.range(0, LEADS)
                    .mapToObj(i -> lead("lead-storm-" + i, OFFER))
                    .toList();
            try (SinkRuntime sink = SinkRuntime.start(
                    config,
                    new DynamicsDestinationClient(
                            aadFake.authorityHost(),
                            MsalHttp.via(aadFake.baseUrl(), HttpClient.newHttpClient(), Duration.ofSeconds(30)),
                            null,
                            Duration.ofSeconds(10)))) {
                dataverse.throttleFor(STORM);
                DynamicsLeads.publishLeads(KAFKA.bootstrapServers(), leads, 0);

                List<ConsumerRecord<String, Outcome>> outcomes = TopicReader.readUntil(
                        KAFKA.bootstrapServers(),
                        Topics.LEAD_OUTCOMES,
                        rs -> rs.size() >= LEADS,
                        Duration.ofSeconds(150),
                        Duration.ofMillis(500));
                assertThat(outcomes)
                        .allSatisfy(r -> assertThat(r.value().outcome()).isEqualTo(OutcomeType.DELIVERED));
                Set<String> delivered =
                        outcomes.stream().map(ConsumerRecord::key).collect(Collectors.toSet());
                assertThat(delivered).hasSize(LEADS);
            }
            assertThat(dataverse.throttledRequests()).isGreaterThan(0);
            assertThat(dataverse.recordCount()).isEqualTo(LEADS);
            LoggerFactory.getLogger(DynamicsThrottlingStormTest.class)
                    .info(
                            "storm: {} upserts, {} answered 429, max concurrent {}",
                            dataverse.upsertRequests(),
                            dataverse.throttledRequests(),
                            dataverse.maxConcurrent());
            assertThat(dataverse.maxConcurrent()).isLessThanOrEqualTo(DynamicsSinkApp.DATAVERSE_CONCURRENCY_LIMIT);
            assertThat(dataverse.concurrencyThrottledRequests()).isZero();
            assertThat(TopicReader.readAll(KAFKA.bootstrapServers(), Topics.LEADS_DLQ))
                    .isEmpty();
        }
    }
}
