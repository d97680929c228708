package dev.leadpipe.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.secret.SecretKeyring;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicReader;
import dev.leadpipe.ops.testing.TestKeys;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** Offers' lead destinations through the HTTP API, on the real compacted {@code lead-destinations} topic. */
class DestinationApiTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static String key;

    private static final String CANARY = "CANARY-s3cr3t-value-0123456789";

    private static IngestService service;
    private static Http http;

    @BeforeAll
    static void start() {
        key = TestKeys.operator(KAFKA.bootstrapServers());
        service = IngestService.start(IngestConfig.defaults(KAFKA.bootstrapServers())
                .with(DestinationAddresses.ALLOWED_HOSTS, DestinationAddresses.LOCAL_STAND_INS)
                .with(IngestConfig.PORT, 0));
        http = new Http(service.port(), key);
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.stop();
        }
    }

    private static String dynamics(String secret) {
        return """
                {"type": "dynamics",
                 "settings": {"instanceUrl": "https://contoso.crm.dynamics.com", "tenantId": "contoso.onmicrosoft.com",
                              "applicationId": "11111111-2222-3333-4444-555555555555", "clientSecret": "%s"},
                 "contactEmails": ["leads@contoso.com", "ops@contoso.com"]}
                """.formatted(secret);
    }

    private static List<ConsumerRecord<String, LeadDestination>> destinationRecords(String offerId, int atLeast) {
        return TopicReader.readUntil(
                        KAFKA.bootstrapServers(),
                        Topics.LEAD_DESTINATIONS,
                        records -> records.stream()
                                        .filter(r -> r.key().equals(offerId))
                                        .count()
                                >= atLeast,
                        Duration.ofSeconds(30),
                        Duration.ZERO)
                .stream()
                .filter(r -> r.key().equals(offerId))
                .toList();
    }

    private static List<String> pointers(JsonNode errors) {
        List<String> out = new ArrayList<>();
        errors.forEach(e -> out.add(e.path("pointer").asText()));
        return out;
    }

    @Test
    void aDestinationIsStoredAndShownWithItsSecretsMasked() {
        String path = "/v1/offers/contoso.crm-sync/lead-destination";
        Http.Answer created = http.put(path, dynamics(CANARY));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.contentType()).startsWith("application/json");
        assertThat(created.body()).doesNotContain(CANARY);
        JsonNode json = created.json();
        assertThat(json.path("offerId").asText()).isEqualTo("contoso.crm-sync");
        assertThat(json.path("type").asText()).isEqualTo("dynamics");
        assertThat(json.path("version").asLong()).isEqualTo(1);
        assertThat(json.path("settings").path("clientSecret").asText()).isEqualTo(LeadDestination.MASK);
        assertThat(json.path("settings").path("applicationId").asText())
                .isEqualTo("11111111-2222-3333-4444-555555555555");
        assertThat(json.path("contactEmails")).hasSize(2);

        Http.Answer read = http.get(path);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body()).doesNotContain(CANARY);
        assertThat(read.json().path("settings").path("clientSecret").asText()).isEqualTo(LeadDestination.MASK);
        assertThat(read.json().path("version").asLong()).isEqualTo(1);

        Http.Answer updated = http.put(path, dynamics(CANARY + "-rotated"));
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(updated.json().path("version").asLong()).isEqualTo(2);
        assertThat(updated.body()).doesNotContain(CANARY);

        List<ConsumerRecord<String, LeadDestination>> records = destinationRecords("contoso.crm-sync", 2);
        LeadDestination latest = records.get(records.size() - 1).value();
        assertThat(latest.type()).isEqualTo(DestinationType.DYNAMICS);
        assertThat(latest.version()).isEqualTo(2);
        assertThat(latest.settings().get("clientSecret"))
                .as("encrypted on the topic")
                .startsWith(SecretKeyring.PREFIX)
                .doesNotContain(CANARY);
        assertThat(SecretKeyring.fromEnvironment().decryptSecrets(latest).settings())
                .containsEntry("clientSecret", CANARY + "-rotated");
        assertThat(latest.updatedAt()).isNotNull();
    }

    @Test
    void aDeletedDestinationIsGone() {
        String path = "/v1/offers/fabrikam.to-delete/lead-destination";
        assertThat(http.put(
                                path,
                                "{\"type\": \"https\", \"settings\": {\"url\": \"https://example.com/flow?sig=" + CANARY
                                        + "\"}}")
                        .status())
                .isEqualTo(201);

        Http.Answer deleted = http.delete(path);
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();

        Http.Answer read = http.get(path);
        assertThat(read.status()).isEqualTo(404);
        assertThat(read.contentType()).startsWith("application/problem+json");
        assertThat(read.json().path("type").asText()).isEqualTo("https://leadpipe.dev/problems/not-found");
        assertThat(http.delete(path).status()).isEqualTo(404);

        List<ConsumerRecord<String, LeadDestination>> records = destinationRecords("fabrikam.to-delete", 2);
        assertThat(records.get(records.size() - 1).value()).as("a tombstone").isNull();

        Http.Answer recreated = http.put(path, "{\"type\": \"none\"}");
        assertThat(recreated.status()).isEqualTo(201);
        assertThat(recreated.json().path("version").asLong()).isEqualTo(1);
    }

    @Test
    void everyBadFieldOfADestinationIsNamedAtOnce() {
        long before = TopicCounts.count(KAFKA.bootstrapServers(), Topics.LEAD_DESTINATIONS);
        String body = """
                {"type": "ftp", "settings": {"password": 42, "host": "ok", "clientSecret": "%s"},
                 "contactEmails": ["not-an-address", 7, "fine@contoso.com"], "colour": "blue"}
                """.formatted(CANARY);
        Http.Answer answer = http.put("/v1/offers/nodot/lead-destination", body);

        assertThat(answer.status()).as(answer.body()).isEqualTo(422);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.json().path("type").asText()).isEqualTo("https://leadpipe.dev/problems/invalid-destination");
        assertThat(pointers(answer.json().path("errors")))
                .containsExactlyInAnyOrder(
                        "path:offerId",
                        "/type",
                        "/settings/password",
                        "/contactEmails/0",
                        "/contactEmails/1",
                        "/colour");
        assertThat(answer.body())
                .doesNotContain(CANARY)
                .doesNotContain("not-an-address")
                .doesNotContain("ftp");
        assertThat(TopicCounts.count(KAFKA.bootstrapServers(), Topics.LEAD_DESTINATIONS))
                .isEqualTo(before);
    }

    @Test
    void aDestinationMustBeAnObjectWithAType() {
        Http.Answer answer = http.put("/v1/offers/contoso.x/lead-destination", "{\"settings\": []}");
        assertThat(answer.status()).isEqualTo(422);
        assertThat(pointers(answer.json().path("errors"))).containsExactlyInAnyOrder("/type", "/settings");
        assertThat(http.put("/v1/offers/contoso.x/lead-destination", "[]").status())
                .isEqualTo(422);
        assertThat(http.put("/v1/offers/contoso.x/lead-destination", "{").status())
                .isEqualTo(400);
    }

    @Test
    void anUnknownOfferIs404AndAnInvalidOneIs422() {
        Http.Answer unknown = http.get("/v1/offers/nobody.nothing/lead-destination");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.contentType()).startsWith("application/problem+json");

        Http.Answer invalid = http.get("/v1/offers/no-dot-here/lead-destination");
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(pointers(invalid.json().path("errors"))).containsExactly("path:offerId");
    }

    @Test
    void aRestartedServiceReadsTheDestinationsBackFromTheTopic() {
        String path = "/v1/offers/contoso.survives-restart/lead-destination";
        assertThat(http.put(path, dynamics(CANARY)).status()).isEqualTo(201);
        assertThat(http.put(path, dynamics(CANARY)).status()).isEqualTo(200);

        try (IngestService second = IngestService.start(IngestConfig.defaults(KAFKA.bootstrapServers())
                .with(DestinationAddresses.ALLOWED_HOSTS, DestinationAddresses.LOCAL_STAND_INS)
                .with(IngestConfig.PORT, 0))) {
            Http.Answer read = new Http(second.port(), key).get(path);
            assertThat(read.status()).as("caught up before start returned").isEqualTo(200);
            assertThat(read.json().path("version").asLong()).isEqualTo(2);
            assertThat(read.body()).doesNotContain(CANARY);
        }
    }
}
