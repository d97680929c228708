package dev.leadpipe.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

import dev.leadpipe.core.auth.StoredApiKey;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.ops.auth.ApiKeyRecords;
import dev.leadpipe.ops.auth.ApiKeys;
import dev.leadpipe.ops.auth.Role;
import dev.leadpipe.ops.testing.RouteAuthCheck;
import dev.leadpipe.ops.testing.TestKeys;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** Ingest's credentials: every route of its table, and the publisher scope of posted leads. */
class IngestAuthTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static RouteAuthCheck routeCheck;
    static String contosoFeed;
    static IngestService service;

    @BeforeAll
    static void start() {
        routeCheck = RouteAuthCheck.createKeys(KAFKA.bootstrapServers());
        contosoFeed = TestKeys.create(KAFKA.bootstrapServers(), EnumSet.of(Role.LEADS_WRITE), "contoso");
        service = IngestService.start(
                IngestConfig.defaults(KAFKA.bootstrapServers()).with(IngestConfig.PORT, 0));
    }

    @AfterAll
    static void stop() {
        service.stop();
    }

    @Test
    void everyRouteAsksForTheRightCredential() throws Exception {
        routeCheck.assertEveryRoute("http://127.0.0.1:" + service.port(), service.routes());
        assertThat(service.routes().routes())
                .extracting(Object::toString)
                .contains("POST /v1/leads", "GET /metrics", "PUT /v1/offers/{offerId}/lead-destination");
    }

    @Test
    void aPublisherScopedFeedKeyPostsOnlyItsPublishersLeads() {
        Http http = new Http(service.port(), contosoFeed);
        String own = LeadIngestTest.lead(LeadIngestTest.marker());
        String other = own.replace("contoso.", "fabrikam.");
        assertThat(other).isNotEqualTo(own);

        assertThat(http.postJson("/v1/leads", own).status()).isEqualTo(202);
        long before = TopicCounts.count(KAFKA.bootstrapServers(), Topics.LEADS);
        Http.Answer refused = http.postJson("/v1/leads", other);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().path("type").asText())
                .isEqualTo("https://leadpipe.dev/problems/publisher-not-allowed");

        Http.Answer mixed = http.postJson(
                "/v1/leads/batch",
                "[" + LeadIngestTest.lead(LeadIngestTest.marker()) + ","
                        + LeadIngestTest.lead(LeadIngestTest.marker()).replace("contoso.", "fabrikam.") + "]");
        assertThat(mixed.status()).as(mixed.body()).isEqualTo(207);
        assertThat(mixed.json().path("items").get(0).path("status").asInt()).isEqualTo(202);
        assertThat(mixed.json().path("items").get(1).path("status").asInt()).isEqualTo(403);

        Http.Answer allOther = http.postJson("/v1/leads/batch", "[" + other + "]");
        assertThat(allOther.status()).isEqualTo(403);
        assertThat(allOther.json().path("items").get(0).path("status").asInt()).isEqualTo(403);
        // only the batch's contoso lead was written after the refused single lead
        assertThat(TopicCounts.count(KAFKA.bootstrapServers(), Topics.LEADS)).isEqualTo(before + 1);
    }

    @Test
    void aKeyWhosePublishersChangeOrThatIsRevokedIsHonouredAtTheNextRequests() throws Exception {
        ApiKeys.NewKey key = ApiKeys.create(EnumSet.of(Role.LEADS_WRITE), List.of("contoso"), "scope", Instant.now());
        Http http = new Http(service.port(), key.key());
        String contoso = LeadIngestTest.lead(LeadIngestTest.marker());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        KAFKA.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all"),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            ApiKeyRecords.put(producer, key.stored(), Duration.ofSeconds(30));
            awaitStatus(202, () -> http.postJson("/v1/leads", contoso).status());
            assertThat(http.postJson("/v1/leads", contoso).status()).isEqualTo(202);

            StoredApiKey stored = key.stored();
            ApiKeyRecords.put(
                    producer,
                    new StoredApiKey(
                            stored.keyId(),
                            stored.secretHash(),
                            stored.roles(),
                            List.of("fabrikam"),
                            stored.createdAt(),
                            stored.description()),
                    Duration.ofSeconds(30));
            awaitStatus(403, () -> http.postJson("/v1/leads", contoso).status());
            assertThat(http.postJson("/v1/leads", contoso.replace("contoso.", "fabrikam."))
                            .status())
                    .isEqualTo(202);

            ApiKeyRecords.revoke(producer, stored.keyId(), Duration.ofSeconds(30));
            awaitStatus(
                    401,
                    () -> http.postJson("/v1/leads", contoso.replace("contoso.", "fabrikam."))
                            .status());
        }
    }

    /** Asks until the answer is {@code status}: the key catalog sees a change within a poll of its topic. */
    private static void awaitStatus(int status, IntSupplier answer) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int last = answer.getAsInt();
        while (last != status && System.nanoTime() < deadline) {
            Thread.sleep(50);
            last = answer.getAsInt();
        }
        assertThat(last).as("the answer within 30 s").isEqualTo(status);
    }
}
