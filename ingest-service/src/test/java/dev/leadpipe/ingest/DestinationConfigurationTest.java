package dev.leadpipe.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.secret.SecretKeyring;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicReader;
import dev.leadpipe.kafka.testing.TopicWriter;
import dev.leadpipe.ops.testing.TestKeys;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A publisher's lead configuration through the HTTP API: every bad field named in one answer, blob refused with the
 * advice, offers that need a destination refused at publication, and secrets that reach Kafka only encrypted (the
 * topic's raw bytes hold no canary), are shown masked, and survive an edit that sends the mask back; validation
 * answers with the outcome a sink writes for its test lead (the test stands in for router and sink, and writes an
 * outcome of another lead first, which must not answer).
 */
class DestinationConfigurationTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static String key;

    private static final String CANARY = "CANARY-client-secret-" + UUID.randomUUID();

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
        service.stop();
    }

    private static List<String> pointers(JsonNode answer) {
        List<String> out = new ArrayList<>();
        answer.path("errors").forEach(e -> out.add(e.path("pointer").asText()));
        return out;
    }

    private static String detailOf(JsonNode answer, String pointer) {
        for (JsonNode e : answer.path("errors")) {
            if (e.path("pointer").asText().equals(pointer)) {
                return e.path("detail").asText();
            }
        }
        return null;
    }

    @Test
    void oneRequestWithSeveralBadFieldsListsThemAll() {
        Http.Answer answer = http.put("/v1/offers/contoso.bad-crm/lead-destination", """
                {"type": "dynamics", "settings": {"instanceUrl": "http://contoso.crm.dynamics.com", "tenantId": "not a tenant!",
                 "applicationId": "app-42", "clientSecret": "%s", "clientID": "typo"}, "notifications": "hourly"}
                """.formatted(CANARY));
        assertThat(answer.status()).as(answer.body()).isEqualTo(422);
        assertThat(pointers(answer.json()))
                .containsExactlyInAnyOrder(
                        "/settings/instanceUrl",
                        "/settings/tenantId",
                        "/settings/applicationId",
                        "/settings/clientID",
                        "/notifications");
        assertThat(detailOf(answer.json(), "/settings/instanceUrl")).contains("https");
        assertThat(detailOf(answer.json(), "/settings/applicationId")).contains("GUID");
        assertThat(answer.body())
                .doesNotContain(CANARY)
                .doesNotContain("not a tenant!")
                .doesNotContain("app-42");

        Http.Answer salesforce = http.put(
                "/v1/offers/contoso.bad-sf/lead-destination",
                "{\"type\": \"salesforce\", \"settings\": {\"organizationId\": \"12345\", \"webToLeadUrl\": \"ftp://x\"}}");
        assertThat(pointers(salesforce.json()))
                .containsExactlyInAnyOrder("/settings/organizationId", "/settings/webToLeadUrl");
        Http.Answer table = http.put(
                "/v1/offers/contoso.bad-table/lead-destination",
                "{\"type\": \"table\", \"settings\": {\"connectionString\": \"AccountName=contoso\"}}");
        assertThat(detailOf(table.json(), "/settings/connectionString")).contains("AccountKey");
        Http.Answer https = http.put(
                "/v1/offers/contoso.bad-flow/lead-destination",
                "{\"type\": \"https\", \"settings\": {\"url\": \"http://flow.example.com/x\", \"signingSecret\": \"short\"}}");
        assertThat(pointers(https.json())).containsExactlyInAnyOrder("/settings/url", "/settings/signingSecret");
    }

    @Test
    void aBlobDestinationIsRefusedWithTheAdvice() {
        Http.Answer answer = http.put(
                "/v1/offers/tailspin.blob/lead-destination",
                "{\"type\": \"blob\", \"settings\": {\"connectionString\": \"DefaultEndpointsProtocol=https;AccountName=t;AccountKey=bm90\"}}");
        assertThat(answer.status()).isEqualTo(422);
        assertThat(pointers(answer.json())).containsExactly("/type");
        assertThat(detailOf(answer.json(), "/type"))
                .contains("no longer a supported lead destination")
                .contains(ErrorClass.DESTINATION_UNSUPPORTED.remediation());
        assertThat(http.get("/v1/offers/tailspin.blob/lead-destination").status())
                .isEqualTo(404);
    }

    @Test
    void anOfferTypeThatNeedsADestinationCannotBePublishedWithoutOne() {
        Http.Answer consulting =
                http.postJson("/v1/offers/adatum.consulting/publish", "{\"offerType\": \"consulting-service\"}");
        assertThat(consulting.status()).as(consulting.body()).isEqualTo(422);
        assertThat(consulting.json().path("type").asText()).endsWith("/lead-destination-required");
        assertThat(consulting.json().path("detail").asText())
                .contains("consulting-service")
                .contains("lead destination");

        assertThat(http.put("/v1/offers/adatum.contact-me/lead-destination", "{\"type\": \"none\"}")
                        .status())
                .isEqualTo(201);
        Http.Answer contactMe = http.postJson(
                "/v1/offers/adatum.contact-me/publish", "{\"offerType\": \"saas\", \"listingOption\": \"contact-me\"}");
        assertThat(contactMe.status())
                .as("a none destination is no destination")
                .isEqualTo(422);

        Http.Answer freeTrial = http.postJson(
                "/v1/offers/adatum.free-trial/publish", "{\"offerType\": \"saas\", \"listingOption\": \"free-trial\"}");
        assertThat(freeTrial.status()).as(freeTrial.body()).isEqualTo(200);
        assertThat(freeTrial.json().path("published").asBoolean()).isTrue();

        Http.Answer bad =
                http.postJson("/v1/offers/adatum.x/publish", "{\"offerType\": \"toaster\", \"listingOption\": 3}");
        assertThat(pointers(bad.json())).containsExactlyInAnyOrder("/offerType", "/listingOption");
    }

    @Test
    void secretsReachKafkaOnlyEncryptedAndAreShownMasked() {
        String path = "/v1/offers/contoso.secret-crm/lead-destination";
        String body = """
                {"type": "dynamics", "settings": {"instanceUrl": "https://contoso.crm.dynamics.com",
                 "tenantId": "8d5c1a4e-0b7f-4f7e-9a57-3c2f5f0e1d11", "applicationId": "0a0a0a0a-1111-4111-8111-000000000001",
                 "clientSecret": "%s"}, "contactEmails": ["crm@contoso.example"]}
                """;
        assertThat(http.put(path, body.formatted(CANARY)).status()).isEqualTo(201);
        Http.Answer read = http.get(path);
        assertThat(read.json().path("settings").path("clientSecret").asText()).isEqualTo(LeadDestination.MASK);
        assertThat(read.body()).doesNotContain(CANARY);

        // an edit that sends the mask back keeps the stored secret
        Http.Answer edited = http.put(path, body.formatted(LeadDestination.MASK).replace("crm@", "sales@"));
        assertThat(edited.status()).as(edited.body()).isEqualTo(200);

        List<ConsumerRecord<String, LeadDestination>> records = TopicReader.readUntil(
                        KAFKA.bootstrapServers(),
                        Topics.LEAD_DESTINATIONS,
                        rs -> rs.stream()
                                        .filter(r -> r.key().equals("contoso.secret-crm"))
                                        .count()
                                >= 2,
                        Duration.ofSeconds(30),
                        Duration.ZERO)
                .stream()
                .filter(r -> r.key().equals("contoso.secret-crm"))
                .toList();
        SecretKeyring keyring = SecretKeyring.fromEnvironment();
        for (ConsumerRecord<String, LeadDestination> r : records) {
            String stored = r.value().settings().get("clientSecret");
            assertThat(SecretKeyring.keyIdOf(stored)).isEqualTo(keyring.currentKeyId());
            assertThat(keyring.decrypt("contoso.secret-crm", "clientSecret", stored))
                    .isEqualTo(CANARY);
        }
        assertThat(records.get(records.size() - 1).value().contactEmails()).containsExactly("sales@contoso.example");

        String raw = rawTopicText();
        assertThat(raw).contains("contoso.secret-crm").doesNotContain(CANARY);
    }

    @Test
    void aGetAnswerCanBePutBackAsItIs() {
        String path = "/v1/offers/contoso.roundtrip/lead-destination";
        assertThat(http.put(
                                path,
                                "{\"type\": \"https\", \"settings\": {\"url\": \"https://flow.contoso.example/x?sig="
                                        + CANARY + "\"}}")
                        .status())
                .isEqualTo(201);
        Http.Answer read = http.get(path);
        Http.Answer again = http.put(path, read.body());
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().path("version").asLong()).isEqualTo(2);
        LeadDestination stored = service.destinations().get("contoso.roundtrip").orElseThrow();
        assertThat(SecretKeyring.fromEnvironment()
                        .decryptSecrets(stored)
                        .settings()
                        .get("url"))
                .endsWith(CANARY);

        Http.Answer otherOffer = http.put(path, read.body().replace("contoso.roundtrip", "contoso.elsewhere"));
        assertThat(pointers(otherOffer.json())).contains("/offerId");
    }

    @Test
    void aMaskWithNothingStoredIsRefused() {
        Http.Answer answer = http.put(
                "/v1/offers/contoso.new-flow/lead-destination",
                "{\"type\": \"https\", \"settings\": {\"url\": \"" + LeadDestination.MASK + "\"}}");
        assertThat(answer.status()).isEqualTo(422);
        assertThat(detailOf(answer.json(), "/settings/url")).contains("enter the secret");
    }

    /** Found by IngestHttpPropertiesTest: a mask without a type was a 500 (the mask rule looked up a null type). */
    @Test
    void aMaskWithoutATypeIsRefusedNamingTheType() {
        long before = TopicCounts.count(KAFKA.bootstrapServers(), Topics.LEAD_DESTINATIONS);
        Http.Answer answer = http.put(
                "/v1/offers/contoso.no-type/lead-destination",
                "{\"settings\": {\"instanceUrl\": \"" + LeadDestination.MASK + "\"}}");
        assertThat(answer.status()).as(answer.body()).isEqualTo(422);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(pointers(answer.json())).contains("/type");
        assertThat(TopicCounts.count(KAFKA.bootstrapServers(), Topics.LEAD_DESTINATIONS))
                .isEqualTo(before);
    }

    @Test
    void validatingNeedsADeliverableDestination() {
        assertThat(http.postJson("/v1/offers/nobody.here/lead-destination/validate", "")
                        .status())
                .isEqualTo(404);
        assertThat(http.put("/v1/offers/woodgrove.none/lead-destination", "{\"type\": \"none\"}")
                        .status())
                .isEqualTo(201);
        assertThat(http.postJson("/v1/offers/woodgrove.none/lead-destination/validate", "")
                        .status())
                .isEqualTo(422);
    }

    @Test
    void aDeliveredTestLeadAnswersWithTheRecordId() throws Exception {
        String offer = "contoso.validated-flow";
        configureHttps(offer);

        JsonNode answer = validateWhileTheSinkAnswers(
                offer,
                lead -> Outcome.delivered(
                        lead.leadId(), offer, "https", "flow-run-0815", 1, 42, true, 0, Instant.now()));

        assertThat(answer.path("outcome").asText()).isEqualTo("delivered");
        assertThat(answer.path("destinationRecordId").asText()).isEqualTo("flow-run-0815");
        assertThat(answer.path("leadId").asText()).startsWith(Lead.TEST_LEAD_PREFIX);
    }

    @Test
    void aDeadLetteredTestLeadAnswersWithTheClassAndItsRemediation() throws Exception {
        String offer = "contoso.refused-flow";
        configureHttps(offer);

        JsonNode answer = validateWhileTheSinkAnswers(
                offer,
                lead -> Outcome.deadLettered(
                        lead.leadId(),
                        offer,
                        "https",
                        ErrorClass.DESTINATION_HTTP_ERROR,
                        1,
                        true,
                        0,
                        Instant.now(),
                        "HTTP 404: no such flow"));

        assertThat(answer.path("outcome").asText()).isEqualTo("dead_lettered");
        assertThat(answer.path("errorClass").asText()).isEqualTo("DESTINATION_HTTP_ERROR");
        assertThat(answer.path("remediation").asText()).isEqualTo(ErrorClass.DESTINATION_HTTP_ERROR.remediation());
        assertThat(answer.path("detail").asText()).isEqualTo("HTTP 404: no such flow");
    }

    private static void configureHttps(String offer) {
        Http.Answer put = http.put(
                "/v1/offers/" + offer + "/lead-destination",
                "{\"type\": \"https\", \"settings\": {\"url\": \"https://flow.contoso.example/" + offer + "\"}}");
        assertThat(put.status()).as(put.body()).isEqualTo(201);
    }

    /** Posts the validation, answers its test lead as a sink would, and returns the validation's answer. */
    private static JsonNode validateWhileTheSinkAnswers(String offer, Function<Lead, Outcome> sink) throws Exception {
        CompletableFuture<Http.Answer> validation = CompletableFuture.supplyAsync(
                () -> http.postJson("/v1/offers/" + offer + "/lead-destination/validate", ""));
        List<ConsumerRecord<String, Lead>> leads = TopicReader.readUntil(
                KAFKA.bootstrapServers(),
                Topics.LEADS,
                read -> read.stream().anyMatch(r -> offer.equals(r.value().offerId())),
                Duration.ofSeconds(30),
                Duration.ZERO);
        Lead testLead = leads.stream()
                .map(ConsumerRecord::value)
                .filter(l -> offer.equals(l.offerId()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no test lead for " + offer + " on leads"));
        assertThat(testLead.test()).isTrue();

        Outcome other = Outcome.delivered(
                "another-lead-" + offer, "someone.else", "https", "not-this-one", 1, 1, false, 0, Instant.now());
        TopicWriter.write(
                KAFKA.bootstrapServers(),
                Topics.LEAD_OUTCOMES,
                List.of(other, sink.apply(testLead)),
                Outcome::leadId,
                Map.of());

        Http.Answer answer = validation.get(60, TimeUnit.SECONDS);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }

    /** Every byte of the destinations topic, as text. */
    private static String rawTopicText() {
        StringBuilder text = new StringBuilder();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.LEAD_DESTINATIONS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    text.append(new String(r.key(), StandardCharsets.UTF_8)).append(' ');
                    if (r.value() != null) {
                        text.append(new String(r.value(), StandardCharsets.UTF_8))
                                .append('\n');
                    }
                }
            }
        }
        return text.toString();
    }
}
