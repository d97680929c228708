package dev.leadpipe.local;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.core.topic.TopicSpec;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The walking skeleton end to end on a real broker: 1,200 lead submissions over HTTP (1,000 distinct leads, 200 of
 * them sent a second time, some single, most in NDJSON batches) through ingest and the router, then the exact count
 * of records on every output topic.
 */
class PipelineEndToEndTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final int DISTINCT_LEADS = 1_000;
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Duration SETTLE = Duration.ofSeconds(3);
    private static final String[] EDU_FORMS = {
        "cs.mit.edu", "STANFORD.EDU.", "a.b.c.d.edu", "universität.edu", "xn--universitt-y5a.edu"
    };

    private static RunningPipeline pipeline;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** What each lead is for; the lead's index modulo 10 picks it. */
    private enum Kind {
        TABLE("e2e.table-offer"),
        TABLE_WITH_ID("e2e.table-offer"),
        DYNAMICS("e2e.crm-offer"),
        SALESFORCE("e2e.sf-offer"),
        HTTPS("e2e.flow-offer"),
        EDU("e2e.crm-offer"),
        NO_DESTINATION("e2e.unconfigured-offer"),
        BLOB("e2e.blob-offer"),
        NONE("e2e.none-offer"),
        EDU_NO_DESTINATION("e2e.unconfigured-offer");

        final String offerId;

        Kind(String offerId) {
            this.offerId = offerId;
        }
    }

    @BeforeAll
    static void startPipeline() throws Exception {
        pipeline = RunningPipeline.start(KAFKA.bootstrapServers());
        putDestination(
                "e2e.table-offer",
                "{\"type\":\"table\",\"settings\":{\"connectionString\":\"UseDevelopmentStorage=true\"}}");
        putDestination(
                "e2e.crm-offer",
                "{\"type\":\"dynamics\",\"settings\":{\"instanceUrl\":\"https://e2e.crm.dynamics.com\","
                        + "\"tenantId\":\"e2e.onmicrosoft.com\",\"applicationId\":\"0a0a0a0a-1111-4111-8111-000000000001\",\"clientSecret\":\"canary-e2e-secret\"}}");
        putDestination(
                "e2e.sf-offer", "{\"type\":\"salesforce\",\"settings\":{\"organizationId\":\"00D5g000004XyZ1\"}}");
        putDestination(
                "e2e.flow-offer",
                "{\"type\":\"https\",\"settings\":{\"url\":\"https://flow.example/invoke?sig=canary\"}}");
        // the API refuses blob now; an offer configured before blob was retired still has one on the topic
        SystemTestSupport.writeDestinationToTopic(
                KAFKA.bootstrapServers(),
                new LeadDestination(
                        "e2e.blob-offer",
                        DestinationType.BLOB,
                        Map.of(),
                        List.of(),
                        1,
                        Instant.parse("2020-01-01T00:00:00Z")));
        putDestination("e2e.none-offer", "{\"type\":\"none\",\"settings\":{}}");
        pipeline.awaitRouterHas("e2e.blob-offer", 1);
    }

    @AfterAll
    static void stopPipeline() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void everyLeadReachesExactlyTheTopicItsOfferCallsForAndDuplicatesOnlyOnce() throws Exception {
        List<String> leads = new ArrayList<>();
        Map<Kind, Integer> expected = new HashMap<>();
        for (int i = 0; i < DISTINCT_LEADS; i++) {
            Kind kind = Kind.values()[i % 10];
            leads.add(leadJson(i, kind));
            expected.merge(kind, 1, Integer::sum);
        }
        // 50 single posts, the rest in NDJSON batches of 95; then every fifth lead again (200 resubmissions)
        Map<String, String> leadIdByBody = new HashMap<>();
        for (int i = 0; i < 50; i++) {
            leadIdByBody.put(leads.get(i), postSingle(leads.get(i)));
        }
        for (int from = 50; from < DISTINCT_LEADS; from += 95) {
            List<String> batch = leads.subList(from, Math.min(from + 95, DISTINCT_LEADS));
            List<String> ids = postBatch(batch);
            for (int j = 0; j < batch.size(); j++) {
                leadIdByBody.put(batch.get(j), ids.get(j));
            }
        }
        List<String> resubmitted = new ArrayList<>();
        for (int i = 0; i < DISTINCT_LEADS; i += 5) {
            resubmitted.add(leads.get(i));
        }
        List<String> resubmittedIds = postBatch(resubmitted);
        for (int j = 0; j < resubmitted.size(); j++) {
            assertThat(resubmittedIds.get(j))
                    .as("a resubmitted lead keeps its id")
                    .isEqualTo(leadIdByBody.get(resubmitted.get(j)));
        }
        assertThat(new HashSet<>(leadIdByBody.values())).hasSize(DISTINCT_LEADS);

        int table = expected.get(Kind.TABLE) + expected.get(Kind.TABLE_WITH_ID);
        int suppressed = expected.get(Kind.EDU) + expected.get(Kind.EDU_NO_DESTINATION);
        int noDestination = expected.get(Kind.NO_DESTINATION) + expected.get(Kind.NONE);
        int blob = expected.get(Kind.BLOB);
        int deadLettered = noDestination + blob;

        var tableRecords = readExactly(Topics.DELIVERIES_TABLE, table);
        var dynamicsRecords = readExactly(Topics.DELIVERIES_DYNAMICS, expected.get(Kind.DYNAMICS));
        var salesforceRecords = readExactly(Topics.DELIVERIES_SALESFORCE, expected.get(Kind.SALESFORCE));
        var httpsRecords = readExactly(Topics.DELIVERIES_HTTPS, expected.get(Kind.HTTPS));
        var dlq = readExactly(Topics.LEADS_DLQ, deadLettered);
        var outcomes = readExactly(Topics.LEAD_OUTCOMES, suppressed + deadLettered);
        var accepted = readExactly(Topics.LEADS, DISTINCT_LEADS + resubmitted.size());

        for (var records : List.of(tableRecords, dynamicsRecords, salesforceRecords, httpsRecords)) {
            assertThat(records.stream().map(ConsumerRecord::key).distinct().count())
                    .isEqualTo(records.size());
            assertThat(records)
                    .allSatisfy(r -> assertThat(r.key()).isEqualTo(r.value().leadId()));
        }
        assertThat(tableRecords).allSatisfy(r -> assertThat(r.value().offerId()).isEqualTo("e2e.table-offer"));
        assertThat(tableRecords)
                .filteredOn(r -> r.value().leadId().startsWith("client-"))
                .hasSize(expected.get(Kind.TABLE_WITH_ID));

        Map<OutcomeType, Long> byType =
                outcomes.stream().collect(Collectors.groupingBy(r -> r.value().outcome(), Collectors.counting()));
        assertThat(byType)
                .containsEntry(OutcomeType.SUPPRESSED, (long) suppressed)
                .containsEntry(OutcomeType.DEAD_LETTERED, (long) deadLettered);
        Map<String, Long> dlqByClass = dlq.stream()
                .collect(Collectors.groupingBy(
                        r -> DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.ERROR_CLASS), Collectors.counting()));
        assertThat(dlqByClass)
                .containsOnly(
                        Map.entry(ErrorClass.NO_DESTINATION_CONFIGURED.code(), (long) noDestination),
                        Map.entry(ErrorClass.DESTINATION_UNSUPPORTED.code(), (long) blob));

        // every distinct lead has exactly one fate: a delivery topic record or a terminal outcome
        Set<String> fates = new HashSet<>();
        for (var records : List.of(tableRecords, dynamicsRecords, salesforceRecords, httpsRecords)) {
            records.forEach(r ->
                    assertThat(fates.add(r.key())).as("one fate for " + r.key()).isTrue());
        }
        outcomes.forEach(r ->
                assertThat(fates.add(r.key())).as("one fate for " + r.key()).isTrue());
        assertThat(fates).isEqualTo(new HashSet<>(leadIdByBody.values()));

        // no .edu customer's personal data on any topic, the input topic included
        for (TopicSpec<String, ?> topic : List.of(
                Topics.LEADS,
                Topics.DELIVERIES_TABLE,
                Topics.DELIVERIES_DYNAMICS,
                Topics.DELIVERIES_SALESFORCE,
                Topics.DELIVERIES_HTTPS,
                Topics.LEAD_OUTCOMES,
                Topics.LEADS_DLQ)) {
            String raw = rawText(topic);
            assertThat(raw)
                    .as(topic.name())
                    .doesNotContain("EduFirst")
                    .doesNotContain("EduLast")
                    .doesNotContain("student")
                    .doesNotContain("555-0142");
        }
        assertThat(rawText(Topics.LEAD_OUTCOMES)).doesNotContain("@").doesNotContain("Customer");
    }

    private static String leadJson(int i, Kind kind) {
        boolean edu = kind == Kind.EDU || kind == Kind.EDU_NO_DESTINATION;
        String email =
                edu ? "student" + i + "@" + EDU_FORMS[i % EDU_FORMS.length] : "customer" + i + "@contoso.example";
        String first = edu ? "EduFirst" + i : "Customer" + i;
        String last = edu ? "EduLast" + i : "Buyer";
        String phone = edu ? "555-0142" : "555-0199";
        String id = kind == Kind.TABLE_WITH_ID ? "\"leadId\":\"client-" + i + "\"," : "";
        return "{" + id + "\"UserDetails\":{\"FirstName\":\"" + first + "\",\"LastName\":\"" + last + "\",\"Email\":\""
                + email
                + "\",\"Phone\":\"" + phone + "\",\"Country\":\"US\"},\"LeadSource\":\"AzureMarketplace-INS|"
                + kind.offerId
                + "\",\"ActionCode\":\"INS\",\"OfferTitle\":\"E2E\"}";
    }

    private static void putDestination(String offerId, String body) throws Exception {
        assertThat(pipeline.putDestination(offerId, body).toString()).doesNotContain("canary");
    }

    private static String postSingle(String body) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(uri("/v1/leads"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + pipeline.key)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return Json.MAPPER.readTree(r.body()).get("leadId").asText();
    }

    private static List<String> postBatch(List<String> bodies) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(uri("/v1/leads/batch"))
                        .header("Content-Type", "application/x-ndjson")
                        .header("Authorization", "Bearer " + pipeline.key)
                        .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", bodies)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        List<String> ids = new ArrayList<>();
        for (JsonNode item : Json.MAPPER.readTree(r.body()).get("items")) {
            ids.add(item.get("leadId").asText());
        }
        assertThat(ids).hasSize(bodies.size());
        return ids;
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + pipeline.ingestPort() + path);
    }

    /** Reads until {@code count} records arrived, then a little longer, and asserts there are exactly {@code count}. */
    private static <V> List<ConsumerRecord<String, V>> readExactly(TopicSpec<String, V> topic, int count) {
        List<ConsumerRecord<String, V>> records =
                TopicReader.readUntil(KAFKA.bootstrapServers(), topic, r -> r.size() >= count, WAIT, SETTLE);
        assertThat(records).as("records on " + topic.name()).hasSize(count);
        return records;
    }

    private static String rawText(TopicSpec<String, ?> topic) {
        TopicSpec<String, byte[]> raw = new TopicSpec<>(
                topic.name(), topic.keySerde(), Serdes.ByteArray(), topic.partitions(), topic.compacted());
        StringBuilder sb = new StringBuilder();
        TopicReader.readAll(KAFKA.bootstrapServers(), raw).forEach(r -> {
            sb.append(new String(r.value(), StandardCharsets.UTF_8)).append('\n');
            r.headers()
                    .forEach(h -> sb.append(h.key())
                            .append('=')
                            .append(new String(h.value(), StandardCharsets.UTF_8))
                            .append('\n'));
        });
        return sb.toString();
    }
}
