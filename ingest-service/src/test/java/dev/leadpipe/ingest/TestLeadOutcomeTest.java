package dev.leadpipe.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicReader;
import dev.leadpipe.kafka.testing.TopicWriter;

/**
 * Validating a lead configuration answers with the outcome a sink writes for its test lead, as the publisher sees it:
 * here the test stands in for router and sink, reading the test lead from {@code leads} and writing its outcome (after
 * an outcome of another lead, which must not answer). Delivered gives the record id; dead-lettered gives the class
 * and its remediation.
 */
class TestLeadOutcomeTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static IngestService service;
    private static Http http;

    @BeforeAll
    static void start() {
        service = IngestService.start(IngestConfig.defaults(KAFKA.bootstrapServers()).withPort(0)
                .withValidationTimeout(Duration.ofSeconds(60)));
        http = new Http(service.port());
    }

    @AfterAll
    static void stop() {
        service.stop();
    }

    @Test
    void aDeliveredTestLeadAnswersWithTheRecordId() throws Exception {
        String offer = "contoso.validated-flow";
        configureHttps(offer);

        JsonNode answer = validateWhileTheSinkAnswers(offer, lead -> Outcome.delivered(lead.leadId(), offer, "https",
                "flow-run-0815", 1, 42, true, 0, Instant.now()));

        assertThat(answer.path("outcome").asText()).isEqualTo("delivered");
        assertThat(answer.path("destinationRecordId").asText()).isEqualTo("flow-run-0815");
        assertThat(answer.path("leadId").asText()).startsWith(Lead.TEST_LEAD_PREFIX);
    }

    @Test
    void aDeadLetteredTestLeadAnswersWithTheClassAndItsRemediation() throws Exception {
        String offer = "contoso.refused-flow";
        configureHttps(offer);

        JsonNode answer = validateWhileTheSinkAnswers(offer, lead -> Outcome.deadLettered(lead.leadId(), offer,
                "https", ErrorClass.DESTINATION_HTTP_ERROR, 1, true, 0, Instant.now(), "HTTP 404: no such flow"));

        assertThat(answer.path("outcome").asText()).isEqualTo("dead_lettered");
        assertThat(answer.path("errorClass").asText()).isEqualTo("DESTINATION_HTTP_ERROR");
        assertThat(answer.path("remediation").asText()).isEqualTo(ErrorClass.DESTINATION_HTTP_ERROR.remediation());
        assertThat(answer.path("detail").asText()).isEqualTo("HTTP 404: no such flow");
    }

    private static void configureHttps(String offer) {
        Http.Answer put = http.put("/v1/offers/" + offer + "/lead-destination",
                "{\"type\": \"https\", \"settings\": {\"url\": \"https://flow.contoso.example/" + offer + "\"}}");
        assertThat(put.status()).as(put.body()).isEqualTo(201);
    }

    /** Posts the validation, answers its test lead as a sink would, and returns the validation's answer. */
    private static JsonNode validateWhileTheSinkAnswers(String offer, java.util.function.Function<Lead, Outcome> sink)
            throws Exception {
        CompletableFuture<Http.Answer> validation = CompletableFuture.supplyAsync(
                () -> http.postJson("/v1/offers/" + offer + "/lead-destination/validate", ""));
        List<ConsumerRecord<String, Lead>> leads = TopicReader.readUntil(KAFKA.bootstrapServers(), Topics.LEADS,
                read -> read.stream().anyMatch(r -> offer.equals(r.value().offerId())), Duration.ofSeconds(30),
                Duration.ZERO);
        Lead testLead = leads.stream().map(ConsumerRecord::value).filter(l -> offer.equals(l.offerId()))
                .findFirst().orElseThrow(() -> new AssertionError("no test lead for " + offer + " on leads"));
        assertThat(testLead.test()).isTrue();

        Outcome other = Outcome.delivered("another-lead-" + offer, "someone.else", "https", "not-this-one", 1, 1,
                false, 0, Instant.now());
        TopicWriter.write(KAFKA.bootstrapServers(), Topics.LEAD_OUTCOMES, List.of(other, sink.apply(testLead)),
                Outcome::leadId, Map.of());

        Http.Answer answer = validation.get(60, TimeUnit.SECONDS);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }
}
