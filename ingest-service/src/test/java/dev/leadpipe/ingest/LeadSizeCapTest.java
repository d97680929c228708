package dev.leadpipe.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.ops.testing.TestKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A lead over {@code INGEST_MAX_LEAD_BYTES} (here 4 KiB) is refused with 413 {@code lead-too-large} naming it, alone
 * or as one item of a batch, and is never written; a lead under the cap is written as before.
 */
class LeadSizeCapTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final long CAP = 4096;

    private static IngestService service;
    private static Http http;

    @BeforeAll
    static void start() {
        String key = TestKeys.operator(KAFKA.bootstrapServers());
        service = IngestService.start(IngestConfig.defaults(KAFKA.bootstrapServers())
                .with(IngestConfig.PORT, 0)
                .with(IngestConfig.MAX_LEAD_BYTES, CAP));
        http = new Http(service.port(), key);
    }

    @AfterAll
    static void stop() {
        service.stop();
    }

    /** A lead with an unknown field of {@code padding} characters, which ingest keeps. */
    private static String lead(String leadId, int padding) {
        return """
                {"leadId": "%s", "UserDetails": {"FirstName": "Ada", "Email": "ada@example.com"},
                 "LeadSource": "AzureMarketplace-INS|contoso.size-cap", "Notes": "%s"}
                """.formatted(leadId, "n".repeat(padding));
    }

    private static long leadCount() {
        return TopicCounts.count(KAFKA.bootstrapServers(), Topics.LEADS);
    }

    @Test
    void aLeadOverTheCapIs413NamingItAndIsNotWritten() {
        long before = leadCount();
        Http.Answer answer = http.postJson("/v1/leads", lead("big-lead-1", (int) CAP));

        assertThat(answer.status()).as(answer.body()).isEqualTo(413);
        assertThat(answer.contentType()).startsWith(Problem.CONTENT_TYPE);
        JsonNode body = answer.json();
        assertThat(body.path("type").asText()).isEqualTo(Problem.TYPE_BASE + "lead-too-large");
        assertThat(body.path("leadId").asText()).isEqualTo("big-lead-1");
        assertThat(body.path("offerId").asText()).isEqualTo("contoso.size-cap");
        assertThat(body.path("detail").asText())
                .contains("INGEST_MAX_LEAD_BYTES")
                .contains(String.valueOf(CAP));
        assertThat(answer.body()).doesNotContain("ada@example.com").doesNotContain("nnnnnnnn");
        assertThat(leadCount()).isEqualTo(before);
    }

    @Test
    void aBatchRefusesOnlyTheItemOverTheCapNamingIt() {
        long before = leadCount();
        String body = "[" + lead("small-lead-1", 10) + ", " + lead("big-lead-2", (int) CAP) + "]";
        Http.Answer answer = http.postJson("/v1/leads/batch", body);

        assertThat(answer.status()).as(answer.body()).isEqualTo(207);
        JsonNode items = answer.json().path("items");
        assertThat(items.get(0).path("status").asInt()).isEqualTo(202);
        JsonNode big = items.get(1);
        assertThat(big.path("index").asInt()).isEqualTo(1);
        assertThat(big.path("status").asInt()).isEqualTo(413);
        assertThat(big.path("leadId").asText()).isEqualTo("big-lead-2");
        assertThat(big.path("offerId").asText()).isEqualTo("contoso.size-cap");
        assertThat(big.path("detail").asText()).contains("INGEST_MAX_LEAD_BYTES");
        assertThat(leadCount()).isEqualTo(before + 1);
    }
}
