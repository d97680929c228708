package dev.leadpipe.ingest;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.core.lead.Lead;
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

/** Leads through the HTTP API onto the real {@code leads} topic, and every way a request is refused. */
class LeadIngestTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static String key;

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

    /** A complete marketplace lead whose offer comes from its LeadSource; {@code marker} makes it unique. */
    static String lead(String marker) {
        return """
                {"UserDetails": {"FirstName": "Ada", "LastName": "Lovelace", "Email": "ada@example.com",
                                 "Phone": "+44 20 7946 0000", "Country": "GB", "Company": "Analytical Engines",
                                 "Title": "Engineer"},
                 "LeadSource": "AzureMarketplace-INS|contoso.widget-pro",
                 "ActionCode": "INS", "OfferTitle": "Widget Pro", "Description": "%s"}
                """.formatted(marker);
    }

    static String marker() {
        return "m-" + UUID.randomUUID();
    }

    private static long leadCount() {
        return TopicCounts.count(KAFKA.bootstrapServers(), Topics.LEADS);
    }

    private static List<ConsumerRecord<String, Lead>> leadsWithKeys(List<String> keys) {
        return leadsWithKeys(keys, keys.size());
    }

    /** The records keyed by any of {@code keys}, read until there are at least {@code atLeast} of them. */
    private static List<ConsumerRecord<String, Lead>> leadsWithKeys(List<String> keys, int atLeast) {
        Predicate<List<ConsumerRecord<String, Lead>>> allThere = records -> {
            List<String> found = records.stream()
                    .map(ConsumerRecord::key)
                    .filter(keys::contains)
                    .toList();
            return found.containsAll(keys) && found.size() >= atLeast;
        };
        return TopicReader.readUntil(
                        KAFKA.bootstrapServers(), Topics.LEADS, allThere, Duration.ofSeconds(30), Duration.ZERO)
                .stream()
                .filter(r -> keys.contains(r.key()))
                .toList();
    }

    private static void assertProblem(Http.Answer answer, int status, String slug) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        JsonNode body = answer.json();
        assertThat(body.path("type").asText()).isEqualTo("https://leadpipe.dev/problems/" + slug);
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("title").asText()).isNotBlank();
        assertThat(body.path("detail").asText()).isNotBlank();
    }

    private static List<String> pointers(JsonNode errors) {
        List<String> out = new ArrayList<>();
        errors.forEach(e -> out.add(e.path("pointer").asText()));
        return out;
    }

    @Test
    void aLeadIsAcceptedOnlyOnceItIsOnTheLeadsTopic() {
        String marker = marker();
        Http.Answer answer = http.post("/v1/leads", "application/json; charset=UTF-8", lead(marker));

        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
        assertThat(answer.contentType()).startsWith("application/json");
        JsonNode body = answer.json();
        String leadId = body.path("leadId").asText();
        assertThat(leadId).isNotBlank();
        assertThat(body.path("offerId").asText()).isEqualTo("contoso.widget-pro");
        assertThat(body.path("status").asText()).isEqualTo("accepted");

        List<ConsumerRecord<String, Lead>> records = leadsWithKeys(List.of(leadId));
        assertThat(records).hasSize(1);
        Lead lead = records.get(0).value();
        assertThat(lead.leadId()).isEqualTo(leadId);
        assertThat(lead.offerId()).isEqualTo("contoso.widget-pro");
        assertThat(lead.description()).isEqualTo(marker);
        assertThat(lead.userDetails().email()).isEqualTo("ada@example.com");
        assertThat(lead.receivedAt()).isNotNull();
    }

    @Test
    void keysAreReadInAnyCaseAndUnknownFieldsAreKept() {
        String marker = marker();
        String body = """
                {"userdetails": {"EMAIL": "grace@example.com", "firstname": "Grace", "Nickname": "Amazing Grace"},
                 "leadsource": "AppSource-PLT|fabrikam.analytics", "description": "%s",
                 "CampaignInfo": {"utm": "spring", "clicks": 3}}
                """.formatted(marker);
        Http.Answer answer = http.postJson("/v1/leads", body);

        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
        String leadId = answer.json().path("leadId").asText();
        assertThat(answer.json().path("offerId").asText()).isEqualTo("fabrikam.analytics");
        Lead lead = leadsWithKeys(List.of(leadId)).get(0).value();
        assertThat(lead.userDetails().email()).isEqualTo("grace@example.com");
        assertThat(lead.userDetails().firstName()).isEqualTo("Grace");
        assertThat(lead.userDetails().otherFields()).containsKey("Nickname");
        assertThat(lead.otherFields()).containsKey("CampaignInfo");
        assertThat(lead.otherFields().get("CampaignInfo").path("clicks").asInt())
                .isEqualTo(3);
        assertThat(lead.description()).isEqualTo(marker);
    }

    @Test
    void theSameLeadPostedTwiceKeepsItsId() {
        String body = lead(marker());
        String first = http.postJson("/v1/leads", body).json().path("leadId").asText();
        String second = http.postJson("/v1/leads", body).json().path("leadId").asText();
        String other =
                http.postJson("/v1/leads", lead(marker())).json().path("leadId").asText();

        assertThat(first).isNotBlank().isEqualTo(second);
        assertThat(other).isNotBlank().isNotEqualTo(first);
        assertThat(leadsWithKeys(List.of(first), 2)).hasSize(2);
    }

    @Test
    void aGivenLeadIdOrIdempotencyKeyIsUsed() {
        String fieldId = "lead-" + UUID.randomUUID();
        String withField = lead(marker()).replaceFirst("\\{", "{\"leadId\": \"" + fieldId + "\", ");
        Http.Answer byField = http.postJson("/v1/leads", withField);
        assertThat(byField.status()).as(byField.body()).isEqualTo(202);
        assertThat(byField.json().path("leadId").asText()).isEqualTo(fieldId);

        String key = "key:" + UUID.randomUUID();
        Http.Answer byHeader = http.postJson("/v1/leads", lead(marker()), "Idempotency-Key", key);
        assertThat(byHeader.status()).as(byHeader.body()).isEqualTo(202);
        assertThat(byHeader.json().path("leadId").asText()).isEqualTo(key);

        assertThat(leadsWithKeys(List.of(fieldId, key)))
                .extracting(ConsumerRecord::key)
                .containsExactlyInAnyOrder(fieldId, key);
    }

    @Test
    void aBadIdempotencyKeyIsRefusedNamingTheHeader() {
        long before = leadCount();
        Http.Answer answer = http.postJson("/v1/leads", lead(marker()), "Idempotency-Key", "not a valid key!");

        assertProblem(answer, 422, "invalid-lead");
        assertThat(pointers(answer.json().path("errors"))).containsExactly("header:Idempotency-Key");
        assertThat(answer.body()).doesNotContain("not a valid key!");
        assertThat(leadCount()).isEqualTo(before);
    }

    @Test
    void malformedJsonIs400WithoutEchoingTheBody() {
        long before = leadCount();
        Http.Answer answer =
                http.postJson("/v1/leads", "{\"UserDetails\": {\"Email\": \"secret.canary@example.com\"\n oops}");

        assertProblem(answer, 400, "malformed-json");
        assertThat(answer.json().path("detail").asText()).contains("line 2");
        assertThat(answer.json().path("instance").asText()).isEqualTo("/v1/leads");
        assertThat(answer.body()).doesNotContain("canary").doesNotContain("oops");
        assertThat(leadCount()).isEqualTo(before);
    }

    @Test
    void aWrongContentTypeIs415() {
        long before = leadCount();
        Http.Answer answer = http.post("/v1/leads", "text/plain", lead(marker()));

        assertProblem(answer, 415, "unsupported-media-type");
        assertThat(answer.json().path("detail").asText()).contains("application/json");

        Http.Answer none = http.post("/v1/leads", null, lead(marker()));
        assertProblem(none, 415, "unsupported-media-type");
        assertThat(leadCount()).isEqualTo(before);
    }

    @Test
    void everyBadFieldIsNamedAtOnceAnd422() {
        long before = leadCount();
        String body = """
                {"UserDetails": {"Email": "not-an-email", "FirstName": "Ada"},
                 "ActionCode": {"nested": true}, "offerId": "bad id",
                 "LeadSource": "AzureMarketplace-INS|contoso.widget-pro"}
                """;
        Http.Answer answer = http.postJson("/v1/leads", body);

        assertProblem(answer, 422, "invalid-lead");
        assertThat(pointers(answer.json().path("errors")))
                .containsExactlyInAnyOrder("/UserDetails/Email", "/ActionCode", "/offerId");
        answer.json()
                .path("errors")
                .forEach(e -> assertThat(e.path("detail").asText()).isNotBlank());
        assertThat(answer.body()).doesNotContain("not-an-email").doesNotContain("bad id");
        assertThat(leadCount()).isEqualTo(before);
    }

    @Test
    void aLeadWithoutAnyOfferIsRefusedAlongsideItsOtherErrors() {
        long before = leadCount();
        Http.Answer answer =
                http.postJson("/v1/leads", "{\"UserDetails\": {\"Email\": \"nope\"}, \"LeadSource\": \"AzurePortal\"}");

        assertProblem(answer, 422, "invalid-lead");
        assertThat(pointers(answer.json().path("errors"))).containsExactlyInAnyOrder("/UserDetails/Email", "/offerId");
        assertThat(leadCount()).isEqualTo(before);
    }

    @Test
    void aBodyThatIsNotAnObjectIs422() {
        Http.Answer answer = http.postJson("/v1/leads", "[1, 2]");
        assertProblem(answer, 422, "invalid-lead");
    }

    @Test
    void aBodyOverTheLimitIs413ProblemWhetherItsLengthIsDeclaredOrNot() {
        try (IngestService small = IngestService.start(IngestConfig.defaults(KAFKA.bootstrapServers())
                .with(DestinationAddresses.ALLOWED_HOSTS, DestinationAddresses.LOCAL_STAND_INS)
                .with(IngestConfig.PORT, 0)
                .with(IngestConfig.MAX_BODY_BYTES, 1024L)
                .with(IngestConfig.MAX_BATCH_ITEMS, 2))) {
            Http smallHttp = new Http(small.port(), key);
            long before = leadCount();
            String big = lead("x".repeat(2000));

            Http.Answer declared = smallHttp.postJson("/v1/leads", big);
            assertProblem(declared, 413, "payload-too-large");
            assertThat(declared.json().path("detail").asText()).contains("1024");
            assertThat(declared.body()).doesNotContain("xxxx");

            // Chunked, no Content-Length: Javalin's own request-size limit answers, still as a problem.
            byte[] bytes = big.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            HttpRequest chunked = smallHttp
                    .request("/v1/leads")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)))
                    .build();
            Http.Answer streamed = smallHttp.send(chunked);
            assertProblem(streamed, 413, "payload-too-large");

            Http.Answer tooMany =
                    smallHttp.postJson("/v1/leads/batch", "[" + lead(marker()) + "," + lead(marker()) + ",{}]");
            assertProblem(tooMany, 413, "too-many-items");
            assertThat(tooMany.json().path("detail").asText()).contains("at most 2");

            Http.Answer small1 = smallHttp.postJson("/v1/leads", lead(marker()));
            assertThat(small1.status())
                    .as("a lead under the limit is still accepted")
                    .isEqualTo(202);
            assertThat(leadCount()).isEqualTo(before + 1);
        }
    }

    @Test
    void aJsonArrayBatchWritesOnlyTheGoodItems() {
        long before = leadCount();
        String bad =
                "{\"UserDetails\": {\"Email\": \"broken\"}, \"LeadSource\": \"AzureMarketplace-INS|contoso.widget-pro\"}";
        String body = "[" + lead(marker()) + ", " + bad + ", " + lead(marker()) + "]";
        Http.Answer answer = http.postJson("/v1/leads/batch", body);

        assertThat(answer.status()).as(answer.body()).isEqualTo(207);
        assertThat(answer.contentType()).startsWith("application/json");
        JsonNode json = answer.json();
        assertThat(json.path("accepted").asInt()).isEqualTo(2);
        assertThat(json.path("rejected").asInt()).isEqualTo(1);
        JsonNode items = json.path("items");
        assertThat(items).hasSize(3);
        assertThat(items.get(0).path("status").asInt()).isEqualTo(202);
        assertThat(items.get(1).path("index").asInt()).isEqualTo(1);
        assertThat(items.get(1).path("status").asInt()).isEqualTo(422);
        assertThat(pointers(items.get(1).path("errors"))).containsExactly("/UserDetails/Email");
        assertThat(items.get(2).path("status").asInt()).isEqualTo(202);
        assertThat(answer.body()).doesNotContain("broken");

        List<String> ids = List.of(
                items.get(0).path("leadId").asText(),
                items.get(2).path("leadId").asText());
        assertThat(leadsWithKeys(ids)).extracting(ConsumerRecord::key).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(leadCount()).isEqualTo(before + 2);
    }

    @Test
    void anNdjsonBatchReportsUnparsableLinesAsItemErrors() {
        long before = leadCount();
        String good1 = lead(marker()).replace("\n", " ");
        String good2 = lead(marker()).replace("\n", " ");
        String body = good1 + "\n\n{this is not json\r\n{\"UserDetails\": {\"Email\": 5}}\n" + good2 + "\n";
        Http.Answer answer = http.post("/v1/leads/batch", "application/x-ndjson", body);

        assertThat(answer.status()).as(answer.body()).isEqualTo(207);
        JsonNode json = answer.json();
        assertThat(json.path("accepted").asInt()).isEqualTo(2);
        assertThat(json.path("rejected").asInt()).isEqualTo(2);
        JsonNode items = json.path("items");
        assertThat(items).hasSize(4);
        assertThat(items.get(0).path("status").asInt()).isEqualTo(202);
        assertThat(items.get(1).path("status").asInt()).isEqualTo(400);
        assertThat(items.get(1).path("line").asInt()).isEqualTo(3);
        assertThat(items.get(2).path("status").asInt()).isEqualTo(422);
        assertThat(pointers(items.get(2).path("errors"))).contains("/UserDetails/Email", "/offerId");
        assertThat(items.get(3).path("status").asInt()).isEqualTo(202);
        assertThat(answer.body()).doesNotContain("this is not json");
        assertThat(leadCount()).isEqualTo(before + 2);
    }

    @Test
    void aBatchOfOnlyBadItemsIs422AndWritesNothing() {
        long before = leadCount();
        Http.Answer answer = http.postJson("/v1/leads/batch", "[{\"UserDetails\": {\"Email\": \"x\"}}, 42]");

        assertProblem(answer, 422, "invalid-batch");
        JsonNode json = answer.json();
        assertThat(json.path("accepted").asInt()).isZero();
        assertThat(json.path("rejected").asInt()).isEqualTo(2);
        assertThat(json.path("items")).hasSize(2);
        assertThat(json.path("items").get(1).path("status").asInt()).isEqualTo(422);
        assertThat(leadCount()).isEqualTo(before);
    }

    @Test
    void aJsonBatchThatIsNotAnArrayIs400() {
        long before = leadCount();
        assertProblem(http.postJson("/v1/leads/batch", lead(marker())), 400, "malformed-batch");
        assertProblem(http.postJson("/v1/leads/batch", "[{]"), 400, "malformed-json");
        assertProblem(http.postJson("/v1/leads/batch", "[]"), 400, "empty-batch");
        assertProblem(http.post("/v1/leads/batch", "text/csv", "a,b"), 415, "unsupported-media-type");
        assertThat(leadCount()).isEqualTo(before);
    }

    @Test
    void aBatchOfGoodLeadsIs202() {
        Http.Answer answer = http.post(
                "/v1/leads/batch",
                "application/x-ndjson",
                lead(marker()).replace("\n", " ") + "\n" + lead(marker()).replace("\n", " "));
        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
        assertThat(answer.json().path("accepted").asInt()).isEqualTo(2);
        assertThat(answer.json().path("rejected").asInt()).isZero();
    }

    @Test
    void unknownPathsAndMethodsAnswerWithProblems() {
        assertProblem(http.get("/v1/nothing-here"), 404, "not-found");
        Http.Answer wrongMethod = http.get("/v1/leads");
        assertProblem(wrongMethod, 405, "method-not-allowed");
        assertThat(wrongMethod.header("Allow")).contains("POST");
    }

    @Test
    void requestsJettyRefusesBeforeRoutingAnswerWithProblemsToo() throws Exception {
        String badUri = raw("GET /%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(badUri)
                .startsWith("HTTP/1.1 400")
                .contains("Content-Type: application/problem+json")
                .contains("\"status\":400");
        String bigHeaders = raw(
                "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
        assertThat(bigHeaders)
                .startsWith("HTTP/1.1 431")
                .contains("Content-Type: application/problem+json")
                .doesNotContain("aaaa");
    }

    private static String raw(String request) throws java.io.IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", service.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void healthIsUp() {
        Http.Answer answer = http.get("/health");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("status").asText()).isEqualTo("UP");
    }
}
